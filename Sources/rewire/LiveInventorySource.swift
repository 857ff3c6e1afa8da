import AzureREST
import Foundation

/// `rewire capture --live`: reads the estate from Azure Resource Manager and hands each resource body to
/// capture exactly as the service sent it, the way exported files are handed over.
///
/// CaptureCommand adds each document to the same `Capture` that reads INPUT files.
enum LiveInventorySource {
    /// One resource: `source` names it in findings and errors (`arm:<resource id>`); `bytes` is its ARM JSON.
    struct Document {
        var source: String
        var bytes: [UInt8]
    }

    /// Fetches VMs (with their instance view), NICs, load balancers, public IPs, NSGs, virtual networks and
    /// storage accounts of `subscription` (optionally one resource group; with `vmNames`, only those VMs and
    /// what they use, storage accounts excepted) through `connection` (`AzureEndpointOptions.connection`).
    ///
    /// Throws ``CommandFailure``: data error (65) for a VM name that is not there, unavailable (69) when
    /// Azure cannot be reached or refuses the credentials.
    static func fetch(
        subscription: String,
        resourceGroup: String?,
        vmNames: [String],
        connection: AzureConnection
    ) async throws -> [Document] {
        do {
            let inventory = try await LiveInventoryFetcher(arm: ARMClient(connection: connection))
                .fetch(subscriptionID: subscription, resourceGroup: resourceGroup, virtualMachineNames: vmNames)
            return inventory.resources.map { Document(source: "arm:\($0.id)", bytes: [UInt8]($0.body)) }
        } catch let error as AzureRESTError {
            throw CommandFailure(error.code == "VirtualMachineNotFound" ? .dataError : .unavailable, error.description)
        }
    }
}
