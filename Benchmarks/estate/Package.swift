// swift-tools-version: 6.1
// The estate generator for rewire's capture and script benchmarks, and the seed generator for the restore
// benchmark (restore-seed). A package of its own so that
// `swift test` in the repository never builds it. See BENCHMARKS.md.
import PackageDescription

let package = Package(
    name: "rewire-benchmarks",
    targets: [
        .executableTarget(name: "estate-gen"),
        .executableTarget(name: "restore-seed"),
    ]
)
