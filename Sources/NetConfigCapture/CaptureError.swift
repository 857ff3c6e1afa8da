public import RewireModel

/// Input that cannot be captured. Its description is the one line the CLI prints: the file, the
/// place inside it, and what was expected.
public struct CaptureError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The bytes are not well-formed JSON or XML.
        case syntax
        /// Well-formed, but a value has the wrong type or a required value is missing.
        case shape
        /// Well-formed, but not a document rewire knows (not an Azure resource, list or array).
        case unrecognized
        /// Nothing to capture: an empty folder, no VMs, or a `--vm` name that is not in the input.
        case empty
    }

    public var code: Code
    public var location: SourceLocation
    public var message: String

    public init(_ code: Code, _ location: SourceLocation, _ message: String) {
        self.code = code
        self.location = location
        self.message = message
    }

    public var description: String { "\(location): \(message)" }
}
