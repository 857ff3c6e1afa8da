import AzureREST
import Foundation
import RewireTestSupport
import Testing

/// The real sender's mapping of socket failures, which the retry rules depend on.
@Suite("AsyncHTTPClient sender", .serialized)
struct AsyncHTTPClientSenderTests {
    /// A port nothing listens on: bind a socket through python, read its port, close it.
    static func closedPort() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); print(s.getsockname()[1]); s.close()",
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return try #require(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    @Test func aRefusedConnectionIsConnectionFailed() async throws {
        let url = try #require(URL(string: "http://127.0.0.1:\(try Self.closedPort())/subscriptions"))
        let error = try await #require(throws: HTTPTransportError.self) {
            _ = try await AsyncHTTPClientSender().send(HTTPRequest(method: .get, url: url, timeout: 1))
        }
        #expect(error.kind == .connectionFailed)
        #expect(!error.requestMayHaveReachedServer)
    }

    @Test func aSlowAnswerPastTheDeadlineIsATimeout() async throws {
        try await FakeAzure.with(options: ["--faults", "latency:ms=5000,scope=all"]) { fake in
            let url = fake.baseURL.appendingPathComponent("subscriptions")
            let error = try await #require(throws: HTTPTransportError.self) {
                _ = try await AsyncHTTPClientSender().send(HTTPRequest(method: .get, url: url, timeout: 0.5))
            }
            #expect(error.kind == .timeout)
            #expect(error.requestMayHaveReachedServer)
        }
    }

    @Test func returnsErrorStatusesAsResponsesWithHeadersAndBody() async throws {
        try await FakeAzure.with { fake in
            let url = fake.baseURL.appendingPathComponent("subscriptions")
            let response = try await AsyncHTTPClientSender().send(HTTPRequest(method: .get, url: url))
            #expect(response.status == 401)
            #expect(response.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
            #expect(response.bodyText.contains("AuthenticationFailed"))
        }
    }

    @Test func theDefaultChainExplainsWhyNoCredentialWorks() async throws {
        let environment = [
            "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:\(try Self.closedPort())", "PATH": "",
        ]
        let connection = try AzureConnection.make(environment: environment)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await connection.tokens.token(for: connection.endpoints.resourceManagerAudience)
        }
        #expect(error.kind == .credentialUnavailable)
        #expect(
            error.message.contains(
                "EnvironmentCredential: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET not set"))
        #expect(error.message.contains("ManagedIdentityCredential: no managed identity endpoint answered"))
        #expect(error.message.contains("AzureCLICredential: 'az' was not found on PATH"))
    }
}
