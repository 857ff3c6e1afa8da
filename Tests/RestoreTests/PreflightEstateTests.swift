import Restore
import RewireModel
import Testing

/// A small ARM estate built in Swift, the baseline every preflight rule test starts from: one
/// Windows VM with one NIC (static 10.1.0.10) in subnet `app` of `vnet-app`, nothing that any rule
/// objects to. Tests change one thing and look for the one finding it causes.
enum PreflightEstate {
    static let subscriptionId = "0b7c1d2e-3f40-4a5b-9c6d-7e8f9a0b1c2d"
    static let sub = "/subscriptions/\(subscriptionId)"
    static let rg = "\(sub)/resourceGroups/rg-app/providers"
    static let vmID = "\(rg)/Microsoft.Compute/virtualMachines/app01"
    static let nicID = "\(rg)/Microsoft.Network/networkInterfaces/nic-app01"
    static let vnetID = "\(rg)/Microsoft.Network/virtualNetworks/vnet-app"
    static let subnetID = "\(vnetID)/subnets/app"
    static let lbID = "\(rg)/Microsoft.Network/loadBalancers/lb-app"
    static let poolID = "\(lbID)/backendAddressPools/pool-app"
    static let natID = "\(lbID)/inboundNatRules/nat-rdp"
    static let pipID = "\(rg)/Microsoft.Network/publicIPAddresses/pip-app01"
    static let nsgID = "\(rg)/Microsoft.Network/networkSecurityGroups/nsg-app"

    static func vm(
        name: String = "app01", os: OSType = .windows, size: String = "Standard_D4s_v3", dataDisks: Int = 2,
        diskSizeGB: Int = 128,
        kind: DiskKind = .managed
    ) -> VirtualMachine {
        func disk(_ diskName: String, lun: Int?) -> Disk {
            Disk(
                name: diskName, lun: lun, sizeGB: diskSizeGB, caching: "None", kind: kind,
                managedDiskId: kind == .managed ? "\(rg)/Microsoft.Compute/disks/\(diskName)" : nil,
                vhdUri: kind == .vhd ? "https://stapp01.blob.core.windows.net/vhds/\(diskName).vhd" : nil)
        }
        return VirtualMachine(
            id: "\(rg)/Microsoft.Compute/virtualMachines/\(name)", name: name, resourceGroup: "rg-app",
            subscriptionId: subscriptionId,
            location: "westeurope", size: size, osType: os, osDisk: disk("\(name)-os", lun: nil),
            dataDisks: (0..<dataDisks).map { disk("\(name)-data\($0)", lun: $0) },
            networkInterfaces: [
                NetworkInterfaceReference(id: "\(rg)/Microsoft.Network/networkInterfaces/nic-\(name)", primary: true)
            ])
    }

    static func nic(
        name: String = "nic-app01", vm vmName: String? = "app01", address: String = "10.1.0.10",
        allocation: AllocationMethod = .static
    )
        -> NetworkInterface
    {
        NetworkInterface(
            id: "\(rg)/Microsoft.Network/networkInterfaces/\(name)", name: name, resourceGroup: "rg-app",
            subscriptionId: subscriptionId,
            location: "westeurope", virtualMachineId: vmName.map { "\(rg)/Microsoft.Compute/virtualMachines/\($0)" },
            ipConfigurations: [
                IPConfiguration(
                    name: "ipconfig1", primary: true, subnetId: subnetID, privateIPAddress: address,
                    privateIPAllocationMethod: allocation)
            ])
    }

    static func network(prefix: String = "10.1.0.0/24", subnetNSG: String? = nil) -> VirtualNetwork {
        VirtualNetwork(
            id: vnetID, name: "vnet-app", resourceGroup: "rg-app", subscriptionId: subscriptionId,
            location: "westeurope",
            addressPrefixes: ["10.1.0.0/16"],
            subnets: [Subnet(id: subnetID, name: "app", addressPrefixes: [prefix], networkSecurityGroupId: subnetNSG)])
    }

    static func loadBalancer(
        sku: String? = "Standard", pools: [String] = ["pool-app"], natRules: [String] = ["nat-rdp"]
    ) -> LoadBalancer {
        LoadBalancer(
            id: lbID, name: "lb-app", resourceGroup: "rg-app", subscriptionId: subscriptionId, location: "westeurope",
            sku: sku,
            frontendIPConfigurations: [
                FrontendIPConfiguration(
                    name: "fe", publicIPAddressId: "\(rg)/Microsoft.Network/publicIPAddresses/pip-lb")
            ],
            backendAddressPools: pools.map(BackendAddressPool.init),
            inboundNatRules: natRules.map {
                InboundNatRule(name: $0, protocol: "Tcp", frontendPort: 50001, backendPort: 3389)
            })
    }

