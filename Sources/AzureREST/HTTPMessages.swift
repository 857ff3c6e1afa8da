public import Foundation

/// An HTTP method. A struct rather than an enum so callers can use any verb, yet the common ones read well.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue.uppercased() }

    public static let get = HTTPMethod(rawValue: "GET")
    public static let head = HTTPMethod(rawValue: "HEAD")
    public static let post = HTTPMethod(rawValue: "POST")
    public static let put = HTTPMethod(rawValue: "PUT")
    public static let patch = HTTPMethod(rawValue: "PATCH")
    public static let delete = HTTPMethod(rawValue: "DELETE")

    /// RFC 9110 idempotency: repeating the request has the same effect as sending it once.
    /// `POST` and `PATCH` are not, so the retry logic never repeats them when the server may have acted on them.
    public var isIdempotent: Bool { self != .post && self != .patch }

    public var description: String { rawValue }
}

/// One header line.
public struct HTTPField: Hashable, Sendable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// An ordered list of header fields, looked up case-insensitively as HTTP requires.
public struct HTTPFields: Hashable, Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [HTTPField]

    public init(_ fields: [HTTPField] = []) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { HTTPField(name: $0.0, value: $0.1) }
    }

    /// The first value of the named header, or `nil`. Setting replaces every field of that name.
    public subscript(name: String) -> String? {
        get { fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value }
        set {
            fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
            if let newValue { fields.append(HTTPField(name: name, value: newValue)) }
        }
    }

    public func makeIterator() -> IndexingIterator<[HTTPField]> { fields.makeIterator() }
}

/// A request as the protocol logic builds it; the sending seam turns it into bytes on the wire.
public struct HTTPRequest: Sendable, Equatable {
    public var method: HTTPMethod
    public var url: URL
    public var headers: HTTPFields
    public var body: Data?
    /// Deadline for the whole exchange, in seconds.
    public var timeout: Double
    /// Whether the retry logic may repeat the request after the server might have acted on it (5xx, timeouts,
    /// dropped connections). Defaults to the method's idempotency; a token request sets it to `true`.
    public var isIdempotent: Bool

    public init(
        method: HTTPMethod,
        url: URL,
        headers: HTTPFields = [:],
        body: Data? = nil,
        timeout: Double = 60,
        isIdempotent: Bool? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.isIdempotent = isIdempotent ?? method.isIdempotent
    }
}

/// A complete response: status, headers and the whole body.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: HTTPFields
    public var body: Data

    public init(status: Int, headers: HTTPFields = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (lossy), for diagnostics.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// The only I/O in AzureREST. Everything else (tokens, retries, polling, paging) is written against this seam, so
/// it can be driven by a scripted sender in tests and by ``AsyncHTTPClientSender`` in the product.
public protocol HTTPRequestSending: Sendable {
    /// Sends one request and returns the complete response, whatever its status.
    /// Throws ``HTTPTransportError`` when no response arrived.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}

/// No HTTP response arrived: the connection failed, timed out or broke.
public struct HTTPTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong on the wire, as far as retrying is concerned.
    public enum Kind: String, Sendable, Equatable {
        /// The connection could not be made (refused, DNS, unreachable). The server never saw the request.
        case connectionFailed
        /// The deadline passed before the response was complete.
        case timeout
        /// The connection broke after the request may have been sent.
        case connectionLost
        /// Anything else (bad URL, TLS configuration, ...): retrying will not help.
        case other
    }

    public var kind: Kind
    /// A short description of the underlying error, without any request headers.
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Whether the server may have received, and acted on, the request.
    public var requestMayHaveReachedServer: Bool { kind != .connectionFailed && kind != .other }

    /// Whether repeating the request can help.
    public var isTransient: Bool { kind != .other }

    public var description: String { "\(kind.rawValue): \(detail)" }
}
