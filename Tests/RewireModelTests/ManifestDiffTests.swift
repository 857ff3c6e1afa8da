import Foundation
import RewireModel
import Testing

/// `fullySetManifest()` with a network and a storage account, so every scope has something to compare.
private func estate() -> Manifest {
    var manifest = fullySetManifest()
    let sub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg"
    manifest.virtualNetworks = [
        VirtualNetwork(
            id: "\(sub)/providers/Microsoft.Network/virtualNetworks/v", name: "v", resourceGroup: "rg",
            subscriptionId: "00000000-0000-0000-0000-000000000001", location: "westeurope",
            addressPrefixes: ["10.0.0.0/16"],
            subnets: [
                Subnet(
                    id: "\(sub)/providers/Microsoft.Network/virtualNetworks/v/subnets/s", name: "s",
                    addressPrefixes: ["10.0.0.0/24"])
            ])
    ]
    manifest.storageAccounts = [
        StorageAccount(
            id: "\(sub)/providers/Microsoft.Storage/storageAccounts/st", name: "st", resourceGroup: "rg",
            subscriptionId: "00000000-0000-0000-0000-000000000001", location: "westeurope", sku: "Standard_LRS",
            networkDefaultAction: "Allow")
    ]
    return manifest
}

/// One kind of drift: how to make it, and the change it must produce.
struct DriftCase: CustomTestStringConvertible, Sendable {
    var label: String
    var scope: ManifestDiff.Change.Scope
    var kind: ManifestDiff.Change.Kind
    var setting: String?
    var old: String?
    var new: String?
    var apply: @Sendable (inout Manifest) -> Void

    var testDescription: String { label }

