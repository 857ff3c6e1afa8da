/// A warning or note about the input or the estate: a value, never an exception. Fatal problems
/// are thrown as errors instead.
@CanonicalJSONWritable
public struct Finding: Codable, Sendable, Equatable, Hashable {
    public var severity: Severity
    /// Stable, dotted identifier (`reference.missing.loadBalancer`); scripts and tests match on it.
    public var code: String
    public var message: String
    /// The VM the finding concerns, when there is one.
    public var vm: String?
    /// The setting concerned, when there is one (`dataDisks`, `nic-web01/ipconfig1.privateIPAddress`).
    public var setting: String?
    /// What to do about it, in one sentence.
    public var action: String?
    public var location: SourceLocation?

    public init(
        severity: Severity, code: String, message: String, vm: String? = nil, setting: String? = nil, action: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.severity = severity
        self.code = code
        self.message = message
        self.vm = vm
        self.setting = setting
        self.action = action
        self.location = location
    }
}

@CanonicalJSONWritable
public enum Severity: String, Codable, Sendable, CaseIterable, Comparable {
    /// The restore cannot succeed as captured.
    case blocker
    case warning
    case info

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .blocker: 0
        case .warning: 1
        case .info: 2
        }
    }
}

/// Where in the input something was found: a file and a JSON path (`$.properties.ipConfigurations[0]`)
/// or an XML line.
@CanonicalJSONWritable
public struct SourceLocation: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var path: String?
    public var line: Int?
    public var column: Int?

    public init(file: String, path: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.path = path
        self.line = line
        self.column = column
    }

    /// `file:line:column at $.path`, the form compilers use, so editors can jump to it.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        if let path { text += " at \(path)" }
        return text
    }
}
