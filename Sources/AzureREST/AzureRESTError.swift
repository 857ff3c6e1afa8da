import Foundation

/// Every failure AzureREST reports: one clear line for a person, typed fields for code.
///
/// The message never contains a token, a client secret or a SAS signature.
public struct AzureRESTError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as rewire classifies it; stable for programs to switch on.
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The service answered with an error status (see ``AzureRESTError/status`` and ``AzureRESTError/code``).
        public static let service = Kind(rawValue: "service")
        /// Throttled (429) and still throttled after every retry.
        public static let throttled = Kind(rawValue: "throttled")
        /// No response: connection failed or timed out, after every retry.
        public static let transport = Kind(rawValue: "transport")
        /// A `POST` failed in a way (5xx, timeout, dropped connection) that leaves open whether the service acted
        /// on it. Do not simply send it again: look for its effect first (for a restore: list the vault's jobs).
        public static let outcomeUnknown = Kind(rawValue: "outcomeUnknown")
        /// Getting a token failed (wrong secret, unknown tenant, ...).
        public static let authentication = Kind(rawValue: "authentication")
        /// No credential in the chain could be used at all.
        public static let credentialUnavailable = Kind(rawValue: "credentialUnavailable")
        /// A long-running operation ended `Failed` or `Canceled`, or did not finish in time.
        public static let operationFailed = Kind(rawValue: "operationFailed")
        /// The service answered 2xx with a body rewire cannot read.
        public static let invalidResponse = Kind(rawValue: "invalidResponse")
        /// An endpoint, id or argument given to AzureREST is malformed.
        public static let invalidArgument = Kind(rawValue: "invalidArgument")
    }

    public var kind: Kind
    /// The service's own error code when there is one (`ResourceNotFound`, `invalid_client`, `BlobNotFound`),
    /// else a rewire code naming the failure.
    public var code: String
    /// What happened and how to fix it.
    public var message: String
    /// HTTP status of the answer, when there was one.
    public var status: Int?
    /// The service's request id (`x-ms-request-id`, Entra ID trace id), for a support ticket.
    public var requestID: String?
    /// Where: method and URL (secrets redacted), or the credential / process involved.
    public var location: String?
    /// ARM `error.details` (code and message each).
    public var details: [Detail]
    /// The underlying error, when another error caused this one.
    public var cause: (any Error & Sendable)?

    /// One entry of an ARM error's `details`.
    public struct Detail: Sendable, Equatable {
        public var code: String
        public var message: String
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    public init(
        kind: Kind,
        code: String,
        message: String,
        status: Int? = nil,
        requestID: String? = nil,
        location: String? = nil,
        details: [Detail] = [],
        cause: (any Error & Sendable)? = nil
    ) {
        self.kind = kind
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
        self.location = location
        self.details = details
        self.cause = cause
    }

    /// One line: `code: message [details] (HTTP status, where, request id)`.
    public var description: String {
        var text = "\(code): \(message)"
        let extra = details.filter { !$0.message.isEmpty && !message.contains($0.message) }
        if !extra.isEmpty {
            text += " [" + extra.map { "\($0.code): \($0.message)" }.joined(separator: "; ") + "]"
        }
        var context: [String] = []
        if let status { context.append("HTTP \(status)") }
        if let location { context.append(location) }
        if let requestID { context.append("request id \(requestID)") }
        if !context.isEmpty { text += " (" + context.joined(separator: ", ") + ")" }
        return Redaction.text(
            text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " "))
    }
}