    static let all: [DriftCase] = [
        DriftCase(
            label: "size", scope: .virtualMachine, kind: .changed, setting: "size", old: "Standard_D2s_v3",
            new: "Standard_D4s_v3"
        ) {
            $0.virtualMachines[0].size = "Standard_D4s_v3"
        },
        DriftCase(label: "zone", scope: .virtualMachine, kind: .changed, setting: "zone", old: "1", new: "2") {
            $0.virtualMachines[0].zone = "2"
        },
        DriftCase(label: "tag added", scope: .virtualMachine, kind: .added, setting: "tags.costcenter", new: "42") {
            $0.virtualMachines[0].tags["costcenter"] = "42"
        },
        DriftCase(label: "tag removed", scope: .virtualMachine, kind: .removed, setting: "tags.a", old: "b") {
            $0.virtualMachines[0].tags["a"] = nil
        },
        DriftCase(
            label: "static IP", scope: .virtualMachine, kind: .changed,
            setting: "networkInterfaces[nic].ipConfigurations[ipconfig1].staticPrivateIPAddress", old: "10.0.0.4",
            new: "10.0.0.9"
        ) {
            $0.networkInterfaces[0].ipConfigurations[0].privateIPAddress = "10.0.0.9"
        },
        DriftCase(
            label: "static to dynamic", scope: .virtualMachine, kind: .changed,
            setting: "networkInterfaces[nic].ipConfigurations[ipconfig1].privateIPAllocation", old: "Static",
            new: "Dynamic"
        ) {
            $0.networkInterfaces[0].ipConfigurations[0].privateIPAllocationMethod = .dynamic
        },
        DriftCase(
            label: "pool left", scope: .virtualMachine, kind: .removed,
            setting: "networkInterfaces[nic].ipConfigurations[ipconfig1].backendPools[lb/p]", old: "present"
        ) {
            $0.networkInterfaces[0].ipConfigurations[0].loadBalancerBackendAddressPoolIds = []
        },
        DriftCase(
            label: "NAT rule joined", scope: .virtualMachine, kind: .added,
            setting: "networkInterfaces[nic].ipConfigurations[ipconfig1].natRules[lb/n2]", new: "present"
        ) {
            $0.networkInterfaces[0].ipConfigurations[0].loadBalancerInboundNatRuleIds.append(
                "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Network/loadBalancers/lb/inboundNatRules/n2"
            )
        },
        DriftCase(
            label: "public IP address", scope: .virtualMachine, kind: .changed,
            setting: "networkInterfaces[nic].ipConfigurations[ipconfig1].publicIP.address", old: "20.1.2.3",
            new: "20.9.9.9"
        ) {
            $0.publicIPAddresses[0].ipAddress = "20.9.9.9"
        },
        DriftCase(
            label: "NSG rule", scope: .virtualMachine, kind: .changed,
            setting: "networkInterfaces[nic].networkSecurityGroup.rules[allow-storage]",
            old: "Outbound Allow 100 Tcp from *:* to Storage.westeurope:443,8443",
            new: "Outbound Deny 100 Tcp from *:* to Storage.westeurope:443,8443"
        ) {
            $0.networkSecurityGroups[0].securityRules[0].access = "Deny"
        },
        DriftCase(
            label: "data disk added", scope: .virtualMachine, kind: .added, setting: "dataDisks[lun 1]", new: "present"
        ) {
            $0.virtualMachines[0].dataDisks.append(Disk(name: "d1", lun: 1, sizeGB: 64, kind: .managed))
        },
        DriftCase(
            label: "disk size", scope: .virtualMachine, kind: .changed, setting: "dataDisks[lun 0].sizeGB", old: "64",
            new: "128"
        ) {
            $0.virtualMachines[0].dataDisks[0].sizeGB = 128
        },
        DriftCase(label: "DC role", scope: .virtualMachine, kind: .added, setting: "domainController", new: "present") {
            $0.virtualMachines[0].domainController = DomainControllerRole(domain: "corp.contoso.com", source: .tag)
        },
        DriftCase(
            label: "accelerated networking", scope: .virtualMachine, kind: .changed,
            setting: "networkInterfaces[nic].acceleratedNetworking", old: "true", new: "false"
        ) {
            $0.networkInterfaces[0].enableAcceleratedNetworking = false
        },
        DriftCase(
            label: "NIC detached", scope: .virtualMachine, kind: .removed, setting: "networkInterfaces[nic]",
            old: "present"
        ) {
            $0.virtualMachines[0].networkInterfaces = []
        },
        DriftCase(
            label: "LB rule", scope: .loadBalancer, kind: .changed, setting: "rules[r]",
            old: "Tcp fe:443 to p:8443 probe pr floating IP", new: "Tcp fe:444 to p:8443 probe pr floating IP"
        ) {
            $0.loadBalancers[0].loadBalancingRules[0].frontendPort = 444
        },
        DriftCase(
            label: "public IP", scope: .publicIPAddress, kind: .changed, setting: "allocation", old: "Static",
            new: "Dynamic"
        ) {
            $0.publicIPAddresses[0].allocationMethod = .dynamic
        },
        DriftCase(
            label: "NSG rule added", scope: .networkSecurityGroup, kind: .added, setting: "rules[deny-all]",
            new: "Inbound Deny 4000 * from *:* to *:*"
        ) {
            $0.networkSecurityGroups[0].securityRules.append(
                SecurityRule(name: "deny-all", direction: "Inbound", priority: 4000, access: "Deny", protocol: "*"))
        },
        DriftCase(
            label: "subnet prefix", scope: .virtualNetwork, kind: .changed, setting: "subnets[s].addressPrefixes",
            old: "10.0.0.0/24", new: "10.0.0.0/23"
        ) {
            $0.virtualNetworks[0].subnets[0].addressPrefixes = ["10.0.0.0/23"]
        },
        DriftCase(
            label: "storage network rules", scope: .storageAccount, kind: .changed, setting: "networkDefaultAction",
            old: "Allow", new: "Deny"
        ) {
            $0.storageAccounts[0].networkDefaultAction = "Deny"
        },
    ]
}

