public import Foundation

/// A bearer token and when it stops working. Its description never shows the token.
public struct AccessToken: Sendable, Equatable, CustomStringConvertible {
    public var token: String
    public var expiresOn: Date

    public init(token: String, expiresOn: Date) {
        self.token = token
        self.expiresOn = expiresOn
    }

    public var description: String { "AccessToken(REDACTED, expires \(expiresOn))" }
}

/// Something that can get a token for an audience (`https://management.azure.com/`, `https://storage.azure.com/`).
public protocol TokenCredential: Sendable {
    /// A short name for messages ("ClientSecretCredential").
    var name: String { get }
    /// Fetches a fresh token; no caching (``TokenCache`` does that). Throws ``AzureRESTError``: kind
    /// `credentialUnavailable` when this credential cannot be used here at all (so a chain moves on), any other
    /// kind when it can be used but failed.
    func fetchToken(audience: String) async throws -> AccessToken
}

/// The Azure SDKs' `DefaultAzureCredential` order, minus the interactive and developer-tool ones rewire has no
/// use for: service principal from the environment, then managed identity, then the Azure CLI's login.
///
/// The first credential that works is remembered and used alone from then on. A credential that is configured
/// but fails (a wrong client secret) stops the chain with its own error instead of silently falling through to
/// another identity.
public actor ChainedTokenCredential: TokenCredential {
    public nonisolated let name = "ChainedTokenCredential"
    private let credentials: [any TokenCredential]
    private var chosen: (any TokenCredential)?

    public init(_ credentials: [any TokenCredential]) {
        self.credentials = credentials
    }

    /// The chain rewire uses, built from an injected environment (the library never reads the process's).
    ///
    /// - `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`: ``ClientSecretCredential`` at
    ///   ``AzureEndpoints/authorityHost``.
    /// - ``ManagedIdentityCredential`` at ``AzureEndpoints/managedIdentity`` (user-assigned when `AZURE_CLIENT_ID`
    ///   is set without a secret, as the SDKs do).
    /// - ``AzureCLICredential``: `az account get-access-token`, `az` looked up on the environment's `PATH`.
    public static func defaultChain(
        environment: [String: String],
        endpoints: AzureEndpoints,
        sender: any HTTPRequestSending,
        retryPolicy: RetryPolicy = .standard,
        clock: any AzureClock = SystemClock(),
        random: any RandomSource = SystemRandomSource()
    ) -> ChainedTokenCredential {
        let clientCredentialsComplete = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]
            .allSatisfy { !(environment[$0] ?? "").isEmpty }
        return ChainedTokenCredential([
            EnvironmentCredential(
                environment: environment, authorityHost: endpoints.authorityHost, sender: sender,
                retryPolicy: retryPolicy, clock: clock, random: random),
            ManagedIdentityCredential(
                endpoint: endpoints.managedIdentity,
                clientID: clientCredentialsComplete
                    ? nil : environment["AZURE_CLIENT_ID"].flatMap { $0.isEmpty ? nil : $0 },
                sender: sender, retryPolicy: retryPolicy, clock: clock, random: random),
            AzureCLICredential(environment: environment),
        ])
    }

    public func fetchToken(audience: String) async throws -> AccessToken {
        if let chosen { return try await chosen.fetchToken(audience: audience) }
        var reasons: [String] = []
        for credential in credentials {
            do {
                let token = try await credential.fetchToken(audience: audience)
                chosen = credential
                return token
            } catch let error as AzureRESTError where error.kind == .credentialUnavailable {
                reasons.append("\(credential.name): \(error.message)")
            }
        }
        throw AzureRESTError(
            kind: .credentialUnavailable, code: "NoCredential",
            message: "No Azure credential could be used. Set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET "
                + "for a service principal, run on an Azure VM with a managed identity, or run 'az login'. Tried: "
                + reasons.joined(separator: "; "),
            location: name)
    }
}

