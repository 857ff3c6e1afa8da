import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import Testing

@Suite("Capture of published ARM REST examples")
struct ARMFixtureCaptureTests {
    static let examples = ARMFixtures.resourceExamples()

    @Test("every compute and network example captures on its own", arguments: examples)
    func capturesEachExampleAlone(_ example: URL) throws {
        let body = String(decoding: try ARMFixtures.body(of: example), as: UTF8.self)
        let manifest = try capture([(example.lastPathComponent, body)])
        #expect(manifest.schemaVersion == Manifest.currentSchemaVersion)
        // Something was read or reported for every example: resources or an "ignored" note.
        let captured =
            manifest.virtualMachines.count + manifest.networkInterfaces.count + manifest.loadBalancers.count
            + manifest.publicIPAddresses.count + manifest.networkSecurityGroups.count + manifest.virtualNetworks.count
            + manifest.storageAccounts.count
        #expect(captured > 0 || manifest.findings.contains { $0.code == "input.resource-type-ignored" })
    }

    @Test func capturesAllExamplesTogether() throws {
        let documents = try Self.examples.map { ($0.lastPathComponent, String(decoding: try ARMFixtures.body(of: $0), as: UTF8.self)) }
        let manifest = try capture(documents)
        #expect(manifest.virtualMachines.count == 1)  // the four VM examples share one id (myVM)
        #expect(manifest.findings.contains { $0.code == "input.duplicate-resource" })
        #expect(manifest.networkInterfaces.count >= 3)
        #expect(manifest.loadBalancers.count >= 1)
        #expect(manifest.publicIPAddresses.count >= 4)
    }

    func body(_ name: String) throws -> (String, String) {
        let url = try #require(Self.examples.first { $0.lastPathComponent == name })
        return (name, String(decoding: try ARMFixtures.body(of: url), as: UTF8.self))
    }

    @Test func capturesEveryIPConfigurationOfANICWithItsPrimaryFlagNSGAndAcceleratedNetworking() throws {
        let manifest = try capture([try body("NetworkInterfaceGet.json")])
        let nic = try #require(manifest.networkInterfaces.first)
        #expect(nic.name == "test-nic")
        #expect(nic.ipConfigurations.map(\.name) == ["ipconfig1", "ipconfig2"])
        #expect(nic.ipConfigurations.map(\.primary) == [true, false])
        #expect(nic.ipConfigurations[0].publicIPAddressId?.hasSuffix("/publicIPAddresses/test-ip") == true)
        #expect(nic.enableAcceleratedNetworking)
        #expect(nic.networkSecurityGroupId?.hasSuffix("/networkSecurityGroups/nsg") == true)
        // The NSG is not in the input: kept by id, reported.
        #expect(manifest.findings.contains { $0.code == "reference.missing.networkSecurityGroup" })
    }

    @Test func keepsBackendPoolAndNATRuleReferencesAndReportsTheMissingLoadBalancer() throws {
        let manifest = try capture([try body("LoadBalancerNetworkInterfaceListSimple.json")])
        let configuration = try #require(manifest.networkInterfaces.first?.ipConfigurations.first)
        #expect(configuration.loadBalancerBackendAddressPoolIds.count == 1)
        #expect(configuration.loadBalancerBackendAddressPoolIds[0].hasSuffix("/backendAddressPools/bepool1"))
        #expect(configuration.loadBalancerInboundNatRuleIds.map { $0.hasSuffix("/inboundNatRules/inbound1") } == [true])
        let missing = manifest.findings.filter { $0.code == "reference.missing.loadBalancer" }
        #expect(missing.count == 2)
        #expect(missing.allSatisfy { $0.location?.path == "$.value[0].properties.ipConfigurations[0]" })
    }

    @Test func capturesALoadBalancerWithPoolsRulesProbesAndNATRules() throws {
        let manifest = try capture([try body("LoadBalancerGet.json")])
        let lb = try #require(manifest.loadBalancers.first)
        #expect(lb.sku == "Standard")
        #expect(lb.backendAddressPools.map(\.name) == ["be-lb"])
        #expect(lb.probes.count == 1 && lb.probes[0].protocol == "Http")
        #expect(lb.loadBalancingRules.count == 1)
        #expect(lb.loadBalancingRules[0].backendAddressPoolName == "be-lb")
        #expect(lb.loadBalancingRules[0].probeName == lb.probes[0].name)
        let nat = try #require(lb.inboundNatRules.first)
        #expect(nat.frontendPort == 3389 && nat.backendPort == 3389 && nat.protocol == "Tcp")
        #expect(lb.frontendIPConfigurations[0].subnetId != nil)
    }

    @Test func capturesAPublicIPsDNSLabelAllocationAndZones() throws {
        let dns = try capture([try body("PublicIpAddressCreateDns.json")]).publicIPAddresses.first
        #expect(dns?.domainNameLabel == "dnslbl")
        let custom = try #require(try capture([try body("PublicIpAddressCreateCustomizedValues.json")]).publicIPAddresses.first)
        #expect(custom.allocationMethod == .static)
        #expect(custom.sku == "Standard" && custom.skuTier == "Global")
        #expect(custom.zones == ["1"])
        #expect(custom.idleTimeoutInMinutes == 10)
    }

    @Test func capturesManagedDataDisksAtTheirLUNsAndTheAvailabilitySet() throws {
        let vm = try #require(try capture([try body("VirtualMachine_Get.json")]).virtualMachines.first)
        #expect(vm.dataDisks.map(\.lun) == [0, 1])
        #expect(vm.dataDisks.allSatisfy { $0.kind == .managed })
        #expect(vm.availabilitySetId?.lowercased().contains("/availabilitysets/") == true)
        #expect(vm.networkInterfaces.count == 1 && vm.networkInterfaces[0].primary)  // single NIC: primary by definition
    }

    @Test func capturesUnmanagedDisksByTheirVHDURI() throws {
        let vm = try #require(
            try capture([try body("VirtualMachine_Create_PlatformImageVmWithUnmanagedOsAndDataDisks.json")]).virtualMachines.first)
        #expect(vm.osDisk.kind == .vhd)
        #expect(vm.osDisk.vhdUri?.hasSuffix(".vhd") == true)
        #expect(vm.dataDisks.map(\.kind) == [.vhd, .vhd])
    }

    @Test func capturesTheZoneOfAZonalVM() throws {
        let vm = try #require(try capture([try body("VirtualMachine_Create_WithPlacement.json")]).virtualMachines.first)
        #expect(vm.zone == "3")
    }

    @Test func capturesNSGCustomRulesAndLeavesTheDefaultsToAzure() throws {
        let nsg = try #require(try capture([try body("NetworkSecurityGroupGet.json")]).networkSecurityGroups.first)
        #expect(nsg.securityRules.map(\.name) == ["rule1"])
        #expect(nsg.securityRules[0].priority == 130)
        #expect(nsg.securityRules[0].destinationPortRanges == ["80"])
    }

    @Test func usesIPConfigurationNamesNotTheirIDsWhichMayNameAnotherNIC() throws {
        // Published quirk: test-nic2's ipconfig2 id says "test-nic".
        let nics = try capture([try body("NetworkInterfaceList.json")]).networkInterfaces
        let second = try #require(nics.first { $0.name == "test-nic2" })
        #expect(second.ipConfigurations.map(\.name) == ["ipconfig1", "ipconfig2"])
    }
}