extension AzureRESTError {
    /// Builds the error for a non-2xx answer, reading whichever error body the service sent: ARM
    /// (`{"error":{"code","message","details"}}`, or the older unwrapped `{"code","message"}`), Entra ID / IMDS
    /// (`{"error":"invalid_client","error_description":"AADSTS...: ..."}`) or storage XML (`<Error><Code>`).
    static func fromResponse(
        _ response: HTTPResponse,
        request: HTTPRequest,
        attempts: Int = 1,
        kind: Kind? = nil
    ) -> AzureRESTError {
        let target = "\(request.method) \(Redaction.url(request.url))"
        let parsed = ServiceErrorBody(response)
        let requestID =
            response.headers["x-ms-request-id"] ?? parsed.traceID ?? response.headers["x-ms-correlation-request-id"]
        let resolvedKind: Kind
        if let kind {
            resolvedKind = kind
        } else if response.status == 429 {
            resolvedKind = .throttled
        } else {
            resolvedKind = .service
        }
        var message = parsed.message ?? Self.reasonPhrase(response.status)
        if let hint = Self.hint(status: response.status, code: parsed.code, attempts: attempts) {
            message += " " + hint
        }
        return AzureRESTError(
            kind: resolvedKind,
            code: parsed.code ?? "HTTP\(response.status)",
            message: Redaction.text(message),
            status: response.status,
            requestID: requestID,
            location: target,
            details: parsed.details
        )
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad request."
        case 401: "Unauthorized."
        case 403: "Forbidden."
        case 404: "Not found."
        case 409: "Conflict."
        case 429: "Too many requests."
        case 500: "Internal server error."
        case 502: "Bad gateway."
        case 503: "Service unavailable."
        case 504: "Gateway timeout."
        default: "The service answered HTTP \(status) with no error body."
        }
    }

    /// What to do about it, by status and code.
    static func hint(status: Int, code: String?, attempts: Int) -> String? {
        let retried = attempts > 1 ? " Tried \(attempts) times." : ""
        switch status {
        case 401:
            return "Check the credentials: AZURE_TENANT_ID / AZURE_CLIENT_ID / AZURE_CLIENT_SECRET, the managed "
                + "identity, or run 'az login'; and that --authority-host matches --arm-endpoint's cloud."
        case 403:
            return "Grant the signed-in identity a role that allows this action on the scope named above."
        case 429:
            return
                "Azure is throttling these calls.\(retried) Wait a few minutes or lower the concurrency, then re-run."
        case 500...599:
            return "The service failed.\(retried) Re-run later; check https://status.azure.com if it persists."
        default:
            return retried.isEmpty ? nil : retried.trimmingCharacters(in: .whitespaces)
        }
    }
}

/// The code, message, details and trace id out of any of the error body styles Azure uses.
struct ServiceErrorBody {
    var code: String?
    var message: String?
    var details: [AzureRESTError.Detail] = []
    var traceID: String?

    init(_ response: HTTPResponse) {
        if let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] {
            if let error = object["error"] as? [String: Any] {
                // ARM
                code = error["code"] as? String
                message = error["message"] as? String
                if let list = error["details"] as? [[String: Any]] {
                    details = list.map {
                        AzureRESTError.Detail(
                            code: $0["code"] as? String ?? "", message: $0["message"] as? String ?? "")
                    }
                }
            } else if let error = object["error"] as? String {
                // Entra ID / IMDS: the description's first line is the message; the rest is trace noise.
                code = error
                if let description = object["error_description"] as? String {
                    message = description.components(separatedBy: CharacterSet.newlines).first ?? description
                }
                traceID = object["trace_id"] as? String
            } else if let code = object["code"] as? String {
                // Unwrapped ARM-style body some resource providers send.
                self.code = code
                message = object["message"] as? String ?? object["Message"] as? String
            }
        } else if !response.body.isEmpty {
            let text = response.bodyText
            if text.contains("<Error") {
                code = Self.xmlElement("Code", in: text)
                if let raw = Self.xmlElement("Message", in: text) {
                    message = raw.components(separatedBy: CharacterSet.newlines).first ?? raw
                }
            }
        }
        if code == nil, let header = response.headers["x-ms-error-code"] {
            code = header
        }
    }

    static func xmlElement(_ name: String, in text: String) -> String? {
        guard let start = text.range(of: "<\(name)>"),
            let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
