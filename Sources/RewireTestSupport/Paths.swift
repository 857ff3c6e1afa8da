public import Foundation

/// Where things are, seen from a test: the repository, `../shared`, the built `rewire` binary.
public enum Paths {
    /// The repository root (this file is `Sources/RewireTestSupport/Paths.swift`).
    public static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static let shared: URL = repository.deletingLastPathComponent().appendingPathComponent("shared")
    public static let examples: URL = repository.appendingPathComponent("examples")
    public static let templates: URL = repository.appendingPathComponent("templates")
    public static let pscheck: URL = shared.appendingPathComponent("tools/pscheck/pscheck.py")

    /// The `rewire` executable built beside the test bundle (`swift build` builds it for `swift test`).
    public static var rewireBinary: URL { builtProduct("rewire") }

    /// The `@CanonicalJSONWritable` compiler plugin (`RewireModel` depends on it, so it is built).
    public static var macroPlugin: URL { builtProduct("RewireMacros-tool") }

    /// A product built beside the test bundle, or in `.build/debug` or `.build/release`.
    public static func builtProduct(_ name: String) -> URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        for configuration in ["debug", "release"] {
            let candidate = repository.appendingPathComponent(".build/\(configuration)/\(name)")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return repository.appendingPathComponent(".build/debug/\(name)")
    }
}

/// A fresh directory under the system's temporary folder, removed when the test is done with it.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init(_ label: String = "rewire-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    public func write(_ name: String, _ text: String) throws -> String {
        try write(name, Data(text.utf8))
    }

    public func write(_ name: String, _ data: Data) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file.path
    }

    /// Every file below the directory, relative paths, sorted.
    public func files() -> [String] {
        let walker = FileManager.default.enumerator(atPath: url.path)
        var out: [String] = []
        while let next = walker?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.appendingPathComponent(next).path, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                out.append(next)
            }
        }
        return out.sorted()
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
