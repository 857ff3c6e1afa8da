// swift-tools-version: 6.1
import CompilerPluginSupport
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "rewire",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "rewire", targets: ["rewire"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swiftlang/swift-syntax", from: "603.0.1"),
    ],
    targets: [
        // Value types only: the manifest, the restore report, findings, canonical encoding.
        .target(name: "RewireModel", dependencies: ["RewireMacros"], swiftSettings: upcoming),
        // Compile time only (a compiler plugin, not linked into rewire): @CanonicalJSONWritable,
        // which writes each model type's canonical JSON writer from its stored properties.
        .macro(
            name: "RewireMacros",
            dependencies: [
                .product(name: "SwiftSyntaxMacros", package: "swift-syntax"),
                .product(name: "SwiftCompilerPlugin", package: "swift-syntax"),
            ],
            swiftSettings: upcoming
        ),
        // libxml2 through pkg-config; imported by exactly one Swift file (NetConfigCapture/XMLDocument.swift).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Bytes in, Manifest out. Never fetches.
        .target(name: "NetConfigCapture", dependencies: ["RewireModel", "CLibXML2"], swiftSettings: upcoming),
        // The small ARM client and the live inventory fetch.
        .target(
            name: "AzureREST",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        // Recovery-point backends, journal, preflight checks, rehearsal planning.
        .target(
            name: "Restore",
            dependencies: ["RewireModel", "AzureREST", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming
        ),
        // Manifest (+ RestoreReport) -> typed script models -> text through the templates.
        .target(
            name: "ScriptGen",
            dependencies: [
                "RewireModel",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming,
            plugins: ["EmbedTemplates"]
        ),
        .executableTarget(
            name: "rewire",
            dependencies: [
                "RewireModel", "NetConfigCapture", "AzureREST", "Restore", "ScriptGen",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming
        ),
        // Build-time tool: turns templates/ into Swift source so the binary works without the source tree.
        .executableTarget(name: "embed-templates", swiftSettings: upcoming),
        .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["embed-templates"]),
        .target(name: "RewireTestSupport", dependencies: ["RewireModel"], swiftSettings: upcoming),
        .testTarget(
            name: "RewireModelTests",
            dependencies: ["RewireModel", "RewireTestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "NetConfigCaptureTests",
            dependencies: ["NetConfigCapture", "RewireModel", "RewireTestSupport"],
            swiftSettings: upcoming
        ),
        .testTarget(name: "AzureRESTTests", dependencies: ["AzureREST", "RewireTestSupport"], swiftSettings: upcoming),
        .testTarget(
            name: "RestoreTests",
            dependencies: ["Restore", "RewireModel", "RewireTestSupport"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ScriptGenTests",
            dependencies: [
                "ScriptGen", "RewireModel", "NetConfigCapture", "Restore", "RewireTestSupport",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(name: "RewireCLITests", dependencies: ["RewireTestSupport", "RewireModel"], swiftSettings: upcoming),
    ]
)
