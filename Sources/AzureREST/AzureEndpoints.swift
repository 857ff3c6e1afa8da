public import Foundation

/// Where Azure is: Resource Manager, Entra ID and the managed-identity endpoint, with the token audiences.
///
/// Follows the command-line contract in DESIGN.md: a flag beats the environment, the environment beats the
/// public-cloud default. Tests point all of them at the fake Azure server.
public struct AzureEndpoints: Sendable, Equatable {
    /// Azure Resource Manager, e.g. `https://management.azure.com`.
    public var resourceManager: URL
    /// Entra ID authority host, e.g. `https://login.microsoftonline.com`.
    public var authorityHost: URL
    /// Base of the managed-identity (IMDS) endpoint, e.g. `http://169.254.169.254`;
    /// the token path `/metadata/identity/oauth2/token` is appended.
    public var managedIdentity: URL
    /// Token audience for ARM. It stays the public cloud's even when ``resourceManager`` points elsewhere
    /// (a fake, a proxy); sovereign clouds are recognised by host.
    public var resourceManagerAudience: String
    /// Token audience for blob storage.
    public var storageAudience: String

    public static let defaultResourceManager = "https://management.azure.com"
    public static let defaultAuthorityHost = "https://login.microsoftonline.com"
    public static let defaultManagedIdentity = "http://169.254.169.254"

    /// Explicit endpoints; `resourceManagerAudience` defaults by cloud (see ``resolve(environment:armEndpoint:authorityHost:)``).
    public init(
        resourceManager: URL,
        authorityHost: URL,
        managedIdentity: URL,
        resourceManagerAudience: String? = nil,
        storageAudience: String = "https://storage.azure.com/"
    ) {
        self.resourceManager = resourceManager
        self.authorityHost = authorityHost
        self.managedIdentity = managedIdentity
        self.resourceManagerAudience = resourceManagerAudience ?? Self.audience(for: resourceManager)
        self.storageAudience = storageAudience
    }

    /// The endpoints for a run.
    ///
    /// - `armEndpoint` (flag `--arm-endpoint`), else `AZURE_RESOURCE_MANAGER_ENDPOINT`, else the public cloud.
    /// - `authorityHost` (flag `--authority-host`), else `AZURE_AUTHORITY_HOST`, else the public cloud.
    /// - the managed-identity base: `AZURE_POD_IDENTITY_AUTHORITY_HOST` (the variable the Azure SDKs read to move
    ///   IMDS elsewhere), else `http://169.254.169.254`. (`IDENTITY_ENDPOINT`, App Service's different protocol,
    ///   is not supported.)
    ///
    /// Throws ``AzureRESTError`` (kind `invalidArgument`) naming the flag or variable whose value is not an
    /// absolute http(s) URL.
    public static func resolve(
        environment: [String: String],
        armEndpoint: String? = nil,
        authorityHost: String? = nil
    ) throws -> AzureEndpoints {
        func pick(_ flag: String?, _ flagName: String, _ variable: String, _ fallback: String) throws -> URL {
            let (text, source): (String, String) =
                if let flag, !flag.isEmpty {
                    (flag, flagName)
                } else if let value = environment[variable], !value.isEmpty {
                    (value, variable)
                } else { (fallback, "default") }
            guard let url = URL(string: text.trimmingCharacters(in: .whitespaces)),
                let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http", url.host != nil
            else {
                throw AzureRESTError(
                    kind: .invalidArgument, code: "InvalidEndpoint",
                    message: "'\(text)' is not an absolute http(s) URL. Give a URL such as \(fallback).",
                    location: source)
            }
            return url
        }
        return AzureEndpoints(
            resourceManager: try pick(
                armEndpoint, "--arm-endpoint", "AZURE_RESOURCE_MANAGER_ENDPOINT", defaultResourceManager),
            authorityHost: try pick(authorityHost, "--authority-host", "AZURE_AUTHORITY_HOST", defaultAuthorityHost),
            managedIdentity: try pick(nil, "", "AZURE_POD_IDENTITY_AUTHORITY_HOST", defaultManagedIdentity)
        )
    }

    /// ARM's audience by cloud: the public cloud's unless the host is a known sovereign cloud.
    static func audience(for resourceManager: URL) -> String {
        let host = resourceManager.host?.lowercased() ?? ""
        for sovereign in ["management.usgovcloudapi.net", "management.chinacloudapi.cn"] where host == sovereign {
            return "https://\(sovereign)/"
        }
        return "https://management.azure.com/"
    }

    /// `base` joined with `path` (which starts with `/`), without doubling slashes.
    static func join(_ base: URL, _ path: String) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + (path.hasPrefix("/") ? path : "/" + path)
    }
}
