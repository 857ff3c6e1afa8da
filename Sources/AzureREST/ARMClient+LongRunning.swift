public import Foundation

/// A long-running operation as ARM announced it (202 + `Azure-AsyncOperation` and/or `Location`). `Codable` so a
/// journal can save it and a later run can resume polling.
public struct LongRunningOperation: Sendable, Codable, Equatable {
    /// The status monitor: `GET` returns `{"status": "InProgress"|"Succeeded"|"Failed"|"Canceled", ...}`.
    public var asyncOperationURL: URL?
    /// The result URL: `GET` answers 202 while running, then the result (200/201/204).
    public var locationURL: URL?
    /// The first answer's `Retry-After`, in seconds.
    public var retryAfter: Double?

    public init(asyncOperationURL: URL?, locationURL: URL?, retryAfter: Double? = nil) {
        self.asyncOperationURL = asyncOperationURL
        self.locationURL = locationURL
        self.retryAfter = retryAfter
    }

    /// The operation a response announces, or `nil` when it has neither header (the work finished synchronously).
    public init?(response: HTTPResponse, now: Date) {
        let asyncOperation = response.headers["Azure-AsyncOperation"].flatMap { URL(string: $0) }
        let location = response.headers["Location"].flatMap { URL(string: $0) }
        guard asyncOperation != nil || location != nil else { return nil }
        self.init(
            asyncOperationURL: asyncOperation, locationURL: location,
            retryAfter: RetryAfter.seconds(in: response.headers, now: now))
    }
}

/// How to poll.
public struct PollingOptions: Sendable, Equatable {
    /// Seconds between polls when the service sends no `Retry-After`.
    public var defaultInterval: Double
    /// Upper bound on the wait between polls, whatever `Retry-After` says (Azure Backup says 60).
    public var maximumInterval: Double
    /// Give up (kind `operationFailed`, code `OperationTimedOut`) after this many seconds.
    public var timeout: Double

    public init(defaultInterval: Double = 5, maximumInterval: Double = 60, timeout: Double = 3600) {
        self.defaultInterval = defaultInterval
        self.maximumInterval = maximumInterval
        self.timeout = timeout
    }
}

/// How a long-running operation ended (successfully; failures throw).
public struct OperationResult: Sendable, Equatable {
    /// `Succeeded` (a `Location`-only operation that ended 200/201/204 also reports `Succeeded`).
    public var status: String
    /// The last body: the status monitor's JSON, or the `Location` result's body (possibly empty).
    public var body: Data
}

extension ARMClient {
    /// Polls `operation` until it ends: the `Azure-AsyncOperation` monitor until `Succeeded`, `Failed` or
    /// `Canceled`; without one, the `Location` URL until it stops answering 202. Waits what `Retry-After` says
    /// (bounded by ``PollingOptions/maximumInterval``). Throws kind `operationFailed` with the operation's own
    /// error code and message when it failed or was canceled.
    public func waitForCompletion(
        of operation: LongRunningOperation,
        options: PollingOptions = PollingOptions()
    ) async throws -> OperationResult {
        let clock = connection.clock
        let deadline = clock.now().addingTimeInterval(options.timeout)
        var wait = min(options.maximumInterval, operation.retryAfter ?? options.defaultInterval)
        while true {
            try await clock.sleep(seconds: wait)
            let response: HTTPResponse
            if let monitor = operation.asyncOperationURL {
                response = try await send(.get, url: monitor)
                let body = try jsonObject(
                    response.body, what: "operation status", location: "GET \(Redaction.url(monitor))")
                let status = body.string("status") ?? ""
                switch status.lowercased() {
                case "succeeded":
                    return OperationResult(status: status, body: response.body)
                case "failed", "canceled", "cancelled":
                    throw Self.operationError(body, status: status, location: "GET \(Redaction.url(monitor))")
                default:
                    break
                }
            } else if let location = operation.locationURL {
                response = try await send(.get, url: location)
                if response.status != 202 {
                    return OperationResult(status: "Succeeded", body: response.body)
                }
            } else {
                throw AzureRESTError(
                    kind: .invalidArgument, code: "NoOperationURL",
                    message: "The operation has neither an Azure-AsyncOperation nor a Location URL to poll.")
            }
            let remaining = deadline.timeIntervalSince(clock.now())
            guard remaining > 0 else {
                throw AzureRESTError(
                    kind: .operationFailed, code: "OperationTimedOut",
                    message: "The operation did not finish within \(Int(options.timeout)) s. It may still be running: "
                        + "poll it again later rather than starting it anew.",
                    location: (operation.asyncOperationURL ?? operation.locationURL).map { Redaction.url($0) })
            }
            let suggested = RetryAfter.seconds(in: response.headers, now: clock.now()) ?? options.defaultInterval
            wait = min(options.maximumInterval, suggested, remaining)
        }
    }

    /// Sends a request that may start a long-running operation. Returns the first answer and the operation it
    /// announces (`nil` when the answer carried no polling URL).
    public func begin(
        _ method: HTTPMethod,
        path: String,
        apiVersion: String,
        body: Data?
    ) async throws -> (response: HTTPResponse, operation: LongRunningOperation?) {
        let response = try await send(method, path: path, apiVersion: apiVersion, body: body)
        return (response, LongRunningOperation(response: response, now: connection.clock.now()))
    }

    static func operationError(_ body: [String: Any], status: String, location: String) -> AzureRESTError {
        let error = body.object("error") ?? body.object("properties")?.object("error")
        let code = error?.string("code") ?? "Operation\(status)"
        let message = error?.string("message") ?? "The operation ended with status \(status) and no error details."
        return AzureRESTError(
            kind: .operationFailed, code: code, message: Redaction.text(message), location: location,
            details: (error?["details"] as? [[String: Any]] ?? []).map {
                AzureRESTError.Detail(code: $0.string("code") ?? "", message: $0.string("message") ?? "")
            })
    }
}
