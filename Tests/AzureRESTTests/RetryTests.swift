import Foundation
import Testing

@testable import AzureREST

@Suite("Retries")
struct RetryTests {
    let vmPath = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/web01"

    @Test func waitsExactlyWhatRetryAfterSaysOn429() async throws {
        let sender = ScriptedSender(responses: [
            armError(429, code: "TooManyRequests", message: "slow down", headers: ["Retry-After": "7"]),
            armError(429, code: "TooManyRequests", message: "slow down", headers: ["Retry-After": "3"]),
            json(#"{"id":"x"}"#),
        ])
        let clock = VirtualClock()
        let (arm, _) = makeARM(sender, clock: clock)
        _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01")
        #expect(clock.sleeps == [7, 3])
        #expect(sender.sent.count == 3)
    }

    @Test func readsRetryAfterAsAnHTTPDate() async throws {
        let clock = VirtualClock()
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let date = formatter.string(from: clock.now().addingTimeInterval(30))
        let sender = ScriptedSender(responses: [
            armError(429, code: "TooManyRequests", message: "m", headers: ["Retry-After": date]), json("{}"),
        ])
        let (arm, _) = makeARM(sender, clock: clock)
        _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01")
        #expect(clock.sleeps == [30])
    }

    static let retryAfterTable: [(HTTPFields, Double)] = [
        (["Retry-After": "12"], 12.0),
        (["Retry-After": "0"], 0.0),
        (["retry-after-ms": "1500", "Retry-After": "9"], 1.5),
        (["x-ms-retry-after-ms": "250"], 0.25),
        (["Retry-After": "Sun, 06 Nov 1994 08:49:37 GMT"], 0.0),  // in the past
    ]

    @Test(arguments: retryAfterTable)
    func parsesRetryAfterHeaders(headers: HTTPFields, expected: Double) {
        #expect(RetryAfter.seconds(in: headers, now: Date(timeIntervalSince1970: 1_763_604_074)) == expected)
    }

    @Test func ignoresUnreadableRetryAfter() {
        #expect(RetryAfter.seconds(in: ["Retry-After": "soon"], now: Date()) == nil)
        #expect(RetryAfter.seconds(in: [:], now: Date()) == nil)
    }

    @Test func backsOffExponentiallyOn5xxWithJitter() async throws {
        let sender = ScriptedSender(responses: [
            armError(503, code: "ServiceUnavailable", message: "m"),
            armError(500, code: "InternalServerError", message: "m"),
            armError(502, code: "BadGateway", message: "m"),
            json("{}"),
        ])
        let clock = VirtualClock()
        let (arm, _) = makeARM(sender, clock: clock, random: 0.5)  // 0.5 = no jitter offset
        _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01")
        #expect(clock.sleeps == [0.8, 1.6, 3.2])
    }

    @Test func jitterStaysWithinItsBandAndTheCeiling() {
        let policy = RetryPolicy(initialDelay: 1, maximumDelay: 10, jitter: 0.2)
        #expect(policy.backoff(retry: 1, unit: 0) == 0.8)
        #expect(abs(policy.backoff(retry: 1, unit: 0.999_999) - 1.2) < 0.0001)
        #expect(policy.backoff(retry: 3, unit: 0) == 3.2)
        #expect(policy.backoff(retry: 10, unit: 0.999) == 10)
    }

    @Test func givesUpAfterTheConfiguredRetriesWithAClearError() async throws {
        let sender = ScriptedSender(fallback: { _ in armError(503, code: "ServiceUnavailable", message: "down") })
        let clock = VirtualClock()
        let (arm, _) = makeARM(sender, clock: clock, policy: RetryPolicy(maximumRetries: 3))
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01")
        }
        #expect(sender.sent.count == 4)
        #expect(clock.sleeps.count == 3)
        #expect(error.status == 503)
        #expect(error.code == "ServiceUnavailable")
        #expect(error.description.contains("Tried 4 times"))
    }