    static func publicIP(sku: String? = "Standard", zones: [String] = [], address: String? = "20.50.60.70")
        -> PublicIPAddress
    {
        PublicIPAddress(
            id: pipID, name: "pip-app01", resourceGroup: "rg-app", subscriptionId: subscriptionId,
            location: "westeurope", sku: sku,
            allocationMethod: .static, ipAddress: address, zones: zones)
    }

    static func securityGroup(_ rules: [SecurityRule]) -> NetworkSecurityGroup {
        NetworkSecurityGroup(
            id: nsgID, name: "nsg-app", resourceGroup: "rg-app", subscriptionId: subscriptionId, location: "westeurope",
            securityRules: rules)
    }

    static func outbound(
        _ name: String, _ priority: Int, _ access: String, to destination: String, ports: [String] = ["*"],
        protocol: String = "*"
    )
        -> SecurityRule
    {
        SecurityRule(
            name: name, direction: "Outbound", priority: priority, access: access, protocol: `protocol`,
            sourceAddressPrefixes: ["*"],
            destinationAddressPrefixes: [destination], sourcePortRanges: ["*"], destinationPortRanges: ports)
    }

    /// The baseline: VM, NIC and network, all within every era's limits.
    static func manifest(_ change: (inout Manifest) -> Void = { _ in }) -> Manifest {
        var manifest = Manifest(virtualMachines: [vm()], networkInterfaces: [nic()], virtualNetworks: [network()])
        change(&manifest)
        return manifest
    }

    /// Joins the NIC's IP configuration to the load balancer's pool and NAT rule, with the public IP.
    static func withLoadBalancerAndPublicIP(
        _ manifest: inout Manifest, lbSKU: String? = "Standard", pipSKU: String? = "Standard", pipZones: [String] = []
    ) {
        manifest.networkInterfaces[0].ipConfigurations[0].loadBalancerBackendAddressPoolIds = [poolID]
        manifest.networkInterfaces[0].ipConfigurations[0].loadBalancerInboundNatRuleIds = [natID]
        manifest.networkInterfaces[0].ipConfigurations[0].publicIPAddressId = pipID
        manifest.loadBalancers = [loadBalancer(sku: lbSKU)]
        manifest.publicIPAddresses = [publicIP(sku: pipSKU, zones: pipZones)]
    }
}

func preflight(
    _ manifest: Manifest, _ profile: LimitationProfile = .current, target: Manifest? = nil, vaultName: String? = nil,
    vaultLocation: String? = nil, targetLocation: String? = nil
) -> [Finding] {
    Preflight(profile: profile, vaultName: vaultName, vaultLocation: vaultLocation, targetLocation: targetLocation)
        .findings(for: manifest, target: target)
}

func codes(_ findings: [Finding]) -> [String] { findings.map(\.code) }

@Suite("Preflight: the baseline and the shape of findings")
struct PreflightEstateTests {
    @Test(arguments: LimitationProfile.allCases)
    func baselineEstateHasNoFindingsInAnyEra(profile: LimitationProfile) {
        #expect(
            preflight(
                PreflightEstate.manifest {
                    $0.networkInterfaces[0].ipConfigurations[0].privateIPAllocationMethod = .dynamic
                }, profile
            ).isEmpty)
    }

    @Test func profilesHaveTheCommandLineNames() {
        #expect(LimitationProfile.allCases.map(\.rawValue) == ["classic-2015", "arm-2018", "current"])
    }

    @Test func findingsAreSortedBlockerFirstThenVMThenCode() {
        let manifest = PreflightEstate.manifest {
            var second = PreflightEstate.vm(name: "aaa01", dataDisks: 40)
            second.networkInterfaces = []
            $0.virtualMachines.append(second)
            $0.virtualMachines[0].agent = GuestAgent(version: "2.7.41491.1102", status: "Not Ready")
            $0.virtualMachines[0].dataDisks = (0..<20).map { Disk(name: "d\($0)", lun: $0, sizeGB: 8, kind: .managed) }
        }
        let findings = preflight(manifest, .arm2018, vaultName: "1bad")
        #expect(
            findings.map { "\($0.severity.rawValue) \($0.vm ?? "-") \($0.code)" } == [
                "blocker - vault.name.invalid",
                "blocker aaa01 limit.dataDisks.count",
                "blocker app01 limit.dataDisks.count",
                "warning app01 agent.notReady",
                "warning app01 restore.special.staticIP",
            ])
        // Every finding says what to do and which setting it concerns.
        #expect(findings.allSatisfy { $0.action != nil && $0.setting != nil })
    }
}
