import Foundation

extension Manifest {
    /// Reads a manifest written by `rewire capture`, refusing versions this build does not know
    /// before looking at anything else.
    public static func decode(_ bytes: [UInt8]) throws(ManifestReadError) -> Manifest {
        let data = Data(bytes)
        struct VersionOnly: Decodable { var schemaVersion: Int? }
        let version: Int?
        do {
            version = try JSONDecoder().decode(VersionOnly.self, from: data).schemaVersion
        } catch {
            throw ManifestReadError(path: "$", message: "expected a manifest (a JSON object with \"schemaVersion\"): \(Self.describe(error))")
        }
        guard let version else { throw ManifestReadError(path: "$", message: "expected \"schemaVersion\": this is not a rewire manifest") }
        guard version <= currentSchemaVersion else {
            throw ManifestReadError(
                path: "$.schemaVersion",
                message: "manifest schema version \(version) is newer than this rewire understands (\(currentSchemaVersion)); use a newer rewire")
        }
        guard version >= 1 else { throw ManifestReadError(path: "$.schemaVersion", message: "expected a schema version of 1 or more, found \(version)") }
        do {
            return try JSONDecoder().decode(Manifest.self, from: data)
        } catch let error as DecodingError {
            throw ManifestReadError(path: Self.path(of: error), message: Self.describe(error))
        } catch {
            throw ManifestReadError(path: "$", message: "\(error)")
        }
    }

    private static func path(of error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .keyNotFound(_, let c), .dataCorrupted(let c): context = c
        @unknown default: return "$"
        }
        var path = "$"
        for key in context.codingPath {
            if let index = key.intValue { path += "[\(index)]" } else { path += "." + key.stringValue }
        }
        return path
    }

    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not valid JSON" }
        switch error {
        case .typeMismatch(let type, _): return "expected \(kind(of: type))"
        case .valueNotFound(let type, _): return "expected \(kind(of: type)), found null"
        case .keyNotFound(let key, _): return "expected \"\(key.stringValue)\""
        case .dataCorrupted(let context): return context.underlyingError == nil ? context.debugDescription : "not valid JSON"
        @unknown default: return "unreadable"
        }
    }
}

/// What a JSON value of a decoded type looks like, in the words of JSON ("an array", "a string").
private func kind(of type: Any.Type) -> String {
    switch type {
    case is String.Type: "a string"
    case is Bool.Type: "true or false"
    case is Int.Type, is Int64.Type, is Double.Type: "a number"
    default:
        String(describing: type).hasPrefix("Array<") ? "an array" : String(describing: type).hasPrefix("Dictionary<") ? "an object" : "an object (\(type))"
    }
}

/// A manifest that cannot be read: where (JSON path) and what was expected.
public struct ManifestReadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String

    public var description: String { "\(path): \(message)" }
}
