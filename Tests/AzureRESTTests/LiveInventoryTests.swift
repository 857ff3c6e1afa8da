import Foundation
import Testing

@testable import AzureREST

@Suite("Live inventory (scripted)")
struct LiveInventoryTests {
    static let sub = "/subscriptions/s"
    static let vm = "\(sub)/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines/vm1"
    static let nic = "\(sub)/resourceGroups/rg-a/providers/Microsoft.Network/networkInterfaces/nic1"
    static let nsg = "\(sub)/resourceGroups/rg-b/providers/Microsoft.Network/networkSecurityGroups/nsg1"
    static let pip = "\(sub)/resourceGroups/rg-b/providers/Microsoft.Network/publicIPAddresses/gone"
    static let otherNIC = "\(sub)/resourceGroups/rg-a/providers/Microsoft.Network/networkInterfaces/nic2"

    /// Answers by path: lists in rg-a, single GETs elsewhere.
    static func sender() -> ScriptedSender {
        ScriptedSender(fallback: { request in
            let path = request.url.path
            switch path {
            case "\(sub)/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines":
                return json(
                    #"{"value":[{"id":"\#(vm)","properties":{"networkProfile":{"networkInterfaces":[{"id":"\#(nic)"}]}}}]}"#
                )
            case "\(sub)/resourceGroups/rg-a/providers/Microsoft.Network/networkInterfaces":
                return json(
                    #"{"value":[{"id":"\#(nic)","properties":{"networkSecurityGroup":{"id":"\#(nsg)"},"ipConfigurations":[{"id":"\#(nic)/ipConfigurations/ip1","properties":{"publicIPAddress":{"id":"\#(pip)"}}}]}},{"id":"\#(otherNIC)","properties":{}}]}"#
                )
            case nsg:
                // The NSG lists every NIC using it: a back-reference that must not pull nic2 in.
                return json(#"{"id":"\#(nsg)","properties":{"networkInterfaces":[{"id":"\#(otherNIC)"}]}}"#)
            case pip:
                return armError(404, code: "ResourceNotFound", message: "gone")
            default:
                return json(#"{"value":[]}"#)
            }
        })
    }

    @Test func followsReferencesOutOfTheResourceGroupAndLeavesOutWhatIsGone() async throws {
        let sender = Self.sender()
        let (arm, _) = makeARM(sender)
        let inventory = try await LiveInventoryFetcher(arm: arm).fetch(
            subscriptionID: "s", resourceGroup: "rg-a", virtualMachineNames: ["vm1"])
        #expect(inventory.resources.map(\.id) == [Self.vm, Self.nic, Self.nsg])
        let gets = sender.sent.map(\.url.path).filter { $0 == Self.nsg || $0 == Self.pip }
        #expect(gets.sorted() == [Self.nsg, Self.pip].sorted())
        #expect(sender.sent.first { $0.url.path == Self.nsg }?.url.query?.contains("api-version=2025-07-01") == true)
    }

    @Test func withoutVMNamesKeepsEverythingInScope() async throws {
        let (arm, _) = makeARM(Self.sender())
        let inventory = try await LiveInventoryFetcher(arm: arm).fetch(subscriptionID: "s", resourceGroup: "rg-a")
        #expect(inventory.resources(of: .networkInterfaces).map(\.id) == [Self.nic, Self.otherNIC])
        #expect(inventory.resources(of: .networkSecurityGroups).map(\.id) == [Self.nsg])
    }
}