@Suite("Manifest diff")
struct ManifestDiffTests {
    @Test func theSameManifestHasNoDrift() {
        let diff = ManifestDiff(old: estate(), new: estate())
        #expect(diff.isEmpty)
        #expect(diff.notes.isEmpty)
    }

    @Test(arguments: DriftCase.all)
    func reportsTheDriftWhereItIs(_ drift: DriftCase) throws {
        var changed = estate()
        drift.apply(&changed)
        let diff = ManifestDiff(old: estate(), new: changed)
        let change = try #require(diff.changes.first { $0.scope == drift.scope }, "\(diff.changes)")
        #expect(change.kind == drift.kind)
        #expect(change.setting == drift.setting)
        #expect(change.old == drift.old)
        #expect(change.new == drift.new)
        // The other way round it is the opposite change.
        let back = ManifestDiff(old: changed, new: estate()).changes.first {
            $0.scope == drift.scope && $0.setting == drift.setting
        }
        #expect(back?.old == drift.new && back?.new == drift.old)
    }

    @Test func reordersAreNotDrift() {
        var reordered = estate()
        reordered.virtualMachines[0].dataDisks.append(Disk(name: "d1", lun: 1, kind: .managed))
        var original = reordered
        original.virtualMachines[0].dataDisks.reverse()
        reordered.networkSecurityGroups[0].securityRules.append(
            SecurityRule(name: "x", direction: "Inbound", priority: 200, access: "Allow", protocol: "*"))
        original.networkSecurityGroups[0].securityRules = reordered.networkSecurityGroups[0].securityRules.reversed()
        reordered.networkInterfaces.reverse()
        #expect(ManifestDiff(old: original, new: reordered).isEmpty)
    }

    @Test func aDynamicAddressThatMovedIsNotDrift() {
        var before = estate()
        before.networkInterfaces[0].ipConfigurations[0].privateIPAllocationMethod = .dynamic
        var after = before
        after.networkInterfaces[0].ipConfigurations[0].privateIPAddress = "10.0.0.77"
        #expect(ManifestDiff(old: before, new: after).isEmpty)
    }

    @Test func aWholeVMAddedOrRemovedIsOneChange() {
        var after = estate()
        var second = after.virtualMachines[0]
        second.id = second.id.replacingOccurrences(of: "vm1", with: "vm2")
        second.name = "vm2"
        after.virtualMachines.append(second)
        let added = ManifestDiff(old: estate(), new: after)
        #expect(added.changes == [ManifestDiff.Change(scope: .virtualMachine, resource: "vm2", kind: .added)])
        let removed = ManifestDiff(old: after, new: estate())
        #expect(removed.changes == [ManifestDiff.Change(scope: .virtualMachine, resource: "vm2", kind: .removed)])
    }

    @Test func matchesResourcesByIDIgnoringCase() {
        var after = estate()
        after.virtualMachines[0].id = after.virtualMachines[0].id.uppercased()
        after.loadBalancers[0].id = after.loadBalancers[0].id.uppercased()
        #expect(ManifestDiff(old: estate(), new: after).isEmpty)
    }

    @Test func namesTheResourceGroupWhenTwoResourcesShareAName() throws {
        var after = estate()
        var twin = after.networkSecurityGroups[0]
        twin.id = twin.id.replacingOccurrences(of: "/resourceGroups/rg/", with: "/resourceGroups/rg-other/")
        twin.resourceGroup = "rg-other"
        after.networkSecurityGroups.append(twin)
        let change = try #require(ManifestDiff(old: estate(), new: after).changes.first)
        #expect(change.resource == "nsg (rg-other)")
        #expect(change.kind == .added)
    }

    @Test func anOlderManifestWithoutNetworksIsReadAndNetworksAreNotCompared() {
        var old = estate()
        old.virtualNetworks = []
        old.storageAccounts = []
        let diff = ManifestDiff(old: old, new: estate())
        #expect(diff.isEmpty)
        #expect(diff.notes.count == 2)
        #expect(diff.notes[0].hasPrefix("virtual networks not compared: only NEW records them"))
    }
}
