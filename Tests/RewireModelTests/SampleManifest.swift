import PropertyBased
import RewireModel

/// A manifest with every field of every type set, so that schema and encoding tests see them all.
func fullySetManifest(tagValue: String = "prod") -> Manifest {
    let sub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg"
    let vm = VirtualMachine(
        id: "\(sub)/providers/Microsoft.Compute/virtualMachines/vm1", name: "vm1", resourceGroup: "rg",
        subscriptionId: "00000000-0000-0000-0000-000000000001", location: "westeurope", size: "Standard_D2s_v3",
        osType: .linux, zone: "1", availabilitySetId: "\(sub)/providers/Microsoft.Compute/availabilitySets/as",
        proximityPlacementGroupId: "\(sub)/providers/Microsoft.Compute/proximityPlacementGroups/ppg",
        licenseType: "RHEL_BYOS", tags: ["env": tagValue, "a": "b"],
        osDisk: Disk(
            name: "os", sizeGB: 30, caching: "ReadWrite", kind: .managed, managedDiskId: "\(sub)/providers/Microsoft.Compute/disks/os",
            storageAccountType: "Premium_LRS", vhdUri: nil, writeAcceleratorEnabled: false),
        dataDisks: [Disk(name: "d0", lun: 0, sizeGB: 64, caching: "None", kind: .vhd, vhdUri: "https://sa.blob.core.windows.net/v/d0.vhd")],
        networkInterfaces: [NetworkInterfaceReference(id: "\(sub)/providers/Microsoft.Network/networkInterfaces/nic", primary: true)])
    let nic = NetworkInterface(
        id: "\(sub)/providers/Microsoft.Network/networkInterfaces/nic", name: "nic", resourceGroup: "rg",
        subscriptionId: "00000000-0000-0000-0000-000000000001", location: "westeurope", virtualMachineId: vm.id,
        ipConfigurations: [
            IPConfiguration(
                name: "ipconfig1", primary: true, subnetId: "\(sub)/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
                privateIPAddress: "10.0.0.4", privateIPAllocationMethod: .static, privateIPAddressVersion: .ipv4,
                publicIPAddressId: "\(sub)/providers/Microsoft.Network/publicIPAddresses/pip",
                loadBalancerBackendAddressPoolIds: ["\(sub)/providers/Microsoft.Network/loadBalancers/lb/backendAddressPools/p"],
                loadBalancerInboundNatRuleIds: ["\(sub)/providers/Microsoft.Network/loadBalancers/lb/inboundNatRules/n"],
                applicationSecurityGroupIds: ["\(sub)/providers/Microsoft.Network/applicationSecurityGroups/asg"])
        ],
        networkSecurityGroupId: "\(sub)/providers/Microsoft.Network/networkSecurityGroups/nsg", enableAcceleratedNetworking: true,
        enableIPForwarding: true, dnsServers: ["10.0.0.10"], tags: ["t": "v"])
    let lb = LoadBalancer(
        id: "\(sub)/providers/Microsoft.Network/loadBalancers/lb", name: "lb", resourceGroup: "rg",
        subscriptionId: "00000000-0000-0000-0000-000000000001", location: "westeurope", sku: "Standard", skuTier: "Regional",
        frontendIPConfigurations: [
            FrontendIPConfiguration(
                name: "fe", privateIPAddress: "10.0.0.5", privateIPAllocationMethod: .static,
                subnetId: "\(sub)/providers/Microsoft.Network/virtualNetworks/v/subnets/s", publicIPAddressId: nil, zones: ["1", "2"])
        ],
        backendAddressPools: [BackendAddressPool(name: "p")],
        loadBalancingRules: [
            LoadBalancingRule(
                name: "r", frontendIPConfigurationName: "fe", backendAddressPoolName: "p", probeName: "pr", protocol: "Tcp",
                frontendPort: 443, backendPort: 8443, idleTimeoutInMinutes: 5, enableFloatingIP: true, enableTcpReset: true,
                disableOutboundSnat: true, loadDistribution: "SourceIP")
        ],
        probes: [Probe(name: "pr", protocol: "Https", port: 8443, requestPath: "/health", intervalInSeconds: 5, numberOfProbes: 2)],
        inboundNatRules: [
            InboundNatRule(
                name: "n", frontendIPConfigurationName: "fe", protocol: "Tcp", frontendPort: 50001, backendPort: 22,
                idleTimeoutInMinutes: 4, enableFloatingIP: false, enableTcpReset: true)
        ], tags: ["lb": "yes"])
    let pip = PublicIPAddress(
        id: "\(sub)/providers/Microsoft.Network/publicIPAddresses/pip", name: "pip", resourceGroup: "rg",
        subscriptionId: "00000000-0000-0000-0000-000000000001", location: "westeurope", sku: "Standard", skuTier: "Regional",
        allocationMethod: .static, ipAddress: "20.1.2.3", ipVersion: .ipv4, domainNameLabel: "app", fqdn: "app.westeurope.cloudapp.azure.com",
        idleTimeoutInMinutes: 4, zones: ["1"], tags: [:])
    let nsg = NetworkSecurityGroup(
        id: "\(sub)/providers/Microsoft.Network/networkSecurityGroups/nsg", name: "nsg", resourceGroup: "rg",
        subscriptionId: "00000000-0000-0000-0000-000000000001", location: "westeurope",
        securityRules: [
            SecurityRule(
                name: "allow-storage", description: "backup", direction: "Outbound", priority: 100, access: "Allow", protocol: "Tcp",
                sourceAddressPrefixes: ["*"], destinationAddressPrefixes: ["Storage.westeurope"], sourcePortRanges: ["*"],
                destinationPortRanges: ["443", "8443"])
        ])
    return Manifest(
        virtualMachines: [vm], networkInterfaces: [nic], loadBalancers: [lb], publicIPAddresses: [pip], networkSecurityGroups: [nsg],
        findings: [
            Finding(
                severity: .warning, code: "reference.missing.loadBalancer", message: "m", vm: "vm1",
                location: SourceLocation(file: "f.json", path: "$.x", line: 3))
        ])
}

/// `fullySetManifest` with `count` variants of its VM: some without an availability set, some with
/// no tags or an extra tag.
func manifestWithManyVMs(_ count: Int) -> Manifest {
    var manifest = fullySetManifest()
    let template = manifest.virtualMachines[0]
    manifest.virtualMachines = (0..<count).map { index in
        var vm = template
        vm.name = "vm-\(index)"
        if index % 3 == 0 { vm.availabilitySetId = nil }
        if index % 4 == 1 { vm.tags = [:] }
        if index % 5 == 2 { vm.tags["z\(index)"] = "last" }
        return vm
    }
    return manifest
}

/// Dictionaries whose keys need escaping or sort by bytes unlike by characters: printable ASCII,
/// control characters, Latin-1 and emoji.
func awkwardDictionaries() -> Generator<[String: String], some SendableSequenceType> {
    let key = Gen<Character>.oneOf(
        Gen.character(in: " "..."~"),
        Gen.character(in: "\u{0}"..."\u{1F}"),
        Gen.character(in: "\u{E0}"..."\u{FF}"),
        Gen.character(in: "\u{1F600}"..."\u{1F64F}")
    ).string(of: 0...6)
    return zip(key, key).dictionary(ofAtMost: 0...12)
}
