public import Foundation
public import Logging

/// The Azure Instance Metadata Service's managed-identity token endpoint
/// (`GET {endpoint}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=...`, header `Metadata: true`).
///
/// Like the SDKs, the first request is a quick probe (``probeTimeout``, no retries): if nothing answers, or IMDS
/// says no identity is assigned, the credential is *unavailable* and a chain moves on. Numbers in the answer come
/// as strings.
public struct ManagedIdentityCredential: TokenCredential {
    public let name = "ManagedIdentityCredential"
    private let endpoint: URL
    private let clientID: String?
    private let probeTimeout: Double
    private let pipeline: HTTPPipeline

    /// - Parameters:
    ///   - endpoint: IMDS base (``AzureEndpoints/managedIdentity``).
    ///   - clientID: a user-assigned identity's client id; `nil` for the system-assigned (or only) identity.
    ///   - probeTimeout: seconds the first attempt may take before IMDS counts as absent.
    public init(
        endpoint: URL,
        clientID: String? = nil,
        probeTimeout: Double = 1,
        sender: any HTTPRequestSending,
        retryPolicy: RetryPolicy = .standard,
        clock: any AzureClock = SystemClock(),
        random: any RandomSource = SystemRandomSource(),
        logger: Logger = Logger(label: "rewire.azurerest")
    ) {
        self.endpoint = endpoint
        self.clientID = clientID
        self.probeTimeout = probeTimeout
        self.pipeline = HTTPPipeline(sender: sender, policy: retryPolicy, clock: clock, random: random, logger: logger)
    }

    public func fetchToken(audience: String) async throws -> AccessToken {
        var components = URLComponents(string: AzureEndpoints.join(endpoint, "/metadata/identity/oauth2/token"))
        var query = [
            URLQueryItem(name: "api-version", value: "2018-02-01"), URLQueryItem(name: "resource", value: audience),
        ]
        if let clientID { query.append(URLQueryItem(name: "client_id", value: clientID)) }
        components?.queryItems = query
        guard let url = components?.url else {
            throw AzureRESTError(
                kind: .credentialUnavailable, code: "CredentialUnavailable",
                message: "the managed identity endpoint '\(endpoint)' is not a valid URL", location: name)
        }
        var request = HTTPRequest(method: .get, url: url, headers: ["Metadata": "true"], timeout: probeTimeout)
        var response: HTTPResponse
        var attempts = 1
        do {
            response = try await pipeline.sender.send(request)
        } catch let error as HTTPTransportError {
            throw AzureRESTError(
                kind: .credentialUnavailable, code: "CredentialUnavailable",
                message: "no managed identity endpoint answered at \(Redaction.url(endpoint)) (\(error.kind.rawValue))",
                location: name, cause: error)
        }
        if RetryPolicy.isRetryableStatus(response.status) {
            request.timeout = pipeline.policy.requestTimeout
            let outcome = try await pipeline.send(request)
            response = outcome.response
            attempts += outcome.attempts
        }
        guard (200..<300).contains(response.status) else {
            var error = AzureRESTError.fromResponse(response, request: request, attempts: attempts)
            if response.status == 400 {
                // IMDS answers 400 when no identity (or not the requested one) is assigned to this machine.
                error.kind = .credentialUnavailable
                error.message = "IMDS refused: \(error.message)"
            } else if response.status < 500 && response.status != 429 {
                error.kind = .authentication
            }
            throw error
        }
        return try parseTokenAnswer(response, now: pipeline.clock.now(), source: name, location: Redaction.url(url))
    }
}
