/// A parsed JSON document that keeps what Foundation's parsers lose: object key order, number
/// text exactly as written, and duplicate keys (the last one wins on lookup, as in ARM).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's literal text (`10`, `-1.5e3`), so nothing is rounded on the way through.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// Integers written as numbers or as decimal strings (`"diskSizeGB": "128"` occurs in CLI output).
    public var intValue: Int? {
        switch self {
        case .number(let text): Int(text) ?? Double(text).flatMap { $0.rounded() == $0 ? Int(exactly: $0) : nil }
        case .string(let text): Int(text)
        default: nil
        }
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var members: [JSONMember]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The member named `key`, compared exactly; nil when absent or not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.key == key }?.value
    }

    /// The member whose name equals `key` ignoring ASCII case (ARM, the CLI and PowerShell spell the
    /// same field `ipConfigurations`, `IpConfigurations`, `IPConfigurations`).
    public func member(ignoringCase key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { JSONValue.equalsIgnoringASCIICase($0.key, key) }?.value
    }

    /// The kind of value, for error messages ("expected a string, found an array").
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    public static func equalsIgnoringASCIICase(_ lhs: String, _ rhs: String) -> Bool {
        var left = lhs.utf8.makeIterator()
        var right = rhs.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return true
            case (let a?, let b?):
                if a == b { continue }
                let lowerA = (a >= 65 && a <= 90) ? a + 32 : a
                let lowerB = (b >= 65 && b <= 90) ? b + 32 : b
                if lowerA != lowerB { return false }
            default: return false
            }
        }
    }
}

public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
