import RewireModel

/// The resource kinds capture reads. Everything else in the input is counted and skipped.
enum ResourceKind: String {
    case virtualMachine = "microsoft.compute/virtualmachines"
    case networkInterface = "microsoft.network/networkinterfaces"
    case loadBalancer = "microsoft.network/loadbalancers"
    case publicIPAddress = "microsoft.network/publicipaddresses"
    case networkSecurityGroup = "microsoft.network/networksecuritygroups"
}

/// Reads one Azure resource, in any of the JSON shapes capture accepts (ARM REST, Azure CLI,
/// PowerShell `ConvertTo-Json`), into manifest values. Joining resources is not its job.
struct AzureResourceReader {
    let node: ResourceNode
    let id: String
    let parsedID: ResourceID?

    init(_ node: ResourceNode) throws(CaptureError) {
        self.node = node
        guard let idNode = node.own(["id"]) else {
            throw node.shapeError("expected an Azure resource with an \"id\"")
        }
        id = try idNode.string()
        parsedID = ResourceID(id)
    }

    /// The resource type from `type` (ARM, CLI, PowerShell VMs) or else from the id (PowerShell
    /// network objects carry no type).
    var typeKey: String? {
        if let type = node.own(["type"])?.value.stringValue, type.contains("/") { return type.lowercased() }
        return parsedID?.fullType?.lowercased()
    }

    var kind: ResourceKind? { typeKey.flatMap(ResourceKind.init(rawValue:)) }

    // MARK: common identity

    func name() throws(CaptureError) -> String {
        if let name = node.own(["name"]) { return try name.string() }
        if let name = parsedID?.name { return name }
        throw node.shapeError("expected a \"name\" or an id that ends in the resource's name")
    }

    func resourceGroup() throws(CaptureError) -> String {
        if let group = parsedID?.resourceGroup { return group }
        if let group = node.own(["resourceGroup", "resourceGroupName"]) { return try group.string() }
        throw node.shapeError("expected a resource group in the id or a \"resourceGroup\" field")
    }

    var subscriptionId: String { parsedID?.subscriptionId ?? "" }

    func location() throws(CaptureError) -> String {
        guard let location = node.own(["location"]) else { return "" }
        return try location.string()
    }

    // MARK: virtual machines

    func virtualMachine(findings: inout [Finding]) throws(CaptureError) -> VirtualMachine {
        let name = try name()
        guard let sizeNode = node.field("hardwareProfile")?.own(["vmSize"]) else {
            throw node.shapeError("expected hardwareProfile.vmSize on virtual machine '\(name)'")
        }
        guard let storage = node.field("storageProfile") else {
            throw node.shapeError("expected storageProfile on virtual machine '\(name)'")
        }
        guard let osDiskNode = storage.own(["osDisk"]) else {
            throw storage.shapeError("expected storageProfile.osDisk on virtual machine '\(name)'")
        }
        let osDisk = try disk(osDiskNode, isOS: true)
        var dataDisks: [Disk] = []
        if let list = storage.own(["dataDisks"]) {
            for item in try list.array() { dataDisks.append(try disk(item, isOS: false)) }
        }
        dataDisks.sort { ($0.lun ?? 0) < ($1.lun ?? 0) }

        var nics: [NetworkInterfaceReference] = []
        if let profile = node.field("networkProfile") {
            for item in try profile.own(["networkInterfaces"])?.array() ?? [] {
                guard let id = try item.referenceID() else { throw item.shapeError("expected a NIC reference with an \"id\"") }
                let primary = try item.flag("primary")
                nics.append(NetworkInterfaceReference(id: id, primary: primary))
            }
            if let configurations = profile.own(["networkInterfaceConfigurations"]), case .array(let list) = configurations.value,
                !list.isEmpty
            {
                findings.append(
                    Finding(
                        severity: .warning, code: "vm.nic-configurations-not-captured",
                        message:
                            "virtual machine '\(name)' defines NICs inline (networkInterfaceConfigurations); rewire captures only NICs that are separate resources",
                        vm: name, location: configurations.location))
            }
        }

        let zones = try node.field("zones")?.strings() ?? []
        return VirtualMachine(
            id: id, name: name, resourceGroup: try resourceGroup(), subscriptionId: subscriptionId, location: try location(),
            size: try sizeNode.string(), osType: try osType(osDiskNode, vmName: name, findings: &findings),
            zone: zones.first, availabilitySetId: try node.reference("availabilitySet", "availabilitySetReference"),
            proximityPlacementGroupId: try node.reference("proximityPlacementGroup"),
            licenseType: try node.optionalString("licenseType"), tags: try node.tags(),
            osDisk: osDisk, dataDisks: dataDisks, networkInterfaces: nics)
    }

