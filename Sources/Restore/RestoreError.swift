/// A restore that cannot go on, with a stable code, a message that says how to fix it, and where.
public struct RestoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure, which the CLI turns into an exit code.
    public enum Kind: String, Sendable, Equatable {
        /// The input is wrong: a corrupt disk, a bad vault, a recovery point that does not exist (exit 65).
        case badData
        /// The backend could not be reached or refused to work (exit 69).
        case unavailable
        /// A bug or an unexpected system error (exit 70).
        case `internal`
    }

    public var kind: Kind
    /// Stable, dotted identifier (`vault.disk.hashMismatch`); tests and scripts match on it.
    public var code: String
    public var message: String
    /// The file (or resource id) the problem is in.
    public var path: String?

    public init(_ kind: Kind, code: String, message: String, path: String? = nil) {
        self.kind = kind
        self.code = code
        self.message = message
        self.path = path
    }

    /// One line: `path: message`.
    public var description: String {
        if let path { return "\(path): \(message)" }
        return message
    }
}
