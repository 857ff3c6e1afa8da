import RewireModel

/// The resource kinds capture reads. Everything else in the input is counted and skipped.
enum ResourceKind: String {
    case virtualMachine = "microsoft.compute/virtualmachines"
    case networkInterface = "microsoft.network/networkinterfaces"
    case loadBalancer = "microsoft.network/loadbalancers"
    case publicIPAddress = "microsoft.network/publicipaddresses"
    case networkSecurityGroup = "microsoft.network/networksecuritygroups"
    case virtualNetwork = "microsoft.network/virtualnetworks"
    /// A subnet exported on its own (`az network vnet subnet list`, `GET .../subnets/{name}`).
    case subnet = "microsoft.network/virtualnetworks/subnets"
    case storageAccount = "microsoft.storage/storageaccounts"
    /// An extension exported on its own (`az vm extension list`, `Get-AzVMExtension`).
    case virtualMachineExtension = "microsoft.compute/virtualmachines/extensions"
    /// An Azure Backup protected item (`az backup item list`, `GET {vault}/backupProtectedItems`).
    case protectedItem = "microsoft.recoveryservices/vaults/backupfabrics/protectioncontainers/protecteditems"
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
        let view = try instanceView()
        var computerName = try node.field("osProfile")?.object("osProfile as an object").own(["computerName"])?.string()
        if computerName?.isEmpty ?? true { computerName = view?.computerName }
        return VirtualMachine(
            id: id, name: name, resourceGroup: try resourceGroup(), subscriptionId: subscriptionId, location: try location(),
            size: try sizeNode.string(), osType: try osType(osDiskNode, vmName: name, findings: &findings),
            zone: zones.first, availabilitySetId: try node.reference("availabilitySet", "availabilitySetReference"),
            proximityPlacementGroupId: try node.reference("proximityPlacementGroup"),
            licenseType: try node.optionalString("licenseType"), tags: try node.tags(),
            osDisk: osDisk, dataDisks: dataDisks, networkInterfaces: nics,
            computerName: computerName, image: try imageReference(storage.own(["imageReference"])),
            osName: view?.osName, osVersion: view?.osVersion, agent: view?.agent,
            extensions: try embeddedExtensions(vmName: name))
    }

    /// The VM's `vmId` (a GUID the guest can read from the instance metadata service), when the input has it.
    func virtualMachineGUID() throws(CaptureError) -> String? {
        try node.optionalString("vmId")
    }

    /// `storageProfile.imageReference`; nil when it names no marketplace image (absent, null, or only a
    /// gallery or managed image `id`).
    private func imageReference(_ node: ResourceNode?) throws(CaptureError) -> ImageReference? {
        guard let node else { return nil }
        let reference = try node.object("imageReference as an object")
        func text(_ name: String) throws(CaptureError) -> String? {
            guard let value = try reference.own([name])?.string(), !value.isEmpty else { return nil }
            return value
        }
        let image = ImageReference(
            publisher: try text("publisher"), offer: try text("offer"), sku: try text("sku"), version: try text("version"))
        return image == ImageReference() ? nil : image
    }

    /// What the instance view says about the guest, when the input has one.
    struct InstanceViewFacts {
        var computerName: String?
        var osName: String?
        var osVersion: String?
        var agent: GuestAgent?
    }

    /// `properties.instanceView` (ARM with `$expand=instanceView`) or a top-level `instanceView`
    /// (`az vm get-instance-view`, PowerShell's `InstanceView`).
    func instanceView() throws(CaptureError) -> InstanceViewFacts? {
        guard let found = node.field("instanceView") else { return nil }
        return try Self.instanceViewFacts(try found.object("instanceView as an object"))
    }

    static func instanceViewFacts(_ view: ResourceNode) throws(CaptureError) -> InstanceViewFacts {
        func text(_ node: ResourceNode, _ name: String) throws(CaptureError) -> String? {
            guard let value = try node.own([name])?.string(), !value.isEmpty else { return nil }
            return value
        }
        var agent: GuestAgent?
        if let agentNode = view.own(["vmAgent"]) {
            let vmAgent = try agentNode.object("vmAgent as an object")
            var status: String?
            if let first = try vmAgent.own(["statuses"])?.array().first(where: { !$0.value.isNull }) {
                status = try text(try first.object("an agent status object"), "displayStatus")
            }
            let found = GuestAgent(version: try text(vmAgent, "vmAgentVersion"), status: status)
            agent = found == GuestAgent() ? nil : found
        }
        return InstanceViewFacts(
            computerName: try text(view, "computerName"), osName: try text(view, "osName"),
            osVersion: try text(view, "osVersion"), agent: agent)
    }

    /// Extensions listed with the VM: the `resources` array of ARM and `az vm show`, or PowerShell's
    /// `Extensions`. nil when the input has neither (it did not say), `[]` when the list is empty.
    private func embeddedExtensions(vmName: String) throws(CaptureError) -> [VMExtension]? {
        guard let list = node.own(["resources", "extensions"]) else { return nil }
        var out: [VMExtension] = []
        for item in try list.array() where !item.value.isNull {
            let object = try item.object("an extension object")
            // `resources` may in principle hold other child types; only extensions are read.
            if let type = object.own(["type"])?.value.stringValue, type.contains("/"),
                type.lowercased() != ResourceKind.virtualMachineExtension.rawValue
            {
                continue
            }
            out.append(try Self.extensionIdentity(object, vmName: vmName))
        }
        return Self.sortedExtensions(out)
    }

    static func sortedExtensions(_ list: [VMExtension]) -> [VMExtension] {
        list.sorted { ($0.name.lowercased(), $0.name) < ($1.name.lowercased(), $1.name) }
    }

    /// A standalone extension resource: its VM's id and the extension.
    func virtualMachineExtension() throws(CaptureError) -> (virtualMachineId: String, extension: VMExtension) {
        guard let parent = parsedID?.parent else {
            throw node.shapeError("expected an extension id under its virtual machine (.../virtualMachines/{vm}/extensions/{name})")
        }
        return (parent.raw, try Self.extensionIdentity(node, vmName: parent.name ?? parent.raw))
    }

    /// Name, publisher, type and handler version; settings and protected settings are never read.
    ///
    /// The extension's type has a different name in each shape: `properties.type` (ARM), `typePropertiesType`
    /// (the CLI flattens `properties` and keeps the top-level `type` for the resource type),
    /// `VirtualMachineExtensionType` (PowerShell, extensions of `Get-AzVM`), `ExtensionType` (`Get-AzVMExtension`).
    static func extensionIdentity(_ item: ResourceNode, vmName: String) throws(CaptureError) -> VMExtension {
        var name = try item.own(["name"])?.string()
        if name?.isEmpty ?? true, let id = try item.own(["id"])?.string() { name = ResourceID(id)?.name }
        guard let name, !name.isEmpty else {
            throw item.shapeError("expected a \"name\" on an extension of virtual machine '\(vmName)'")
        }
        guard let publisher = try item.field("publisher")?.string(), !publisher.isEmpty else {
            throw item.shapeError("expected the publisher of extension '\(name)' of virtual machine '\(vmName)'")
        }
        var type: String?
        if let properties = item.own(["properties"]), case .object = properties.value {
            type = try properties.own(["type"])?.string()
        }
        if type == nil {
            type = try item.own(["typePropertiesType", "virtualMachineExtensionType", "extensionType"])?.string()
        }
        if type == nil, let flat = try item.own(["type"])?.string(), !flat.contains("/") { type = flat }
        guard let type, !type.isEmpty else {
            throw item.shapeError(
                "expected the type of extension '\(name)' of virtual machine '\(vmName)' (properties.type, typePropertiesType or ExtensionType)")
        }
        var version = try item.field("typeHandlerVersion")?.string()
        if version?.isEmpty == true { version = nil }
        return VMExtension(name: name, publisher: publisher, type: type, version: version)
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

/// A VM's instance view exported on its own: `Get-AzVM -ResourceGroupName RG -Name VM -Status | ConvertTo-Json`
/// (`PSVirtualMachineInstanceView`) has no `Id`, only `ResourceGroupName` and `Name`, by which it is matched to the
/// VM. The body of ARM's `GET .../instanceView` names no VM at all and is refused with a way out.
struct StandaloneInstanceView: Sendable {
    var vmName: String
    var resourceGroup: String
    var facts: AzureResourceReader.InstanceViewFacts

    /// An object without `id` that carries the instance view's own members.
    static func isDocument(_ node: ResourceNode) -> Bool {
        guard case .object = node.value, node.own(["id"]) == nil else { return false }
        return node.own(["vmAgent"]) != nil || (node.own(["statuses"]) != nil && node.own(["osName", "computerName", "disks"]) != nil)
    }

    static func read(_ node: ResourceNode) throws(CaptureError) -> StandaloneInstanceView {
        let name = try node.own(["name", "vmName"])?.string()
        let group = try node.own(["resourceGroupName", "resourceGroup"])?.string()
        guard let name, !name.isEmpty, let group, !group.isEmpty else {
            throw node.shapeError(
                "expected the VM's Name and ResourceGroupName with an instance view exported on its own (Get-AzVM -Status has both); for ARM, export the VM with $expand=instanceView, or use az vm get-instance-view"
            )
        }
        return StandaloneInstanceView(vmName: name, resourceGroup: group, facts: try AzureResourceReader.instanceViewFacts(node))
    }
}

extension AzureResourceReader.InstanceViewFacts: Sendable {}

// MARK: virtual networks and storage accounts

extension AzureResourceReader {
    func virtualNetwork() throws(CaptureError) -> VirtualNetwork {
        var prefixes: [String] = []
        if let space = node.field("addressSpace") {
            prefixes = try Self.addressPrefixes(try space.object("addressSpace as an object").own(["addressPrefixes"]))
        }
        var dnsServers: [String] = []
        if let options = node.field("dhcpOptions") {
            dnsServers = try options.object("dhcpOptions as an object").own(["dnsServers"])?.strings() ?? []
        }
        var subnets: [Subnet] = []
        for item in try node.items("subnets") where !item.value.isNull {
            subnets.append(try Self.subnet(item, networkID: id))
        }
        var peered: [String: String] = [:]
        for item in try node.items("virtualNetworkPeerings") where !item.value.isNull {
            if let remote = try item.object("a peering object").reference("remoteVirtualNetwork") {
                peered[ResourceID.key(remote)] = peered[ResourceID.key(remote)] ?? remote
            }
        }
        return VirtualNetwork(
            id: id, name: try name(), resourceGroup: try resourceGroup(), subscriptionId: subscriptionId,
            location: try location(), addressPrefixes: prefixes, dnsServers: dnsServers, subnets: Self.sortedSubnets(subnets),
            peeredNetworkIds: peered.keys.sorted().compactMap { peered[$0] }, tags: try node.tags())
    }

    static func sortedSubnets(_ subnets: [Subnet]) -> [Subnet] {
        subnets.sorted { ($0.name.lowercased(), $0.name, ResourceID.key($0.id)) < ($1.name.lowercased(), $1.name, ResourceID.key($1.id)) }
    }

    /// A subnet exported on its own, with the id of the network that holds it.
    func standaloneSubnet() throws(CaptureError) -> (networkId: String, subnet: Subnet) {
        guard let parent = parsedID?.parent else {
            throw node.shapeError("expected a subnet id under its network (.../virtualNetworks/{vnet}/subnets/{name})")
        }
        return (parent.raw, try Self.subnet(node, networkID: parent.raw))
    }

    /// A subnet as a network lists it or as it is exported alone. `addressPrefix` is one string in ARM and
    /// the CLI but a list in PowerShell's `PSSubnet`; `addressPrefixes` is the multi-prefix form.
    static func subnet(_ item: ResourceNode, networkID: String?) throws(CaptureError) -> Subnet {
        let subnet = try item.object("a subnet object")
        var id = try subnet.own(["id"])?.string()
        var name = try subnet.own(["name"])?.string()
        if name?.isEmpty ?? true { name = id.flatMap { ResourceID($0)?.name } }
        guard let name, !name.isEmpty else { throw subnet.shapeError("expected a subnet with a \"name\" or an \"id\"") }
        if id?.isEmpty ?? true {
            guard let networkID else { throw subnet.shapeError("expected an \"id\" on subnet '\(name)'") }
            id = networkID + "/subnets/" + name
        }
        var prefixes = try addressPrefixes(subnet.field("addressPrefix"))
        for prefix in try addressPrefixes(subnet.field("addressPrefixes")) where !prefixes.contains(prefix) {
            prefixes.append(prefix)
        }
        return Subnet(
            id: id ?? "", name: name, addressPrefixes: prefixes,
            networkSecurityGroupId: try subnet.reference("networkSecurityGroup"))
    }

    /// CIDR prefixes, one string or a list. A value without a `/` is refused: it is what PowerShell writes
    /// for a list it cut off (`System.Collections.Generic.List\`1[System.String]`).
    static func addressPrefixes(_ node: ResourceNode?) throws(CaptureError) -> [String] {
        guard let node else { return [] }
        var out: [String] = []
        for prefix in try node.strings() where !prefix.isEmpty {
            guard prefix.contains("/") else {
                throw node.shapeError(
                    "expected an address prefix like 10.0.0.0/24, found '\(prefix)' (if this came from ConvertTo-Json, export again with -Depth 20)"
                )
            }
            if !out.contains(prefix) { out.append(prefix) }
        }
        return out
    }

    /// A storage account. Network rules are `properties.networkAcls` in ARM and `networkRuleSet` in the CLI
    /// and PowerShell; PowerShell writes its enums as numbers.
    func storageAccount(findings: inout [Finding]) throws(CaptureError) -> StorageAccount {
        let name = try name()
        var sku: String?
        if let skuNode = node.own(["sku"]) {
            if case .string(let text) = skuNode.value {
                sku = text
            } else {
                sku = try skuNode.object("sku as an object").own(["name"])?.string()
            }
        }
        var action: String?
        var bypass: [String] = []
        if let acls = node.field("networkAcls", "networkRuleSet") {
            let rules = try acls.object("network rules as an object")
            if let actionNode = rules.own(["defaultAction"]) {
                switch actionNode.value {
                case .number(let number):
                    // Az.Storage changed the numbering of PSNetWorkRuleDefaultActionEnum (Deny = 0 in early
                    // versions, Allow = 0 later): a number cannot be read safely.
                    findings.append(
                        Finding(
                            severity: .warning, code: "storage.default-action-unreadable",
                            message:
                                "storage account '\(name)' writes its network default action as the number \(number) (PowerShell enum); rewire cannot tell Allow from Deny",
                            setting: "networkRuleSet.defaultAction",
                            action: "Export the account with ConvertTo-Json -EnumsAsStrings, az storage account list, or the ARM REST API.",
                            location: actionNode.location))
                default:
                    let text = try actionNode.string()
                    action = ["Allow", "Deny"].first { $0.lowercased() == text.lowercased() } ?? text
                }
            }
            if let bypassNode = rules.own(["bypass"]) { bypass = try Self.bypass(bypassNode) }
        }
        return StorageAccount(
            id: id, name: name, resourceGroup: try resourceGroup(), subscriptionId: subscriptionId, location: try location(),
            sku: sku, networkDefaultAction: action, networkBypass: bypass)
    }

    /// `AzureServices, Logging` (ARM, CLI), a list, or PowerShell's flags number
    /// (`PSNetWorkRuleBypassEnum`: None 0, Logging 1, Metrics 2, AzureServices 4).
    static func bypass(_ node: ResourceNode) throws(CaptureError) -> [String] {
        if case .number = node.value {
            let flags = try node.int()
            guard flags >= 0, flags <= 7 else { throw node.shapeError("expected bypass flags between 0 and 7, found \(flags)") }
            if flags == 0 { return ["None"] }
            return [(1, "Logging"), (2, "Metrics"), (4, "AzureServices")].filter { flags & $0.0 != 0 }.map(\.1)
        }
        return try node.strings().flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var text = self
        while text.first == set { text.removeFirst() }
        while text.last == set { text.removeLast() }
        return String(text)
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
