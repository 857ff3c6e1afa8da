import Foundation
import Logging
import Testing

@testable import AzureREST

@Suite("Credentials and token cache")
struct CredentialTests {
    @Test func reusesATokenUntilTheRefreshMargin() async throws {
        let clock = VirtualClock()
        let credential = CountingCredential(lifetime: 3600, clock: clock)
        let cache = TokenCache(credential: credential, clock: clock, margin: 300)
        let first = try await cache.token(for: "https://management.azure.com/")
        clock.advance(3000)
        let second = try await cache.token(for: "https://management.azure.com/")
        #expect(first == second)
        clock.advance(301)  // 299 s left: inside the margin
        let third = try await cache.token(for: "https://management.azure.com/")
        #expect(third != first)
        #expect(credential.fetches == 2)
    }

    @Test func keepsOneTokenPerAudience() async throws {
        let clock = VirtualClock()
        let credential = CountingCredential(clock: clock)
        let cache = TokenCache(credential: credential, clock: clock)
        let arm = try await cache.token(for: "https://management.azure.com/")
        let storage = try await cache.token(for: "https://storage.azure.com/")
        _ = try await cache.token(for: "https://management.azure.com/")
        #expect(arm != storage)
        #expect(credential.fetches == 2)
    }

    @Test func refreshesOnceWhenARMSaysTheTokenExpired() async throws {
        let sender = ScriptedSender(responses: [
            armError(401, code: "ExpiredAuthenticationToken", message: "The access token expiry ..."), json("{}"),
        ])
        let (arm, credential) = makeARM(sender)
        _ = try await arm.get(path: "/subscriptions/s", apiVersion: "2022-12-01")
        #expect(credential.fetches == 2)
        #expect(
            sender.sent.map { $0.headers["Authorization"] } == [
                "Bearer token-1-https://management.azure.com/", "Bearer token-2-https://management.azure.com/",
            ])
    }

    @Test func refreshesOnlyOnce() async throws {
        let expired = armError(401, code: "ExpiredAuthenticationToken", message: "expired")
        let sender = ScriptedSender(responses: [expired, expired, json("{}")])
        let (arm, credential) = makeARM(sender)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await arm.get(path: "/subscriptions/s", apiVersion: "2022-12-01")
        }
        #expect(error.code == "ExpiredAuthenticationToken")
        #expect(credential.fetches == 2)
        #expect(sender.sent.count == 2)
    }

    @Test func doesNotRefreshForOtherAuthenticationErrors() async throws {
        let sender = ScriptedSender(responses: [armError(401, code: "InvalidAuthenticationToken", message: "bad")])
        let (arm, credential) = makeARM(sender)
        await #expect(throws: AzureRESTError.self) {
            _ = try await arm.get(path: "/subscriptions/s", apiVersion: "2022-12-01")
        }
        #expect(credential.fetches == 1)
    }

    @Test func postsClientCredentialsToTheV2Endpoint() async throws {
        let sender = ScriptedSender(responses: [
            json(#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"at-1"}"#)
        ])
        let clock = VirtualClock()
        let credential = ClientSecretCredential(
            tenantID: "tenant-1", clientID: "client-1", clientSecret: "p&ss=word",
            authorityHost: testEndpoints.authorityHost,
            sender: sender, clock: clock, random: FixedRandom(value: 0.5))
        let token = try await credential.fetchToken(audience: "https://management.azure.com/")
        #expect(token.token == "at-1")
        #expect(token.expiresOn == clock.now().addingTimeInterval(3599))
        let request = try #require(sender.sent.first)
        #expect(request.method == .post)
        #expect(request.url.absoluteString == "https://login.example/tenant-1/oauth2/v2.0/token")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(
            String(decoding: request.body ?? Data(), as: UTF8.self)
                == "grant_type=client_credentials&client_id=client-1&client_secret=p%26ss%3Dword"
                + "&scope=https%3A%2F%2Fmanagement.azure.com%2F.default")
    }

    @Test func neverPutsTheClientSecretInAnError() async throws {
        let secret = "Sup3r-Secret-Value"
        let sender = ScriptedSender(responses: [
            json(
                #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided: \#(secret)","error_codes":[7000215]}"#,
                status: 401)
        ])
        let credential = ClientSecretCredential(
            tenantID: "t", clientID: "c", clientSecret: secret, authorityHost: testEndpoints.authorityHost,
            sender: sender, clock: VirtualClock())
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await credential.fetchToken(audience: "https://management.azure.com/")
        }
        #expect(error.kind == .authentication)
        #expect(error.code == "invalid_client")
        #expect(!error.description.contains(secret))
    }

    @Test func readsIMDSAnswersWhoseNumbersAreStrings() async throws {
        let sender = ScriptedSender(responses: [
            json(#"{"access_token":"mi-1","expires_in":"86399","expires_on":"1763690473","token_type":"Bearer"}"#)
        ])
        let credential = ManagedIdentityCredential(
            endpoint: testEndpoints.managedIdentity, clientID: "mi-client", sender: sender, clock: VirtualClock())
        let token = try await credential.fetchToken(audience: "https://management.azure.com/")
        #expect(token.token == "mi-1")
        #expect(token.expiresOn == Date(timeIntervalSince1970: 1_763_690_473))
        let request = try #require(sender.sent.first)
        #expect(request.headers["Metadata"] == "true")
        #expect(request.timeout == 1)
        let query = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        #expect(query.contains(URLQueryItem(name: "api-version", value: "2018-02-01")))
        #expect(query.contains(URLQueryItem(name: "resource", value: "https://management.azure.com/")))
        #expect(query.contains(URLQueryItem(name: "client_id", value: "mi-client")))
        #expect(request.url.path == "/metadata/identity/oauth2/token")
    }

    @Test func managedIdentityIsUnavailableWhenNothingAnswers() async throws {
        let sender = ScriptedSender(fallback: { _ in
            throw HTTPTransportError(kind: .connectionFailed, detail: "refused")
        })
        let credential = ManagedIdentityCredential(endpoint: testEndpoints.managedIdentity, sender: sender)
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await credential.fetchToken(audience: "https://management.azure.com/")
        }
        #expect(error.kind == .credentialUnavailable)
        #expect(sender.sent.count == 1)  // a probe, not a retry loop
    }

    @Test func chainUsesTheFirstAvailableCredentialAndSticksToIt() async throws {
        let clock = VirtualClock()
        let counting = CountingCredential(clock: clock)
        let chain = ChainedTokenCredential([UnavailableCredential(name: "First"), counting])
        _ = try await chain.fetchToken(audience: "a")
        _ = try await chain.fetchToken(audience: "b")
        #expect(counting.fetches == 2)
    }

    @Test func chainListsEveryReasonWhenNothingIsAvailable() async throws {
        let chain = ChainedTokenCredential([UnavailableCredential(name: "One"), UnavailableCredential(name: "Two")])
        let error = try await #require(throws: AzureRESTError.self) { _ = try await chain.fetchToken(audience: "a") }
        #expect(error.kind == .credentialUnavailable)
        #expect(error.message.contains("One: One is off; Two: Two is off"))
        #expect(error.message.contains("az login"))
    }

    @Test func chainStopsAtAConfiguredCredentialThatFails() async throws {
        let sender = ScriptedSender(responses: [
            json(
                #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#,
                status: 401)
        ])
        let clock = VirtualClock()
        let later = CountingCredential(clock: clock)
        let environment = ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "wrong"]
        let chain = ChainedTokenCredential([
            EnvironmentCredential(
                environment: environment, authorityHost: testEndpoints.authorityHost, sender: sender, clock: clock),
            later,
        ])
        let error = try await #require(throws: AzureRESTError.self) { _ = try await chain.fetchToken(audience: "a") }
        #expect(error.kind == .authentication)
        #expect(later.fetches == 0)
    }

    @Test func environmentCredentialNamesTheMissingVariables() async throws {
        let credential = EnvironmentCredential(
            environment: ["AZURE_TENANT_ID": "t"], authorityHost: testEndpoints.authorityHost, sender: ScriptedSender())
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await credential.fetchToken(audience: "a")
        }
        #expect(error.kind == .credentialUnavailable)
        #expect(error.message == "AZURE_CLIENT_ID, AZURE_CLIENT_SECRET not set")
    }

    @Test func azureCLICredentialIsUnavailableWithoutAz() async throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("no-az-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let credential = AzureCLICredential(environment: ["PATH": empty.path])
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await credential.fetchToken(audience: "a")
        }
        #expect(error.kind == .credentialUnavailable)
        #expect(error.message.contains("'az' was not found"))
    }

    @Test func azureCLICredentialRunsAzAndReadsItsToken() async throws {
        let dir = try fakeAz(
            script: """
                #!/bin/sh
                echo "$@" > "$0.args"
                echo '{"accessToken":"cli-token","expiresOn":"2025-11-20 03:00:00.000000","expires_on":1763607600,"tokenType":"Bearer"}'
                """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let credential = AzureCLICredential(environment: ["PATH": dir.path])
        let token = try await credential.fetchToken(audience: "https://management.azure.com/")
        #expect(token.token == "cli-token")
        #expect(token.expiresOn == Date(timeIntervalSince1970: 1_763_607_600))
        let args = try String(contentsOf: dir.appendingPathComponent("az.args"), encoding: .utf8)
        #expect(
            args.trimmingCharacters(in: .newlines)
                == "account get-access-token --output json --resource https://management.azure.com/")
    }

    @Test func azureCLICredentialIsUnavailableWhenNotLoggedIn() async throws {
        let dir = try fakeAz(
            script: """
                #!/bin/sh
                echo "ERROR: Please run 'az login' to setup account." >&2
                exit 1
                """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let error = try await #require(throws: AzureRESTError.self) {
            _ = try await AzureCLICredential(environment: ["PATH": dir.path]).fetchToken(audience: "a")
        }
        #expect(error.kind == .credentialUnavailable)
        #expect(error.message.contains("az login"))
    }

    @Test func endpointsComeFromFlagsThenEnvironmentThenDefaults() throws {
        let environment = [
            "AZURE_RESOURCE_MANAGER_ENDPOINT": "http://127.0.0.1:9/", "AZURE_AUTHORITY_HOST": "http://127.0.0.1:8",
            "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:7",
        ]
        let fromEnvironment = try AzureEndpoints.resolve(environment: environment)
        #expect(fromEnvironment.resourceManager.absoluteString == "http://127.0.0.1:9/")
        #expect(fromEnvironment.authorityHost.absoluteString == "http://127.0.0.1:8")
        #expect(fromEnvironment.managedIdentity.absoluteString == "http://127.0.0.1:7")
        #expect(fromEnvironment.resourceManagerAudience == "https://management.azure.com/")
        let fromFlags = try AzureEndpoints.resolve(
            environment: environment, armEndpoint: "https://arm.example", authorityHost: "https://login.example")
        #expect(fromFlags.resourceManager.absoluteString == "https://arm.example")
        #expect(fromFlags.authorityHost.absoluteString == "https://login.example")
        let defaults = try AzureEndpoints.resolve(environment: [:])
        #expect(defaults.resourceManager.absoluteString == "https://management.azure.com")
        #expect(defaults.managedIdentity.absoluteString == "http://169.254.169.254")
        let error = try #require(throws: AzureRESTError.self) {
            _ = try AzureEndpoints.resolve(environment: [:], armEndpoint: "management.azure.com")
        }
        #expect(error.location == "--arm-endpoint")
    }

    private func fakeAz(script: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("az-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let az = dir.appendingPathComponent("az")
        try Data(script.utf8).write(to: az)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: az.path)
        return dir
    }
}

@Suite("Token cache with short-lived tokens")
struct ShortLivedTokenTests {
    @Test func refreshesAShortLivedTokenAtHalfItsLifetimeNotOnEveryCall() async throws {
        let clock = VirtualClock()
        let credential = CountingCredential(lifetime: 120, clock: clock)  // shorter than the 300 s margin
        let cache = TokenCache(credential: credential, clock: clock, margin: 300)
        _ = try await cache.token(for: "a")
        clock.advance(59)
        _ = try await cache.token(for: "a")
        #expect(credential.fetches == 1)
        clock.advance(2)
        _ = try await cache.token(for: "a")
        #expect(credential.fetches == 2)
    }
}
