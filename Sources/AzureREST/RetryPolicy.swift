public import Foundation

/// Time as AzureREST sees it: token expiry, `Retry-After` dates, waits between retries and polls.
/// Tests inject a virtual clock so retry and polling logic runs instantly and deterministically.
public protocol AzureClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Waits `seconds` (cancellable).
    func sleep(seconds: Double) async throws
}

/// The wall clock and `Task.sleep`.
public struct SystemClock: AzureClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(seconds: Double) async throws {
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }
}

/// Random numbers for backoff jitter; injectable so tests are deterministic.
public protocol RandomSource: Sendable {
    /// A number in `0..<1`.
    func nextUnit() -> Double
}

/// `Double.random(in:)` on the system generator.
public struct SystemRandomSource: RandomSource {
    public init() {}
    public func nextUnit() -> Double { Double.random(in: 0..<1) }
}

/// When and how often to retry.
///
/// Like the Azure SDKs: 429 waits what `Retry-After` (or `retry-after-ms` / `x-ms-retry-after-ms`) says; 408, 5xx,
/// timeouts and broken connections back off exponentially from ``initialDelay`` (×2 per attempt, at most
/// ``maximumDelay``), with ±``jitter`` randomness so many clients do not retry in lockstep.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries after the first attempt (so at most `maximumRetries + 1` requests).
    public var maximumRetries: Int
    /// First backoff, in seconds.
    public var initialDelay: Double
    /// Backoff ceiling, in seconds.
    public var maximumDelay: Double
    /// Fraction of randomness around each backoff (0.2 = ±20 %).
    public var jitter: Double
    /// A server's `Retry-After` is honoured up to this many seconds; beyond it the request fails instead.
    public var maximumRetryAfter: Double
    /// Per-request deadline, in seconds.
    public var requestTimeout: Double
    /// Retries after a refused or unreachable connection. Fewer than ``maximumRetries``: AsyncHTTPClient already
    /// keeps trying to connect for its connect timeout (10 s) before one attempt fails.
    public var maximumConnectionRetries: Int

    public init(
        maximumRetries: Int = 8,
        initialDelay: Double = 0.8,
        maximumDelay: Double = 60,
        jitter: Double = 0.2,
        maximumRetryAfter: Double = 600,
        requestTimeout: Double = 120,
        maximumConnectionRetries: Int = 2
    ) {
        self.maximumConnectionRetries = maximumConnectionRetries
        self.maximumRetries = maximumRetries
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
        self.maximumRetryAfter = maximumRetryAfter
        self.requestTimeout = requestTimeout
    }

    /// The defaults above.
    public static let standard = RetryPolicy()

    /// Backoff before retry number `retry` (1-based), given a random `unit` in `0..<1`.
    public func backoff(retry: Int, unit: Double) -> Double {
        let exponent = Double(max(0, retry - 1))
        let base = min(maximumDelay, initialDelay * pow(2, exponent))
        let factor = 1 - jitter + 2 * jitter * unit
        return min(maximumDelay, max(0, base * factor))
    }

    /// Statuses worth repeating.
    public static func isRetryableStatus(_ status: Int) -> Bool {
        status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504
    }
}

/// Parses the server's "wait this long" headers.
public enum RetryAfter {
    /// Seconds to wait according to `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (delta seconds or an
    /// HTTP-date, RFC 9110 §10.2.3), or `nil` when none is present or readable. A date in the past gives 0.
    public static func seconds(in headers: HTTPFields, now: Date) -> Double? {
        for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
            if let text = headers[name]?.trimmingCharacters(in: .whitespaces), let ms = Double(text), ms >= 0 {
                return ms / 1000
            }
        }
        guard let text = headers["Retry-After"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return nil
        }
        if let seconds = Double(text) {
            return seconds >= 0 ? seconds : nil
        }
        guard let date = httpDate(text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), plus the obsolete RFC 850 and asctime forms.
    public static func httpDate(_ text: String) -> Date? {
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return date }
        }
        return nil
    }
}