    @Test func stillThrottledAfterEveryRetryIsKindThrottled() async throws {
        let sender = ScriptedSender(fallback: { _ in
            armError(429, code: "TooManyRequests", message: "m", headers: ["Retry-After": "1"])
        })
        let (arm, _) = makeARM(sender, policy: RetryPolicy(maximumRetries: 2))
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01")
        }
        #expect(error.kind == .throttled)
        #expect(sender.sent.count == 3)
    }

    @Test func refusesARetryAfterLongerThanTheLimit() async throws {
        let sender = ScriptedSender(responses: [
            armError(429, code: "TooManyRequests", message: "m", headers: ["Retry-After": "3600"])
        ])
        let (arm, _) = makeARM(sender, policy: RetryPolicy(maximumRetryAfter: 600))
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01")
        }
        #expect(error.kind == .throttled)
        #expect(sender.sent.count == 1)
    }

    @Test func neverRepeatsAPostAnswered5xx() async throws {
        let sender = ScriptedSender(responses: [armError(500, code: "InternalServerError", message: "boom")])
        let (arm, _) = makeARM(sender)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.send(.post, path: vmPath + "/restart", apiVersion: "2025-04-01", body: Data("{}".utf8))
        }
        #expect(sender.sent.count == 1)
        #expect(error.kind == .outcomeUnknown)
        #expect(error.message.contains("may have carried out"))
    }

    @Test func repeatsAPostThrottledWith429() async throws {
        let sender = ScriptedSender(responses: [
            armError(429, code: "TooManyRequests", message: "m", headers: ["Retry-After": "2"]),
            HTTPResponse(status: 202),
        ])
        let clock = VirtualClock()
        let (arm, _) = makeARM(sender, clock: clock)
        let response = try await arm.send(.post, path: vmPath + "/restart", apiVersion: "2025-04-01", body: nil)
        #expect(response.status == 202)
        #expect(clock.sleeps == [2])
    }

    @Test func repeatsAGetAfterTimeoutsButNotAPost() async throws {
        let timeout: ScriptedSender.Step = { _ in throw HTTPTransportError(kind: .timeout, detail: "deadline") }
        let getSender = ScriptedSender([timeout, timeout, { _ in json("{}") }])
        let clock = VirtualClock()
        let (arm, _) = makeARM(getSender, clock: clock)
        _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01")
        #expect(getSender.sent.count == 3)
        #expect(clock.sleeps == [0.8, 1.6])

        let postSender = ScriptedSender([timeout])
        let (postARM, _) = makeARM(postSender)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await postARM.send(.post, path: vmPath, apiVersion: "2025-04-01", body: nil)
        }
        #expect(postSender.sent.count == 1)
        #expect(error.kind == .outcomeUnknown)
    }

    @Test func repeatsAPostWhoseConnectionWasRefused() async throws {
        let sender = ScriptedSender([
            { _ in throw HTTPTransportError(kind: .connectionFailed, detail: "refused") },
            { _ in HTTPResponse(status: 202) },
        ])
        let (arm, _) = makeARM(sender)
        let response = try await arm.send(.post, path: vmPath, apiVersion: "2025-04-01", body: nil)
        #expect(response.status == 202)
        #expect(sender.sent.count == 2)
    }

    @Test func reportsAnUnreachableEndpointAsTransportAfterRetries() async throws {
        let sender = ScriptedSender(fallback: { _ in
            throw HTTPTransportError(kind: .connectionFailed, detail: "refused")
        })
        let (arm, _) = makeARM(sender)  // 8 retries in general, 2 for connection failures
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01")
        }
        #expect(sender.sent.count == 3)
        #expect(error.kind == .transport)
        #expect(error.code == "ConnectionFailed")
        #expect(error.description.contains("after 3 attempts"))
        #expect(error.description.contains("management.example"))
    }

    @Test func doesNotRetryA4xx() async throws {
        let sender = ScriptedSender(responses: [armError(404, code: "ResourceNotFound", message: "gone")])
        let (arm, _) = makeARM(sender)
        await #expect(throws: AzureRESTError.self) { _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01") }
        #expect(sender.sent.count == 1)
    }

    @Test func sendsTheApiVersionAndABearerToken() async throws {
        let sender = ScriptedSender(responses: [json("{}")])
        let (arm, _) = makeARM(sender)
        _ = try await arm.get(path: vmPath, apiVersion: "2025-04-01")
        let request = try #require(sender.sent.first)
        #expect(request.url.absoluteString == "https://management.example\(vmPath)?api-version=2025-04-01")
        #expect(request.headers["Authorization"] == "Bearer token-1-https://management.azure.com/")
    }
}
