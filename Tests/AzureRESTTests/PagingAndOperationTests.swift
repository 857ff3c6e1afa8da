import Foundation
import Testing

@testable import AzureREST

@Suite("Paging and long-running operations")
struct PagingAndOperationTests {
    @Test func followsNextLinkUntilItIsAbsentOrNull() async throws {
        let sender = ScriptedSender(responses: [
            json(
                #"{"value":[{"id":"/a","n":1.0},{"id":"/b"}],"nextLink":"https://management.example/x?api-version=1&$skiptoken=2"}"#
            ),
            json(#"{"value":[{"id":"/c"}],"nextLink":"/x?api-version=1&$skiptoken=3"}"#),
            json(#"{"value":[{"id":"/d"}],"nextLink":null}"#),
        ])
        let (arm, _) = makeARM(sender)
        let items = try await arm.list(path: "/x", apiVersion: "1")
        #expect(items.map(\.id) == ["/a", "/b", "/c", "/d"])
        #expect(
            sender.sent.map(\.url.absoluteString) == [
                "https://management.example/x?api-version=1",
                "https://management.example/x?api-version=1&$skiptoken=2",
                "https://management.example/x?api-version=1&$skiptoken=3",
            ])
    }

    @Test func keepsEachElementsBytesExactly() async throws {
        let element = #"{"id":"/a", "n": 1.0, "s":"x\"]}","nested":{"k":[1,2,{"z":null}]}}"#
        let sender = ScriptedSender(responses: [
            json(#"{"nextLink":null, "value": [ "# + element + #" , {"id":"/b"}]}"#)
        ])
        let (arm, _) = makeARM(sender)
        let items = try await arm.list(path: "/x", apiVersion: "1")
        #expect(String(decoding: items[0].body, as: UTF8.self) == element)
        #expect(String(decoding: items[1].body, as: UTF8.self) == #"{"id":"/b"}"#)
    }

    @Test func stopsOnANextLinkLoop() async throws {
        let page = json(#"{"value":[],"nextLink":"https://management.example/x?api-version=1"}"#)
        let sender = ScriptedSender(responses: [page, page])
        let (arm, _) = makeARM(sender)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.list(path: "/x", apiVersion: "1")
        }
        #expect(error.code == "PagingLoop")
    }

    @Test func rejectsAListBodyWithoutValue() async throws {
        let sender = ScriptedSender(responses: [json(#"{"items":[]}"#)])
        let (arm, _) = makeARM(sender)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.list(path: "/x", apiVersion: "1")
        }
        #expect(error.kind == .invalidResponse)
    }

    let operation = LongRunningOperation(
        asyncOperationURL: URL(string: "https://management.example/op/1?api-version=1"),
        locationURL: URL(string: "https://management.example/result/1?api-version=1"), retryAfter: 4)

    @Test func pollsTheAsyncOperationUntilSucceededHonouringRetryAfter() async throws {
        let sender = ScriptedSender(responses: [
            json(#"{"status":"InProgress"}"#, headers: ["Retry-After": "2"]),
            json(#"{"status":"InProgress"}"#),
            json(#"{"status":"Succeeded","properties":{"jobId":"j-1"}}"#),
        ])
        let clock = VirtualClock()
        let (arm, _) = makeARM(sender, clock: clock)
        let result = try await arm.waitForCompletion(of: operation, options: PollingOptions(defaultInterval: 5))
        #expect(result.status == "Succeeded")
        #expect(clock.sleeps == [4, 2, 5])
        #expect(sender.sent.allSatisfy { $0.url.path == "/op/1" })
    }

    @Test func capsThePollIntervalAtTheMaximum() async throws {
        let sender = ScriptedSender(responses: [
            json(#"{"status":"InProgress"}"#, headers: ["Retry-After": "60"]), json(#"{"status":"Succeeded"}"#),
        ])
        let clock = VirtualClock()
        let (arm, _) = makeARM(sender, clock: clock)
        var op = operation
        op.retryAfter = 60
        _ = try await arm.waitForCompletion(of: op, options: PollingOptions(maximumInterval: 10))
        #expect(clock.sleeps == [10, 10])
    }

    @Test func reportsAFailedOperationWithItsOwnError() async throws {
        let sender = ScriptedSender(responses: [
            json(
                #"{"status":"Failed","error":{"code":"UserErrorStorageAccountNotFound","message":"Staging account is gone."}}"#
            )
        ])
        let (arm, _) = makeARM(sender)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.waitForCompletion(of: operation)
        }
        #expect(error.kind == .operationFailed)
        #expect(error.code == "UserErrorStorageAccountNotFound")
        #expect(error.message == "Staging account is gone.")
    }

    @Test func reportsACanceledOperation() async throws {
        let sender = ScriptedSender(responses: [json(#"{"status":"Canceled"}"#)])
        let (arm, _) = makeARM(sender)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.waitForCompletion(of: operation)
        }
        #expect(error.code == "OperationCanceled")
    }

    @Test func pollsLocationUntilItStopsAnswering202() async throws {
        let sender = ScriptedSender(responses: [
            HTTPResponse(status: 202, headers: ["Retry-After": "1"]), HTTPResponse(status: 202),
            HTTPResponse(status: 204),
        ])
        let clock = VirtualClock()
        let (arm, _) = makeARM(sender, clock: clock)
        let locationOnly = LongRunningOperation(asyncOperationURL: nil, locationURL: operation.locationURL)
        let result = try await arm.waitForCompletion(of: locationOnly, options: PollingOptions(defaultInterval: 3))
        #expect(result.status == "Succeeded")
        #expect(clock.sleeps == [3, 1, 3])
        #expect(sender.sent.allSatisfy { $0.url.path == "/result/1" })
    }

    @Test func givesUpPollingAfterTheTimeout() async throws {
        let sender = ScriptedSender(fallback: { _ in json(#"{"status":"InProgress"}"#) })
        let clock = VirtualClock()
        let (arm, _) = makeARM(sender, clock: clock)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.waitForCompletion(
                of: operation, options: PollingOptions(defaultInterval: 10, timeout: 30))
        }
        #expect(error.code == "OperationTimedOut")
        #expect(clock.sleeps.reduce(0, +) <= 34)
    }

    @Test func readsTheOperationFromA202() {
        let response = HTTPResponse(
            status: 202,
            headers: [
                "Azure-AsyncOperation": "https://m/op/1?api-version=1", "Location": "https://m/res/1",
                "Retry-After": "60",
            ])
        let op = LongRunningOperation(response: response, now: Date())
        #expect(op?.asyncOperationURL?.absoluteString == "https://m/op/1?api-version=1")
        #expect(op?.locationURL?.absoluteString == "https://m/res/1")
        #expect(op?.retryAfter == 60)
        #expect(LongRunningOperation(response: HTTPResponse(status: 200), now: Date()) == nil)
    }
}