/// The service principal named by `AZURE_TENANT_ID` / `AZURE_CLIENT_ID` / `AZURE_CLIENT_SECRET`;
/// unavailable when any is missing.
public struct EnvironmentCredential: TokenCredential {
    public let name = "EnvironmentCredential"
    private let inner: ClientSecretCredential?
    private let missing: [String]

    public init(
        environment: [String: String],
        authorityHost: URL,
        sender: any HTTPRequestSending,
        retryPolicy: RetryPolicy = .standard,
        clock: any AzureClock = SystemClock(),
        random: any RandomSource = SystemRandomSource()
    ) {
        let names = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]
        missing = names.filter { (environment[$0] ?? "").isEmpty }
        if missing.isEmpty, let tenant = environment["AZURE_TENANT_ID"], let client = environment["AZURE_CLIENT_ID"],
            let secret = environment["AZURE_CLIENT_SECRET"]
        {
            inner = ClientSecretCredential(
                tenantID: tenant, clientID: client, clientSecret: secret, authorityHost: authorityHost,
                sender: sender, retryPolicy: retryPolicy, clock: clock, random: random)
        } else {
            inner = nil
        }
    }

    public func fetchToken(audience: String) async throws -> AccessToken {
        guard let inner else {
            throw AzureRESTError(
                kind: .credentialUnavailable, code: "CredentialUnavailable",
                message: "\(missing.joined(separator: ", ")) not set", location: name)
        }
        return try await inner.fetchToken(audience: audience)
    }
}

/// Tokens per audience, reused until `margin` seconds before expiry; concurrent requests for the same audience
/// share one fetch.
public actor TokenCache {
    private let credential: any TokenCredential
    private let clock: any AzureClock
    private let margin: Double
    private var tokens: [String: (token: AccessToken, fetched: Date)] = [:]
    private var inFlight: [String: Task<AccessToken, any Error>] = [:]

    /// - Parameter margin: seconds before expiry at which a token counts as stale (the SDKs use 5 minutes). For a
    ///   token that lives less than twice the margin, half its lifetime is used instead, so short-lived tokens
    ///   are not fetched anew on every call.
    public init(credential: any TokenCredential, clock: any AzureClock = SystemClock(), margin: Double = 300) {
        self.credential = credential
        self.clock = clock
        self.margin = margin
    }

    /// A token for `audience` valid for at least the margin, fetched only when needed.
    public func token(for audience: String) async throws -> AccessToken {
        let now = clock.now()
        if let cached = tokens[audience] {
            let lifetime = cached.token.expiresOn.timeIntervalSince(cached.fetched)
            if cached.token.expiresOn.timeIntervalSince(now) > min(margin, lifetime / 2) {
                return cached.token
            }
        }
        if let running = inFlight[audience] {
            return try await running.value
        }
        let credential = self.credential
        let task = Task { try await credential.fetchToken(audience: audience) }
        inFlight[audience] = task
        defer { inFlight[audience] = nil }
        let token = try await task.value
        tokens[audience] = (token, now)
        return token
    }

    /// Forgets the token for `audience` if it is still `token`, e.g. after the service said it expired.
    public func invalidate(audience: String, ifStill token: String? = nil) {
        if token == nil || tokens[audience]?.token.token == token {
            tokens[audience] = nil
        }
    }
}

/// Reads a JSON number that may come as a number or as a string (IMDS and the v1 token endpoint send strings).
func jsonNumber(_ value: Any?) -> Double? {
    if let number = value as? NSNumber, !(value is Bool) { return number.doubleValue }
    if let int = value as? Int { return Double(int) }
    if let double = value as? Double { return double }
    if let text = value as? String { return Double(text.trimmingCharacters(in: .whitespaces)) }
    return nil
}

/// The expiry of a token answer: `expires_on` (epoch seconds) when present, else now + `expires_in`.
func tokenExpiry(_ object: [String: Any], now: Date) -> Date? {
    if let on = jsonNumber(object["expires_on"]) { return Date(timeIntervalSince1970: on) }
    if let inSeconds = jsonNumber(object["expires_in"]) { return now.addingTimeInterval(inSeconds) }
    return nil
}
