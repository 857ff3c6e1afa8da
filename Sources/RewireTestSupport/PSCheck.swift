public import Foundation

/// `../shared/tools/pscheck`: the independent checker every generated script must pass.
public enum PSCheck {
    /// Checks scripts; returns the findings text (empty when every script passed).
    public static func findings(_ files: [String]) throws -> String {
        let result = try ProcessRunner.python([Paths.pscheck.path] + files)
        if result.status == 0 { return "" }
        if result.status == 2 { throw PSCheckError(message: "pscheck could not run: \(result.stderr)") }
        return result.stdout
    }

    /// Every command call of the scripts with decoded parameter values.
    public static func calls(_ files: [String]) throws -> [Call] {
        let result = try ProcessRunner.python([Paths.pscheck.path, "--calls"] + files)
        guard result.status == 0 else { throw PSCheckError(message: "pscheck --calls failed: \(result.stderr)") }
        return try JSONDecoder().decode([Call].self, from: Data(result.stdout.utf8))
    }

    /// Every string literal of the scripts with its decoded value.
    public static func literals(_ files: [String]) throws -> [Literal] {
        let result = try ProcessRunner.python([Paths.pscheck.path, "--literals"] + files)
        guard result.status == 0 else { throw PSCheckError(message: "pscheck --literals failed: \(result.stderr)") }
        return try JSONDecoder().decode([Literal].self, from: Data(result.stdout.utf8))
    }

    public struct Call: Decodable, Sendable {
        public var file: String
        public var line: Int
        public var command: String
        public var resolved: String?
        public var parameters: [Argument]
        public var positional: [Argument]

        /// The decoded value of a named parameter, if given as a literal.
        public func value(_ name: String) -> Value? {
            parameters.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        public func has(_ name: String) -> Bool {
            parameters.contains { $0.name.lowercased() == name.lowercased() }
        }

        /// The parameter's source text (`$nic0`, `'a', 'b'`).
        public func raw(_ name: String) -> String? {
            parameters.first { $0.name.lowercased() == name.lowercased() }?.raw
        }
    }

    public struct Argument: Decodable, Sendable {
        public var name: String
        public var value: Value?
        public var raw: String?

        enum CodingKeys: String, CodingKey { case name, value, raw }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
            value = try container.decodeIfPresent(Value.self, forKey: .value)
            raw = try container.decodeIfPresent(String.self, forKey: .raw)
        }
    }

    /// A decoded literal: a string, a number, a boolean or an array of those.
    public enum Value: Decodable, Sendable, Equatable {
        case string(String)
        case number(Double)
        case bool(Bool)
        case array([Value])

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else {
                self = .array(try container.decode([Value].self))
            }
        }

        /// The strings of a string or an array of strings.
        public var strings: [String] {
            switch self {
            case .string(let text): [text]
            case .array(let items): items.flatMap(\.strings)
            case .number(let number): [number.rounded() == number ? String(Int(number)) : String(number)]
            case .bool(let flag): [String(flag)]
            }
        }
    }

    public struct Literal: Decodable, Sendable {
        public var line: Int
        public var kind: String
        public var raw: String
        public var value: String?
        public var problem: String?
    }
}

public struct PSCheckError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
