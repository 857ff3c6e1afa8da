import Foundation
public import Logging

/// Everything the Azure clients share: endpoints, the cached credential, the sending seam, retry policy, clock.
/// Make one per run and build ``ARMClient`` and ``BlobClient`` from it.
public struct AzureConnection: Sendable {
    public let endpoints: AzureEndpoints
    /// Tokens per audience, shared by every client of this connection.
    public let tokens: TokenCache
    let pipeline: HTTPPipeline

    public var clock: any AzureClock { pipeline.clock }
    public var retryPolicy: RetryPolicy { pipeline.policy }
    public var logger: Logger { pipeline.logger }

    /// - Parameters:
    ///   - credential: where tokens come from; cached per audience with `tokenRefreshMargin` seconds to spare.
    ///   - sender: the HTTP seam (``AsyncHTTPClientSender`` in the product, a scripted sender in tests).
    ///   - clock, random: injected so retry waits, polling and token expiry are deterministic in tests.
    ///   - logger: requests and retries at `debug`; never headers, tokens or secrets.
    public init(
        endpoints: AzureEndpoints,
        credential: any TokenCredential,
        sender: any HTTPRequestSending,
        retryPolicy: RetryPolicy = .standard,
        clock: any AzureClock = SystemClock(),
        random: any RandomSource = SystemRandomSource(),
        tokenRefreshMargin: Double = 300,
        logger: Logger = Logger(label: "rewire.azurerest")
    ) {
        self.endpoints = endpoints
        self.tokens = TokenCache(credential: credential, clock: clock, margin: tokenRefreshMargin)
        self.pipeline = HTTPPipeline(sender: sender, policy: retryPolicy, clock: clock, random: random, logger: logger)
    }

    /// The connection the CLI uses: endpoints per DESIGN.md (flags, then environment, then defaults) and the
    /// default credential chain, all from the injected `environment`.
    public static func make(
        environment: [String: String],
        armEndpoint: String? = nil,
        authorityHost: String? = nil,
        sender: any HTTPRequestSending = AsyncHTTPClientSender(),
        retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "rewire.azurerest")
    ) throws -> AzureConnection {
        let endpoints = try AzureEndpoints.resolve(
            environment: environment, armEndpoint: armEndpoint, authorityHost: authorityHost)
        let credential = ChainedTokenCredential.defaultChain(
            environment: environment, endpoints: endpoints, sender: sender, retryPolicy: retryPolicy)
        return AzureConnection(
            endpoints: endpoints, credential: credential, sender: sender, retryPolicy: retryPolicy, logger: logger)
    }

    /// Sends `request` with a bearer token for `audience`. When the answer is a 401 that `isStaleToken` recognises
    /// (the token expired early, was revoked), the cached token is dropped and the request sent once more.
    func authorizedSend(
        _ request: HTTPRequest,
        audience: String,
        isStaleToken: (HTTPResponse) -> Bool
    ) async throws -> HTTPPipeline.Outcome {
        var refreshed = false
        var attempts = 0
        while true {
            let token = try await tokens.token(for: audience)
            var authorized = request
            authorized.headers["Authorization"] = "Bearer \(token.token)"
            authorized.headers["User-Agent"] = authorized.headers["User-Agent"] ?? "rewire-azurerest"
            var outcome = try await pipeline.send(authorized)
            attempts += outcome.attempts
            outcome.attempts = attempts
            if outcome.response.status == 401 && !refreshed && isStaleToken(outcome.response) {
                refreshed = true
                logger.debug("token rejected as expired; fetching a new one and retrying once")
                await tokens.invalidate(audience: audience, ifStill: token.token)
                continue
            }
            return outcome
        }
    }
}
