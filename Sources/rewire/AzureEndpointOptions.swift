import ArgumentParser
import AzureREST
import Foundation

/// `--arm-endpoint` and `--authority-host`, shared by the commands that talk to Azure (capture
/// --live, restore, rehearse), and the connection they make with the environment's credentials.
struct AzureEndpointOptions: ParsableArguments {
    @Option(
        name: .customLong("arm-endpoint"),
        help: "Azure Resource Manager endpoint (env AZURE_RESOURCE_MANAGER_ENDPOINT).")
    var armEndpoint: String?

    @Option(name: .customLong("authority-host"), help: "Entra ID authority host (env AZURE_AUTHORITY_HOST).")
    var authorityHost: String?

    /// The connection; a malformed endpoint is a usage error (2).
    func connection(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AzureConnection {
        do {
            return try AzureConnection.make(environment: environment, armEndpoint: armEndpoint, authorityHost: authorityHost)
        } catch {
            throw CommandFailure(.usage, "\(error)")
        }
    }
}
