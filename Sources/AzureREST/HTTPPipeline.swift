import Foundation
import Logging

/// Sends a request through the seam, repeating it per ``RetryPolicy``. Pure logic over ``HTTPRequestSending``,
/// ``AzureClock`` and ``RandomSource``.
struct HTTPPipeline: Sendable {
    let sender: any HTTPRequestSending
    let policy: RetryPolicy
    let clock: any AzureClock
    let random: any RandomSource
    let logger: Logger

    /// What the retry loop settled on.
    struct Outcome: Sendable {
        var response: HTTPResponse
        /// Requests sent, including the first.
        var attempts: Int
    }

    /// The decision after one attempt.
    enum Decision: Equatable {
        case retry(after: Double, reason: String)
        case stop
    }

    /// Decides whether to repeat `request` after it answered `response` (or failed with `failure`) on attempt
    /// number `attempt` (1-based).
    func decide(
        request: HTTPRequest,
        response: HTTPResponse?,
        failure: HTTPTransportError?,
        attempt: Int
    ) -> Decision {
        guard attempt <= policy.maximumRetries else { return .stop }
        if let failure {
            guard failure.isTransient else { return .stop }
            if failure.kind == .connectionFailed && attempt > policy.maximumConnectionRetries { return .stop }
            // A POST that may have reached the server is not repeated: it could have taken effect.
            if failure.requestMayHaveReachedServer && !request.isIdempotent { return .stop }
            return .retry(after: policy.backoff(retry: attempt, unit: random.nextUnit()), reason: failure.kind.rawValue)
        }
        guard let response, RetryPolicy.isRetryableStatus(response.status) else { return .stop }
        // 429 means ARM rejected the request before acting on it, so even a POST may be repeated. A 5xx may
        // come after the work was done (a lost response), so only idempotent requests are repeated on it.
        if response.status != 429 && !request.isIdempotent { return .stop }
        if let wait = RetryAfter.seconds(in: response.headers, now: clock.now()) {
            guard wait <= policy.maximumRetryAfter else { return .stop }
            return .retry(after: wait, reason: "HTTP \(response.status), Retry-After \(Self.format(wait)) s")
        }
        return .retry(
            after: policy.backoff(retry: attempt, unit: random.nextUnit()), reason: "HTTP \(response.status)")
    }

    /// Sends `request`, retrying as ``decide(request:response:failure:attempt:)`` says. Returns the last response
    /// (which may still be an error status); throws ``AzureRESTError`` when the last attempt got no response.
    func send(_ request: HTTPRequest) async throws -> Outcome {
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            var response: HTTPResponse?
            var failure: HTTPTransportError?
            do {
                response = try await sender.send(request)
            } catch let error as HTTPTransportError {
                failure = error
            } catch let error as CancellationError {
                throw error
            } catch {
                failure = HTTPTransportError(kind: .other, detail: "\(error)")
            }
            let target = "\(request.method) \(Redaction.url(request.url))"
            if let response {
                logger.debug("\(target) -> \(response.status)", metadata: ["attempt": "\(attempt)"])
            }
            switch decide(request: request, response: response, failure: failure, attempt: attempt) {
            case .retry(let wait, let reason):
                logger.debug(
                    "retrying \(target) in \(Self.format(wait)) s (\(reason))", metadata: ["attempt": "\(attempt)"])
                try await clock.sleep(seconds: wait)
            case .stop:
                if let response { return Outcome(response: response, attempts: attempt) }
                let failure = failure ?? HTTPTransportError(kind: .other, detail: "no response")
                throw Self.transportError(failure, request: request, attempts: attempt)
            }
        }
    }

    static func transportError(_ failure: HTTPTransportError, request: HTTPRequest, attempts: Int) -> AzureRESTError {
        let target = "\(request.method) \(Redaction.url(request.url))"
        let tries = attempts > 1 ? " after \(attempts) attempts" : ""
        if failure.requestMayHaveReachedServer && !request.isIdempotent {
            return AzureRESTError(
                kind: .outcomeUnknown, code: "OutcomeUnknown",
                message: "No answer to the request (\(failure.kind.rawValue))\(tries); the service may have carried "
                    + "it out. Check for its effect before sending it again.",
                location: target, cause: failure)
        }
        let fix =
            failure.kind == .other
            ? "Check the endpoint URL (--arm-endpoint, --authority-host) and TLS settings."
            : "Check network access to the endpoint (proxy, firewall, DNS) and re-run."
        return AzureRESTError(
            kind: .transport, code: failure.kind == .timeout ? "Timeout" : "ConnectionFailed",
            message: "No answer (\(Redaction.text(failure.detail)))\(tries). \(fix)", location: target, cause: failure)
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.2f", seconds)
    }
}