    /// `osDisk.osType`, written as `Windows`/`Linux` or, by PowerShell's `ConvertTo-Json` of the
    /// SDK enum, as 0/1; else inferred from the OS profile.
    private func osType(_ osDisk: ResourceNode, vmName: String, findings: inout [Finding]) throws(CaptureError) -> OSType {
        if let type = osDisk.own(["osType"]) {
            switch type.value {
            case .number("0"): return .windows
            case .number("1"): return .linux
            default:
                let text = try type.string()
                guard let os = OSType.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
                    throw type.shapeError("expected osType Windows or Linux, found '\(text)'")
                }
                return os
            }
        }
        if let profile = node.field("osProfile") {
            if profile.own(["linuxConfiguration"]) != nil { return .linux }
            if profile.own(["windowsConfiguration"]) != nil { return .windows }
        }
        findings.append(
            Finding(
                severity: .warning, code: "vm.os-type-unknown",
                message: "virtual machine '\(vmName)' does not say its OS type; assuming Windows — check before restoring",
                vm: vmName, location: osDisk.location))
        return .windows
    }

    private func disk(_ disk: ResourceNode, isOS: Bool) throws(CaptureError) -> Disk {
        let managed = disk.own(["managedDisk"])
        let vhd = try disk.own(["vhd"])?.referenceURI()
        let managedID = try managed?.own(["id"])?.string()
        let name = try disk.own(["name"])?.string() ?? managedID.flatMap { ResourceID($0)?.name } ?? ""
        var lun: Int?
        if !isOS {
            guard let lunNode = disk.own(["lun"]) else { throw disk.shapeError("expected a \"lun\" on data disk '\(name)'") }
            lun = try lunNode.int()
        }
        return Disk(
            name: name, lun: lun, sizeGB: try disk.own(["diskSizeGB", "diskSizeGb"])?.int(),
            caching: try caching(disk.own(["caching"])),
            kind: (managed != nil || vhd == nil) ? .managed : .vhd,
            managedDiskId: managedID,
            storageAccountType: try managed?.own(["storageAccountType"])?.string(),
            vhdUri: vhd,
            writeAcceleratorEnabled: try disk.own(["writeAcceleratorEnabled"])?.bool() ?? false)
    }

    /// Caching as ARM spells it; PowerShell's `ConvertTo-Json` writes the SDK enum's number.
    private func caching(_ node: ResourceNode?) throws(CaptureError) -> String? {
        guard let node else { return nil }
        switch node.value {
        case .number("0"): return "None"
        case .number("1"): return "ReadOnly"
        case .number("2"): return "ReadWrite"
        default:
            let text = try node.string()
            let known = ["None", "ReadOnly", "ReadWrite"]
            guard let match = known.first(where: { $0.lowercased() == text.lowercased() }) else {
                throw node.shapeError("expected caching None, ReadOnly or ReadWrite, found '\(text)'")
            }
            return match
        }
    }

    // MARK: network interfaces

    func networkInterface() throws(CaptureError) -> NetworkInterface {
        let name = try name()
        var configurations: [IPConfiguration] = []
        for item in try node.items("ipConfigurations") {
            configurations.append(try ipConfiguration(item, nicName: name))
        }
        return NetworkInterface(
            id: id, name: name, resourceGroup: try resourceGroup(), subscriptionId: subscriptionId, location: try location(),
            virtualMachineId: try node.reference("virtualMachine"), ipConfigurations: configurations,
            networkSecurityGroupId: try node.reference("networkSecurityGroup"),
            enableAcceleratedNetworking: try node.flag("enableAcceleratedNetworking"),
            enableIPForwarding: try node.flag("enableIPForwarding"),
            dnsServers: try node.field("dnsSettings")?.own(["dnsServers"])?.strings() ?? [],
            tags: try node.tags())
    }

    private func ipConfiguration(_ item: ResourceNode, nicName: String) throws(CaptureError) -> IPConfiguration {
        guard let nameNode = item.own(["name"]) else {
            throw item.shapeError("expected a \"name\" on an IP configuration of NIC '\(nicName)'")
        }
        return IPConfiguration(
            name: try nameNode.string(),
            primary: try item.flag("primary"),
            subnetId: try item.reference("subnet"),
            privateIPAddress: try item.optionalString("privateIPAddress"),
            privateIPAllocationMethod: try allocation(item.field("privateIPAllocationMethod")) ?? .dynamic,
            privateIPAddressVersion: try version(item.field("privateIPAddressVersion")) ?? .ipv4,
            publicIPAddressId: try item.reference("publicIPAddress"),
            loadBalancerBackendAddressPoolIds: try item.references("loadBalancerBackendAddressPools"),
            loadBalancerInboundNatRuleIds: try item.references("loadBalancerInboundNatRules"),
            applicationSecurityGroupIds: try item.references("applicationSecurityGroups"))
    }

    private func allocation(_ node: ResourceNode?) throws(CaptureError) -> AllocationMethod? {
        guard let node else { return nil }
        let text = try node.string()
        guard let method = AllocationMethod.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            throw node.shapeError("expected allocation method Static or Dynamic, found '\(text)'")
        }
        return method
    }

    private func version(_ node: ResourceNode?) throws(CaptureError) -> IPVersion? {
        guard let node else { return nil }
        let text = try node.string()
        guard let version = IPVersion.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() }) else {
            throw node.shapeError("expected IP version IPv4 or IPv6, found '\(text)'")
        }
        return version
    }

    // MARK: load balancers

    func loadBalancer(findings: inout [Finding]) throws(CaptureError) -> LoadBalancer {
        let name = try name()
        let sku = node.own(["sku"])
        var frontends: [FrontendIPConfiguration] = []
        for item in try node.items("frontendIPConfigurations") {
            frontends.append(
                FrontendIPConfiguration(
                    name: try item.own(["name"])?.string() ?? "",
                    privateIPAddress: try item.optionalString("privateIPAddress"),
                    privateIPAllocationMethod: try allocation(item.field("privateIPAllocationMethod")),
                    subnetId: try item.reference("subnet"), publicIPAddressId: try item.reference("publicIPAddress"),
                    zones: try item.field("zones")?.strings() ?? []))
        }
        var pools: [BackendAddressPool] = []
        for item in try node.items("backendAddressPools") {
            pools.append(BackendAddressPool(name: try item.own(["name"])?.string() ?? ""))
        }
        var probes: [Probe] = []
        for item in try node.items("probes") {
            probes.append(
                Probe(
                    name: try item.own(["name"])?.string() ?? "", protocol: try item.optionalString("protocol") ?? "Tcp",
                    port: try item.optionalInt("port") ?? 0, requestPath: try item.optionalString("requestPath"),
                    intervalInSeconds: try item.optionalInt("intervalInSeconds"),
                    numberOfProbes: try item.optionalInt("numberOfProbes")))
        }
        var rules: [LoadBalancingRule] = []
        for item in try node.items("loadBalancingRules") {
            var poolID = try item.reference("backendAddressPool")
            if poolID == nil { poolID = try item.references("backendAddressPools").first }
            rules.append(
                LoadBalancingRule(
                    name: try item.own(["name"])?.string() ?? "",
                    frontendIPConfigurationName: try item.reference("frontendIPConfiguration").flatMap(Self.lastName),
                    backendAddressPoolName: poolID.flatMap(Self.lastName),
                    probeName: try item.reference("probe").flatMap(Self.lastName),
                    protocol: try item.optionalString("protocol") ?? "Tcp",
                    frontendPort: try item.optionalInt("frontendPort") ?? 0,
                    backendPort: try item.optionalInt("backendPort") ?? 0,
                    idleTimeoutInMinutes: try item.optionalInt("idleTimeoutInMinutes"),
                    enableFloatingIP: try item.flag("enableFloatingIP"), enableTcpReset: try item.flag("enableTcpReset"),
                    disableOutboundSnat: try item.flag("disableOutboundSnat"),
                    loadDistribution: try item.optionalString("loadDistribution")))
        }
        var natRules: [InboundNatRule] = []
        for item in try node.items("inboundNatRules") {
            let ruleName = try item.own(["name"])?.string() ?? ""
            if item.field("frontendPortRangeStart") != nil {
                findings.append(
                    Finding(
                        severity: .warning, code: "loadBalancer.nat-rule-port-range",
                        message:
                            "inbound NAT rule '\(ruleName)' of load balancer '\(name)' maps a port range to a backend pool; rewire recreates single-port NAT rules only",
                        location: item.location))
            }
            natRules.append(
                InboundNatRule(
                    name: ruleName,
                    frontendIPConfigurationName: try item.reference("frontendIPConfiguration").flatMap(Self.lastName),
                    protocol: try item.optionalString("protocol") ?? "Tcp",
                    frontendPort: try item.optionalInt("frontendPort"), backendPort: try item.optionalInt("backendPort"),
                    idleTimeoutInMinutes: try item.optionalInt("idleTimeoutInMinutes"),
                    enableFloatingIP: try item.flag("enableFloatingIP"), enableTcpReset: try item.flag("enableTcpReset")))
        }
        return LoadBalancer(
            id: id, name: name, resourceGroup: try resourceGroup(), subscriptionId: subscriptionId, location: try location(),
            sku: try sku?.own(["name"])?.string(), skuTier: try sku?.own(["tier"])?.string(),
            frontendIPConfigurations: frontends, backendAddressPools: pools, loadBalancingRules: rules, probes: probes,
            inboundNatRules: natRules, tags: try node.tags())
    }

    static func lastName(_ id: String) -> String? {
        id.split(separator: "/").last.map(String.init)
    }

    // MARK: public IPs and NSGs

    func publicIPAddress() throws(CaptureError) -> PublicIPAddress {
        let sku = node.own(["sku"])
        let dns = node.field("dnsSettings")
        return PublicIPAddress(
            id: id, name: try name(), resourceGroup: try resourceGroup(), subscriptionId: subscriptionId,
            location: try location(), sku: try sku?.own(["name"])?.string(), skuTier: try sku?.own(["tier"])?.string(),
            allocationMethod: try allocation(node.field("publicIPAllocationMethod")) ?? .dynamic,
            ipAddress: try node.optionalString("ipAddress"),
            ipVersion: try version(node.field("publicIPAddressVersion")) ?? .ipv4,
            domainNameLabel: try dns?.own(["domainNameLabel"])?.string(), fqdn: try dns?.own(["fqdn"])?.string(),
            idleTimeoutInMinutes: try node.optionalInt("idleTimeoutInMinutes"),
            zones: try node.field("zones")?.strings() ?? [], tags: try node.tags())
    }

    func networkSecurityGroup() throws(CaptureError) -> NetworkSecurityGroup {
        var rules: [SecurityRule] = []
        for item in try node.items("securityRules") {
            rules.append(
                SecurityRule(
                    name: try item.own(["name"])?.string() ?? "", description: try item.optionalString("description"),
                    direction: try item.optionalString("direction") ?? "Inbound",
                    priority: try item.optionalInt("priority") ?? 0, access: try item.optionalString("access") ?? "Allow",
                    protocol: try item.optionalString("protocol") ?? "*",
                    sourceAddressPrefixes: try item.singularOrPlural("sourceAddressPrefix", "sourceAddressPrefixes"),
                    destinationAddressPrefixes: try item.singularOrPlural("destinationAddressPrefix", "destinationAddressPrefixes"),
                    sourcePortRanges: try item.singularOrPlural("sourcePortRange", "sourcePortRanges"),
                    destinationPortRanges: try item.singularOrPlural("destinationPortRange", "destinationPortRanges")))
        }
        rules.sort { ($0.direction, $0.priority, $0.name) < ($1.direction, $1.priority, $1.name) }
        return NetworkSecurityGroup(
            id: id, name: try name(), resourceGroup: try resourceGroup(), subscriptionId: subscriptionId,
            location: try location(), securityRules: rules, tags: try node.tags())
    }
}

extension ResourceNode {
    /// NSG rules write one prefix (`sourceAddressPrefix`) or several (`sourceAddressPrefixes`).
    func singularOrPlural(_ singular: String, _ plural: String) throws(CaptureError) -> [String] {
        let one = try field(singular)?.strings() ?? []
        let many = try field(plural)?.strings() ?? []
        return (one + many).filter { !$0.isEmpty }
    }

    /// `vhd: {"uri": "..."}`; an empty uri (a managed restore's config blob writes `""`) is none.
    func referenceURI() throws(CaptureError) -> String? {
        guard let uri = own(["uri"]) else { return nil }
        let text = try uri.string()
        return text.isEmpty ? nil : text
    }
}
