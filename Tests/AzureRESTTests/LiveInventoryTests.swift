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

    // MARK: networks, storage accounts and the instance view

    static let vnet = "\(sub)/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-a"
    static let otherVNet = "\(sub)/resourceGroups/rg-a/providers/Microsoft.Network/virtualNetworks/vnet-unused"
    static let account = "\(sub)/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/stdiag"

    /// rg-a holds vm1 (NIC in vnet-a/subnets/web, a network of rg-net), an unused network and a storage account.
    static func networkSender() -> ScriptedSender {
        ScriptedSender(fallback: { request in
            switch request.url.path {
            case "\(sub)/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines":
                return json(
                    #"{"value":[{"id":"\#(vm)","properties":{"instanceView":{"vmAgent":{"vmAgentVersion":"2.7"}},"networkProfile":{"networkInterfaces":[{"id":"\#(nic)"}]}}}]}"#
                )
            case "\(sub)/resourceGroups/rg-a/providers/Microsoft.Network/networkInterfaces":
                return json(
                    #"{"value":[{"id":"\#(nic)","properties":{"ipConfigurations":[{"id":"\#(nic)/ipConfigurations/ip1","properties":{"subnet":{"id":"\#(vnet)/subnets/web"}}}]}}]}"#
                )
            case "\(sub)/resourceGroups/rg-a/providers/Microsoft.Network/virtualNetworks":
                return json(#"{"value":[{"id":"\#(otherVNet)","properties":{"subnets":[]}}]}"#)
            case "\(sub)/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts":
                return json(#"{"value":[{"id":"\#(account)","sku":{"name":"Standard_LRS"},"properties":{}}]}"#)
            case vnet:
                return json(#"{"id":"\#(vnet)","properties":{"subnets":[{"id":"\#(vnet)/subnets/web","name":"web"}]}}"#)
            default:
                return json(#"{"value":[]}"#)
            }
        })
    }

    @Test func listsVirtualMachinesWithTheirInstanceView() async throws {
        let sender = Self.networkSender()
        let (arm, _) = makeARM(sender)
        _ = try await LiveInventoryFetcher(arm: arm).fetch(subscriptionID: "s", resourceGroup: "rg-a")
        let vmList = try #require(sender.sent.first { $0.url.path.hasSuffix("/Microsoft.Compute/virtualMachines") })
        #expect(vmList.url.query?.contains("$expand=instanceView") == true)
        #expect(vmList.url.query?.contains("api-version=2025-04-01") == true)
        let otherLists = sender.sent.filter { !$0.url.path.hasSuffix("/virtualMachines") }
        #expect(otherLists.allSatisfy { $0.url.query?.contains("$expand") != true })
        let storage = try #require(sender.sent.first { $0.url.path.hasSuffix("/Microsoft.Storage/storageAccounts") })
        #expect(storage.url.query?.contains("api-version=2024-01-01") == true)
    }

    @Test func withoutVMNamesKeepsNetworksAndStorageAccountsOfTheScope() async throws {
        let (arm, _) = makeARM(Self.networkSender())
        let inventory = try await LiveInventoryFetcher(arm: arm).fetch(subscriptionID: "s", resourceGroup: "rg-a")
        // vnet-a is in rg-net, outside the scope, but a NIC of the scope is in it.
        #expect(inventory.resources(of: .virtualNetworks).map(\.id) == [Self.otherVNet, Self.vnet].sorted { $0.lowercased() < $1.lowercased() })
        #expect(inventory.resources(of: .storageAccounts).map(\.id) == [Self.account])
        #expect(inventory.resources.map(\.id).suffix(3) == [Self.otherVNet, Self.vnet].sorted { $0.lowercased() < $1.lowercased() } + [Self.account])
    }

    @Test func withVMNamesFollowsNICsToTheirSubnetsNetworkAndKeepsEveryStorageAccount() async throws {
        let sender = Self.networkSender()
        let (arm, _) = makeARM(sender)
        let inventory = try await LiveInventoryFetcher(arm: arm).fetch(
            subscriptionID: "s", resourceGroup: "rg-a", virtualMachineNames: ["VM1"])
        #expect(inventory.resources.map(\.id) == [Self.vm, Self.nic, Self.vnet, Self.account])
        // The subnet's network, not the subnet, is fetched by id.
        let gets = sender.sent.map(\.url.path).filter { $0.contains("/virtualNetworks/") }
        #expect(gets == [Self.vnet])
    }
}

