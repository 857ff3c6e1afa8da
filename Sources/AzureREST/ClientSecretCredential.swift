public import Foundation
public import Logging

/// A service principal's client secret exchanged at Entra ID's v2 token endpoint
/// (`{authorityHost}/{tenant}/oauth2/v2.0/token`, `grant_type=client_credentials`, `scope={audience}.default`).
public struct ClientSecretCredential: TokenCredential {
    public let name = "ClientSecretCredential"
    public let tenantID: String
    public let clientID: String
    private let clientSecret: String
    private let authorityHost: URL
    private let pipeline: HTTPPipeline

    /// - Parameters:
    ///   - tenantID: tenant id or domain (`contoso.onmicrosoft.com`).
    ///   - clientSecret: never logged and scrubbed from every error message.
    ///   - authorityHost: ``AzureEndpoints/authorityHost``.
    public init(
        tenantID: String,
        clientID: String,
        clientSecret: String,
        authorityHost: URL,
        sender: any HTTPRequestSending,
        retryPolicy: RetryPolicy = .standard,
        clock: any AzureClock = SystemClock(),
        random: any RandomSource = SystemRandomSource(),
        logger: Logger = Logger(label: "rewire.azurerest")
    ) {
        self.tenantID = tenantID
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.authorityHost = authorityHost
        self.pipeline = HTTPPipeline(sender: sender, policy: retryPolicy, clock: clock, random: random, logger: logger)
    }

    public func fetchToken(audience: String) async throws -> AccessToken {
        let tenant = tenantID.addingPercentEncoding(withAllowedCharacters: .formValueAllowed) ?? tenantID
        guard let url = URL(string: AzureEndpoints.join(authorityHost, "/\(tenant)/oauth2/v2.0/token")) else {
            throw AzureRESTError(
                kind: .invalidArgument, code: "InvalidEndpoint",
                message: "Cannot build the token URL from the authority host and AZURE_TENANT_ID.", location: name)
        }
        let scope = audience.hasSuffix("/") ? audience + ".default" : audience + "/.default"
        let form = [
            ("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret),
            ("scope", scope),
        ]
        let request = HTTPRequest(
            method: .post, url: url,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Data(formEncode(form).utf8), timeout: pipeline.policy.requestTimeout, isIdempotent: true)
        let outcome: HTTPPipeline.Outcome
        do {
            outcome = try await pipeline.send(request)
        } catch var error as AzureRESTError {
            error.message = Redaction.text(error.message, secrets: [clientSecret])
            throw error
        }
        let response = outcome.response
        guard (200..<300).contains(response.status) else {
            var error = AzureRESTError.fromResponse(response, request: request, attempts: outcome.attempts)
            if response.status < 500 && response.status != 429 { error.kind = .authentication }
            error.message = Redaction.text(
                error.message + " (service principal \(clientID) in tenant \(tenantID))", secrets: [clientSecret])
            throw error
        }
        return try parseTokenAnswer(response, now: pipeline.clock.now(), source: name, location: Redaction.url(url))
    }
}

/// Parses `{"access_token": ..., "expires_in"|"expires_on": ...}` (numbers or strings).
func parseTokenAnswer(_ response: HTTPResponse, now: Date, source: String, location: String) throws -> AccessToken {
    guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
        let token = object["access_token"] as? String, !token.isEmpty, let expiry = tokenExpiry(object, now: now)
    else {
        throw AzureRESTError(
            kind: .invalidResponse, code: "InvalidTokenResponse",
            message: "\(source) got an answer without access_token and expires_in/expires_on. "
                + "Check that the endpoint is Entra ID or IMDS.",
            status: response.status, location: location)
    }
    return AccessToken(token: token, expiresOn: expiry)
}

extension CharacterSet {
    /// RFC 3986 unreserved characters: everything else is percent-encoded in form bodies and query values.
    static let formValueAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// `application/x-www-form-urlencoded` body.
func formEncode(_ pairs: [(String, String)]) -> String {
    pairs.map { name, value in
        let n = name.addingPercentEncoding(withAllowedCharacters: .formValueAllowed) ?? name
        let v = value.addingPercentEncoding(withAllowedCharacters: .formValueAllowed) ?? value
        return "\(n)=\(v)"
    }.joined(separator: "&")
}
