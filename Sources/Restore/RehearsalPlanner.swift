public import RewireModel

/// How a rehearsal is named and what it covers.
public struct RehearsalOptions: Sendable, Equatable {
    /// Lowercase letters and digits, 1–16 characters; becomes the `rewire-rehearsal` tag's value.
    public var id: String
    /// Appended to every top-level name; default `-rehearsal-<id>`.
    public var suffix: String
    /// One name for the isolated network, when the rehearsed VMs use exactly one virtual network.
    public var isolatedNetworkName: String?
    /// Rehearse only these VMs (names as in the manifest); empty: every VM.
    public var vmNames: [String]

    public init(id: String, suffix: String? = nil, isolatedNetworkName: String? = nil, vmNames: [String] = []) {
        self.id = id
        self.suffix = suffix ?? "-rehearsal-\(id)"
        self.isolatedNetworkName = isolatedNetworkName
        self.vmNames = vmNames
    }

    /// Nil when the id is usable, else why not.
    public static func problem(id: String) -> String? {
        guard (1...16).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber) }) else {
            return "a rehearsal id is 1 to 16 lowercase letters and digits, got '\(id)'"
        }
        return nil
    }

    /// Nil when the suffix is usable in every Azure name it is appended to, else why not.
    public static func problem(suffix: String) -> String? {
        guard (2...30).contains(suffix.count),
            suffix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
            suffix.last != "-"
        else {
            return
                "a rehearsal suffix is 2 to 30 letters, digits and hyphens, not ending with a hyphen (Azure names of VMs, NICs, load balancers and networks all accept those), got '\(suffix)'"
        }
        return nil
    }
}

/// A rehearsal that cannot be planned: the options or the manifest do not allow it.
public struct RehearsalError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The options cannot work with this manifest (exit 2), rather than the manifest being unusable (65).
    public var isUsage: Bool

    public init(_ message: String, isUsage: Bool = false) {
        self.message = message
        self.isUsage = isUsage
    }

    public var description: String { message }
}

/// Plans a rehearsal: which production resources the rehearsed VMs need, and the isolated copy of
/// each (suffixed name, rehearsal resource group, rewritten references, rehearsal tag).
///
/// Decisions, each with its reason:
/// - **One rehearsal resource group per production resource group** (`<group><suffix>`): names stay
///   unique where they were unique, and cleanup never has to look inside a production group.
/// - **The same address space and subnets as production**, in a new virtual network with no peering
///   and no gateway: static private IPs and load-balancer frontends keep their addresses, so the
///   rehearsal tests what the real restore will do, and nothing can reach production.
/// - **No public IPs at all.** A new public IP would have another address (nothing about the real
///   one is tested), would publish a copy of production's data and credentials to the internet
///   (NAT rules forward RDP and SSH), and a DNS label is unique per region, so it would collide with
///   production's. Public load-balancer frontends become internal frontends in the rehearsal subnet:
///   pools, probes, rules and NAT rules are still created and joined.
/// - **No availability sets, proximity placement groups or application security groups**: those
///   are production resources a copy would have to join (ASGs also only hold NICs of one network).
public struct RehearsalPlanner: Sendable {
    public let manifest: Manifest
    public let options: RehearsalOptions

    public init(manifest: Manifest, options: RehearsalOptions) {
        self.manifest = manifest
        self.options = options
    }

    // Azure name length limits (learn.microsoft.com, "Naming rules and restrictions for Azure
    // resources"). A VM's resource name may have 64 characters; the 15-character limit applies to
    // the Windows host name, which a VM attached to a restored OS disk keeps from the disk.
    static let limits: [RehearsalResource.Kind: Int] = [
        .resourceGroup: 90, .virtualNetwork: 64, .networkSecurityGroup: 80, .loadBalancer: 80, .networkInterface: 80,
        .virtualMachine: 64,
    ]

    public func plan() throws(RehearsalError) -> RehearsalPlan {
        if let problem = RehearsalOptions.problem(id: options.id) { throw RehearsalError(problem, isUsage: true) }
        if let problem = RehearsalOptions.problem(suffix: options.suffix) {
            throw RehearsalError(problem, isUsage: true)
        }
        var state = State(manifest: manifest, options: options)
        try state.run()
        return state.result()
    }
}

extension RehearsalPlanner {
    /// The working state of one plan: what is referenced, what it becomes.
    struct State {
        let manifest: Manifest
        let options: RehearsalOptions
        let index: ManifestIndex
        var findings: [Finding] = []
        var noted = Set<Finding>()
        var vms: [VirtualMachine] = []
        var nics: [NetworkInterface] = []
        var loadBalancers: [LoadBalancer] = []
        var securityGroups: [NetworkSecurityGroup] = []
        var networks: [VirtualNetwork] = []
        var resources: [RehearsalResource] = []
        var sourceVMNames: [String: String] = [:]
        /// Production id key → rehearsal (resource group, name) of top-level resources.
        var renamed: [String: (group: String, name: String)] = [:]
        /// Rehearsal (kind, group, name) keys already used, to refuse names that collide once truncated.
        var used: [String: String] = [:]
        /// Production network id key → the subnet keys the rehearsal needs in it (only for networks not captured).
        var derivedSubnets: [String: [String: (name: String, addresses: [UInt32])]] = [:]

        init(manifest: Manifest, options: RehearsalOptions) {
            self.manifest = manifest
            self.options = options
            self.index = ManifestIndex(manifest)
        }

        mutating func run() throws(RehearsalError) {
            let selected = try selectVMs()
            // Which production resources the rehearsed VMs need.
            var nicIDs: [String] = []
            var lbIDs: [String] = []
            var nsgIDs: [String] = []
            var networkIDs: [String] = []
            var seen = Set<String>()  // the id keys already in one of the lists (ids of different kinds never collide)
            func add(_ id: String?, to list: inout [String]) {
                guard let id, seen.insert(ResourceID.key(id)).inserted else { return }
                list.append(id)
            }
            func addSubnet(_ subnetID: String?) {
                guard let subnetID, let network = ResourceID(subnetID)?.parent else { return }
                add(network.raw, to: &networkIDs)
            }
            for vm in selected {
                for reference in vm.networkInterfaces {
                    guard let nic = index.networkInterface(id: reference.id) else { continue }
                    add(nic.id, to: &nicIDs)
                    if let nsg = nic.networkSecurityGroupId, index.networkSecurityGroup(id: nsg) != nil {
                        add(nsg, to: &nsgIDs)
                    }
                    for configuration in nic.ipConfigurations {
                        addSubnet(configuration.subnetId)
                        for child in configuration.loadBalancerBackendAddressPoolIds
                            + configuration.loadBalancerInboundNatRuleIds
                        {
                            if let lb = ResourceID(child)?.parent, index.loadBalancer(id: lb.raw) != nil {
                                add(lb.raw, to: &lbIDs)
                            }
                        }
                    }
                }
            }
            for id in lbIDs {
                for frontend in index.loadBalancer(id: id)?.frontendIPConfigurations ?? [] {
                    addSubnet(frontend.subnetId)
                }
            }
            for id in networkIDs {
                for subnet in index.virtualNetwork(id: id)?.subnets ?? [] {
                    if let nsg = subnet.networkSecurityGroupId, index.networkSecurityGroup(id: nsg) != nil {
                        add(nsg, to: &nsgIDs)
                    }
                }
            }

            // Names first (references are rewritten through them), resource groups in first-use order.
            if let single = options.isolatedNetworkName, networkIDs.count > 1 {
                throw RehearsalError(
                    "--isolated-vnet names one network, but the rehearsed VMs use \(networkIDs.count) virtual networks (\(networkIDs.compactMap { ResourceID($0)?.name }.joined(separator: ", "))); leave it out to get one isolated copy of each, or rehearse fewer VMs with --vm (given '\(single)')",
                    isUsage: true)
            }
            for id in networkIDs {
                try rename(id, kind: .virtualNetwork, explicit: options.isolatedNetworkName)
            }
            for id in nsgIDs { try rename(id, kind: .networkSecurityGroup) }
            for id in lbIDs { try rename(id, kind: .loadBalancer) }
            for id in nicIDs { try rename(id, kind: .networkInterface) }
            for vm in selected { try rename(vm.id, kind: .virtualMachine) }

            for id in networkIDs { try copyNetwork(id, nics: nicIDs, loadBalancers: lbIDs) }
            for id in nsgIDs { copySecurityGroup(id) }
            for id in lbIDs { copyLoadBalancer(id, nics: nicIDs) }
            for id in nicIDs { copyNIC(id) }
            for vm in selected { copyVM(vm) }
            collisionFindings(selected)
        }

        func result() -> RehearsalPlan {
            var rehearsal = Manifest(
                schemaVersion: manifest.schemaVersion,
                virtualMachines: vms.sorted { ($0.name, $0.id) < ($1.name, $1.id) }, networkInterfaces: nics,
                loadBalancers: loadBalancers, publicIPAddresses: [], networkSecurityGroups: securityGroups,
                virtualNetworks: networks, storageAccounts: [], findings: [])
            // Capture's findings stay with their VM, under its rehearsal name; the rehearsal's own follow.
            let production = Dictionary(sourceVMNames.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            let own = Set(findings)
            for finding in manifest.findings + findings {
                guard let vm = finding.vm else {
                    if own.contains(finding) { rehearsal.findings.append(finding) }
                    continue
                }
                guard let name = production[vm] else { continue }
                var renamedFinding = finding
                renamedFinding.vm = name
                rehearsal.findings.append(renamedFinding)
            }
            return RehearsalPlan(
                id: options.id, suffix: options.suffix, manifest: rehearsal, sourceVMNames: sourceVMNames,
                resources: resources, findings: findings)
        }

        // MARK: - Selection

        mutating func selectVMs() throws(RehearsalError) -> [VirtualMachine] {
            var chosen: [VirtualMachine] = []
            if options.vmNames.isEmpty {
                chosen = manifest.virtualMachines
            } else {
                for name in options.vmNames {
                    guard let vm = manifest.virtualMachines.first(where: { $0.name.lowercased() == name.lowercased() })
                    else {
                        throw RehearsalError(
                            "$.virtualMachines: no VM named '\(name)' (the manifest has \(manifest.virtualMachines.map(\.name).joined(separator: ", ")))"
                        )
                    }
                    if !chosen.contains(where: { $0.id == vm.id }) { chosen.append(vm) }
                }
            }
            var out: [VirtualMachine] = []
            for vm in chosen {
                if vm.classic != nil {
                    findings.append(
                        Finding(
                            severity: .warning, code: "rehearsal.classic-not-rehearsed",
                            message:
                                "VM '\(vm.name)' is a classic (Service Management) VM; rewire rehearses Resource Manager VMs only, so it is left out",
                            vm: vm.name, action: "rehearse it by hand in a separate cloud service and virtual network"))
                    continue
                }
                out.append(vm)
            }
            guard !out.isEmpty else { throw RehearsalError("$.virtualMachines: no Resource Manager VM to rehearse") }
            return out
        }

        // MARK: - Names

        /// `name + suffix`, the name cut so that the whole fits Azure's limit for the kind.
        func suffixed(_ name: String, kind: RehearsalResource.Kind) -> String {
            let limit = RehearsalPlanner.limits[kind] ?? 64
            var base = String(name.prefix(max(1, limit - options.suffix.count)))
            while let last = base.last, last == "-" || last == "." || last == "_", base.count > 1 { base.removeLast() }
            return base + options.suffix
        }

        /// The rehearsal resource group of a production one, recorded (and created) on first use.
        mutating func group(_ production: String, location: String) throws(RehearsalError) -> String {
            let name = suffixed(production, kind: .resourceGroup)
            let key = "resourceGroup/" + name.lowercased()
            if let existing = used[key] {
                guard existing == production.lowercased() else {
                    throw RehearsalError(
                        "resource groups '\(production)' and '\(existing)' both become '\(name)' once the suffix is added; give a shorter --suffix"
                    )
                }
                return name
            }
            used[key] = production.lowercased()
            resources.append(
                RehearsalResource(kind: .resourceGroup, name: name, resourceGroup: "", sourceId: production))
            groupLocations[name.lowercased()] = location
            return name
        }

        var groupLocations: [String: String] = [:]

        mutating func rename(_ id: String, kind: RehearsalResource.Kind, explicit: String? = nil) throws(RehearsalError)
        {
            guard let parsed = ResourceID(id), let productionGroup = parsed.resourceGroup, let name = parsed.name else {
                throw RehearsalError("'\(id)' is not a resource id with a resource group; capture it again")
            }
            let location = location(of: id, kind: kind)
            let group = try group(productionGroup, location: location)
            let newName = explicit ?? suffixed(name, kind: kind)
            let key = "\(kind.rawValue)/\(group.lowercased())/\(newName.lowercased())"
            if let existing = used[key], existing != ResourceID.key(id) {
                throw RehearsalError(
                    "'\(name)' and another \(kind.rawValue) of resource group '\(productionGroup)' both become '\(newName)' once the suffix is added; give a shorter --suffix"
                )
            }
            used[key] = ResourceID.key(id)
            renamed[ResourceID.key(id)] = (group, newName)
            resources.append(RehearsalResource(kind: kind, name: newName, resourceGroup: group, sourceId: id))
        }

        func location(of id: String, kind: RehearsalResource.Kind) -> String {
            switch kind {
            case .virtualNetwork:
                if let network = index.virtualNetwork(id: id) { return network.location }
            case .networkSecurityGroup: if let nsg = index.networkSecurityGroup(id: id) { return nsg.location }
            case .loadBalancer: if let lb = index.loadBalancer(id: id) { return lb.location }
            case .networkInterface: if let nic = index.networkInterface(id: id) { return nic.location }
            case .virtualMachine, .resourceGroup: break
            }
            return manifest.virtualMachines.first { ResourceID.key($0.id) == ResourceID.key(id) }?.location
                ?? manifest.virtualMachines.first?.location ?? ""
        }

        /// A production id (or a child's id) rewritten into the rehearsal: nil when its top-level
        /// resource is not part of the rehearsal.
        func map(_ id: String?) -> String? {
            guard let id, let parsed = ResourceID(id), let subscription = parsed.subscriptionId,
                let namespace = parsed.providerNamespace, let top = parsed.segments.first
            else { return nil }
            var topID =
                "/subscriptions/\(subscription)/resourceGroups/\(parsed.resourceGroup ?? "")/providers/\(namespace)"
            topID += "/\(top.type)/\(top.name)"
            guard let target = renamed[ResourceID.key(topID)] else { return nil }
            var text =
                "/subscriptions/\(subscription)/resourceGroups/\(target.group)/providers/\(namespace)/\(top.type)/\(target.name)"
            for child in parsed.segments.dropFirst() { text += "/\(child.type)/\(child.name)" }
            return text
        }

        func tagged(_ tags: [String: String]) -> [String: String] {
            var out = tags
            out[RehearsalPlan.tagName] = options.id
            return out
        }

        func target(_ id: String) -> (group: String, name: String) {
            renamed[ResourceID.key(id)] ?? ("", "")
        }

        mutating func note(
            _ severity: Severity, _ code: String, _ message: String, vm: String? = nil, setting: String? = nil,
            action: String? = nil
        ) {
            let finding = Finding(
                severity: severity, code: code, message: message, vm: vm, setting: setting, action: action)
            if noted.insert(finding).inserted { findings.append(finding) }
        }

        // MARK: - Copies

        mutating func copyNetwork(_ id: String, nics: [String], loadBalancers: [String]) throws(RehearsalError) {
            let (group, name) = target(id)
            let newID = map(id) ?? id
            if let network = index.virtualNetwork(id: id) {
                var subnets: [Subnet] = []
                for subnet in network.subnets {
                    var copy = subnet
                    copy.id = newID + "/subnets/" + subnet.name
                    copy.networkSecurityGroupId = map(subnet.networkSecurityGroupId)
                    if subnet.networkSecurityGroupId != nil, copy.networkSecurityGroupId == nil {
                        note(
                            .warning, "rehearsal.nsg.not-captured",
                            "subnet '\(subnet.name)' of '\(network.name)' has a network security group that is not in the manifest; the rehearsal subnet has none",
                            setting: "\(network.name)/\(subnet.name).networkSecurityGroup",
                            action: "capture the NSG too, so that the rehearsal filters traffic as production does")
                    }
                    subnets.append(copy)
                }
                if !network.peeredNetworkIds.isEmpty {
                    note(
                        .info, "rehearsal.network.peering-dropped",
                        "virtual network '\(network.name)' is peered with \(network.peeredNetworkIds.count) network(s); its rehearsal copy '\(name)' is not peered with anything",
                        setting: "\(network.name).peerings")
                }
                networks.append(
                    VirtualNetwork(
                        id: newID, name: name, resourceGroup: group, subscriptionId: network.subscriptionId,
                        location: network.location, addressPrefixes: network.addressPrefixes,
                        dnsServers: network.dnsServers,
                        subnets: subnets, peeredNetworkIds: [], tags: tagged(network.tags)))
                return
            }
            // Not captured: derive the address space from the addresses seen in each subnet.
            let networkName = ResourceID(id)?.name ?? id
            var addressesBySubnet: [String: [UInt32]] = [:]
            var subnetNames: [String] = []
            func record(_ subnetID: String?, _ address: String?) {
                guard let subnetID, let parsed = ResourceID(subnetID), parsed.segments.count == 2,
                    ResourceID.key(parsed.parent?.raw ?? "") == ResourceID.key(id)
                else { return }
                let subnet = parsed.segments[1].name
                if !subnetNames.contains(subnet) { subnetNames.append(subnet) }
                if let value = address.flatMap(IPv4.parse) { addressesBySubnet[subnet, default: []].append(value) }
            }
            for nicID in nics {
                for configuration in index.networkInterface(id: nicID)?.ipConfigurations ?? [] {
                    record(configuration.subnetId, configuration.privateIPAddress)
                }
            }
            for lbID in loadBalancers {
                for frontend in index.loadBalancer(id: lbID)?.frontendIPConfigurations ?? [] {
                    record(frontend.subnetId, frontend.privateIPAddress)
                }
            }
            subnetNames.sort()
            for subnet in subnetNames where addressesBySubnet[subnet, default: []].isEmpty {
                throw RehearsalError(
                    "virtual network '\(networkName)' is not in the manifest and no private IP address of subnet '\(subnet)' is known, so its address space cannot be derived; capture the network (az network vnet show) with the VMs"
                )
            }
            let prefixes = IPv4.subnetPrefixes(subnetNames.map { addressesBySubnet[$0] ?? [] })
            let subnets = zip(subnetNames, prefixes).map { subnet, prefix in
                Subnet(id: newID + "/subnets/" + subnet, name: subnet, addressPrefixes: [IPv4.format(prefix)])
            }
            let space = IPv4.networkPrefix(prefixes)
            note(
                .warning, "rehearsal.network.derived",
                "virtual network '\(networkName)' is not in the manifest: its rehearsal copy '\(name)' gets \(IPv4.format(space)) with \(zip(subnetNames, prefixes).map { "\($0) \(IPv4.format($1))" }.joined(separator: ", ")), derived from the captured private addresses, which may differ from production's address space and misses its other subnets and DNS servers",
                setting: "\(networkName).addressSpace",
                action:
                    "capture the virtual network with the VMs (az network vnet show, or capture --live) so that the rehearsal copies it exactly"
            )
            let subscription = ResourceID(id)?.subscriptionId ?? ""
            networks.append(
                VirtualNetwork(
                    id: newID, name: name, resourceGroup: group, subscriptionId: subscription,
                    location: groupLocations[group.lowercased()] ?? "", addressPrefixes: [IPv4.format(space)],
                    subnets: subnets,
                    tags: tagged([:])))
        }

        mutating func copySecurityGroup(_ id: String) {
            guard var nsg = index.networkSecurityGroup(id: id) else { return }
            let (group, name) = target(id)
            nsg.id = map(id) ?? id
            nsg.name = name
            nsg.resourceGroup = group
            nsg.tags = tagged(nsg.tags)
            securityGroups.append(nsg)
        }

        mutating func copyLoadBalancer(_ id: String, nics nicIDs: [String]) {
            guard var lb = index.loadBalancer(id: id) else { return }
            let (group, name) = target(id)
            // A public frontend becomes internal, in the subnet of the first NIC that joins this load balancer.
            var backendSubnet: String?
            search: for nicID in nicIDs {
                for configuration in index.networkInterface(id: nicID)?.ipConfigurations ?? [] {
                    let children =
                        configuration.loadBalancerBackendAddressPoolIds + configuration.loadBalancerInboundNatRuleIds
                    if children.contains(where: {
                        ResourceID($0)?.parent.map { ResourceID.key($0.raw) } == ResourceID.key(id)
                    }),
                        let subnet = configuration.subnetId
                    {
                        backendSubnet = subnet
                        break search
                    }
                }
            }
            for number in lb.frontendIPConfigurations.indices {
                var frontend = lb.frontendIPConfigurations[number]
                if frontend.publicIPAddressId != nil {
                    note(
                        .info, "rehearsal.load-balancer.frontend-internal",
                        "frontend '\(frontend.name)' of load balancer '\(lb.name)' is public in production; in the rehearsal it is internal (a dynamic address in the rehearsal subnet), so its pools, rules and NAT rules are exercised without exposing the copy to the internet",
                        setting: "\(lb.name)/\(frontend.name).publicIPAddress")
                    frontend.publicIPAddressId = nil
                    frontend.subnetId = map(backendSubnet)
                    frontend.privateIPAddress = nil
                    frontend.privateIPAllocationMethod = .dynamic
                    frontend.zones = []
                } else {
                    frontend.subnetId = map(frontend.subnetId)
                }
                lb.frontendIPConfigurations[number] = frontend
            }
            lb.id = map(id) ?? id
            lb.name = name
            lb.resourceGroup = group
            lb.tags = tagged(lb.tags)
            loadBalancers.append(lb)
        }

        mutating func copyNIC(_ id: String) {
            guard var nic = index.networkInterface(id: id) else { return }
            let (group, name) = target(id)
            let vmName = nic.virtualMachineId.flatMap { ResourceID($0)?.name }
            if let nsg = nic.networkSecurityGroupId, map(nsg) == nil {
                note(
                    .warning, "rehearsal.nsg.not-captured",
                    "NIC '\(nic.name)' has network security group '\(ResourceID(nsg)?.name ?? nsg)', which is not in the manifest; its rehearsal copy has none",
                    vm: vmName, setting: "\(nic.name).networkSecurityGroup",
                    action: "capture the NSG too, so that the rehearsal filters traffic as production does")
            }
            nic.networkSecurityGroupId = map(nic.networkSecurityGroupId)
            for number in nic.ipConfigurations.indices {
                var configuration = nic.ipConfigurations[number]
                let setting = "\(nic.name)/\(configuration.name)"
                if configuration.publicIPAddressId != nil {
                    note(
                        .info, "rehearsal.public-ip.dropped",
                        "IP configuration '\(setting)' has public IP '\(configuration.publicIPAddressId.flatMap { ResourceID($0)?.name } ?? "")' in production; the rehearsal gives it none (it would get another address, expose the copy and collide with the production DNS label)",
                        vm: vmName, setting: setting + ".publicIPAddress")
                }
                configuration.publicIPAddressId = nil
                configuration.subnetId = map(configuration.subnetId)
                let pools = configuration.loadBalancerBackendAddressPoolIds
                let rules = configuration.loadBalancerInboundNatRuleIds
                configuration.loadBalancerBackendAddressPoolIds = pools.compactMap { map($0) }
                configuration.loadBalancerInboundNatRuleIds = rules.compactMap { map($0) }
                if configuration.loadBalancerBackendAddressPoolIds.count < pools.count
                    || configuration.loadBalancerInboundNatRuleIds.count < rules.count
                {
                    note(
                        .warning, "rehearsal.load-balancer.not-captured",
                        "IP configuration '\(setting)' joins a load balancer that is not in the manifest; the rehearsal cannot copy it and leaves that membership out (it never joins the production load balancer)",
                        vm: vmName, setting: setting + ".loadBalancerBackendAddressPools",
                        action: "capture the load balancer too")
                }
                if !configuration.applicationSecurityGroupIds.isEmpty {
                    note(
                        .warning, "rehearsal.asg.dropped",
                        "IP configuration '\(setting)' is in \(configuration.applicationSecurityGroupIds.count) application security group(s); a NIC of the isolated network cannot join production's, so the rehearsal leaves them out and NSG rules that name them do not match",
                        vm: vmName, setting: setting + ".applicationSecurityGroups")
                }
                configuration.applicationSecurityGroupIds = []
                nic.ipConfigurations[number] = configuration
            }
            nic.id = map(id) ?? id
            nic.name = name
            nic.resourceGroup = group
            nic.virtualMachineId = map(nic.virtualMachineId)
            nic.tags = tagged(nic.tags)
            nics.append(nic)
        }

        mutating func copyVM(_ vm: VirtualMachine) {
            var copy = vm
            let (group, name) = target(vm.id)
            copy.id = map(vm.id) ?? vm.id
            copy.name = name
            copy.resourceGroup = group
            copy.tags = tagged(vm.tags)
            if vm.availabilitySetId != nil {
                note(
                    .info, "rehearsal.availability-set.dropped",
                    "VM '\(vm.name)' is in availability set '\(vm.availabilitySetId.flatMap { ResourceID($0)?.name } ?? "")'; its rehearsal copy is not (joining would place it beside production)",
                    vm: vm.name, setting: "availabilitySet")
            }
            if vm.proximityPlacementGroupId != nil {
                note(
                    .info, "rehearsal.proximity-placement-group.dropped",
                    "VM '\(vm.name)' is in a proximity placement group; its rehearsal copy is not", vm: vm.name,
                    setting: "proximityPlacementGroup")
            }
            copy.availabilitySetId = nil
            copy.proximityPlacementGroupId = nil
            copy.networkInterfaces = vm.networkInterfaces.map { reference in
                if map(reference.id) == nil {
                    note(
                        .blocker, "rehearsal.nic.not-captured",
                        "VM '\(vm.name)' has NIC '\(ResourceID(reference.id)?.name ?? reference.id)', which is not in the manifest: the rehearsal cannot copy it (the script stops there rather than attach the production NIC)",
                        vm: vm.name, setting: "networkInterfaces", action: "capture the NIC too")
                }
                return NetworkInterfaceReference(
                    id: map(reference.id) ?? Self.missingNIC(reference.id, suffix: options.suffix),
                    primary: reference.primary)
            }
            sourceVMNames[name] = vm.name
            vms.append(copy)
        }

        /// An uncaptured NIC's id under its rehearsal name: the script looks for it in vain and stops.
        static func missingNIC(_ id: String, suffix: String) -> String {
            guard let parsed = ResourceID(id), let subscription = parsed.subscriptionId,
                let group = parsed.resourceGroup,
                let name = parsed.name
            else { return id + suffix }
            return
                "/subscriptions/\(subscription)/resourceGroups/\(group)\(suffix)/providers/Microsoft.Network/networkInterfaces/\(name)\(suffix)"
        }

        // MARK: - Collisions with production

        mutating func collisionFindings(_ selected: [VirtualMachine]) {
            for vm in selected {
                let host = vm.computerName ?? vm.name
                note(
                    .warning, "rehearsal.hostname-collision",
                    "the rehearsal copy of '\(vm.name)' boots with production's host name '\(host)'\(vm.osType == .windows ? " (and, when domain-joined, its machine account)" : ""); on any network that reaches production it collides in DNS and NetBIOS",
                    vm: vm.name, setting: "computerName",
                    action:
                        "keep the rehearsal network isolated (no peering, VPN or public IP) and delete the copy with cleanup.ps1 when done"
                )
                if vm.osType == .windows, vm.domainController == nil {
                    note(
                        .warning, "rehearsal.ad-trust",
                        "if the rehearsal copy of '\(vm.name)' reaches a production domain controller it renews its machine account password, and production '\(vm.name)' loses its trust relationship with the domain",
                        vm: vm.name, setting: "domain",
                        action:
                            "never connect the rehearsal network to production; do not join the copy to the production domain"
                    )
                }
                if let dc = vm.domainController {
                    note(
                        .warning, "rehearsal.domain-controller",
                        "'\(vm.name)' is a domain controller\(dc.domain.map { " of \($0)" } ?? ""): restored in an isolated network it is a forest recovery (seize FSMO roles, raise the RID pool, reset the krbtgt and computer passwords twice) of a copy that must never meet production, or USN rollback and lingering objects follow",
                        vm: vm.name, setting: "domainController",
                        action:
                            "follow the forest recovery steps in the runbook inside the rehearsal only; delete the copy with cleanup.ps1 afterwards"
                    )
                }
            }
            let rehearsedDCs = selected.filter { $0.domainController != nil }
            let productionDCs = manifest.virtualMachines.filter { $0.domainController != nil }
            if rehearsedDCs.isEmpty, !productionDCs.isEmpty, selected.contains(where: { $0.osType == .windows }) {
                note(
                    .warning, "rehearsal.domain-controller.missing",
                    "no domain controller is rehearsed (the manifest has \(productionDCs.map(\.name).joined(separator: ", "))): domain members in the isolated network cannot authenticate",
                    action: "rehearse a domain controller with them (--vm), or test only local sign-in")
            }
            // DNS servers that only production answers.
            let rehearsedAddresses = Set(
                nics.flatMap { $0.ipConfigurations.compactMap(\.privateIPAddress) })
            for network in networks {
                let unreachable = network.dnsServers.filter { !rehearsedAddresses.contains($0) }
                guard !unreachable.isEmpty else { continue }
                note(
                    .warning, "rehearsal.dns",
                    "virtual network '\(network.name)' uses DNS servers \(unreachable.joined(separator: ", ")), which no rehearsed VM holds: in the isolated copy name resolution fails (or answers from a rehearsed VM that took the address)",
                    setting: "\(network.name).dnsServers",
                    action: "rehearse the DNS servers (domain controllers) too, or expect name resolution to fail")
            }
        }
    }
}

/// IPv4 arithmetic for deriving a network's address space from the addresses seen in it.
enum IPv4 {
    struct Prefix: Equatable {
        var network: UInt32
        var length: Int

        func contains(_ address: UInt32) -> Bool { (address & IPv4.mask(length)) == network }

        func overlaps(_ other: Prefix) -> Bool {
            let shorter = min(length, other.length)
            return (network & IPv4.mask(shorter)) == (other.network & IPv4.mask(shorter))
        }
    }

    static func parse(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard let octet = UInt8(part) else { return nil }
            value = value << 8 | UInt32(octet)
        }
        return value
    }

    static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }

    static func format(_ prefix: Prefix) -> String {
        let n = prefix.network
        return "\(n >> 24).\(n >> 16 & 255).\(n >> 8 & 255).\(n & 255)/\(prefix.length)"
    }

    /// How many leading bits the addresses share.
    static func commonBits(_ addresses: [UInt32]) -> Int {
        guard let first = addresses.first else { return 0 }
        var length = 32
        for address in addresses.dropFirst() {
            length = min(length, (first ^ address).leadingZeroBitCount)
        }
        return length
    }

    /// One prefix per subnet: a /24 around its addresses (the common case), lengthened, up to the
    /// /29 Azure allows, until no two subnets overlap.
    static func subnetPrefixes(_ subnets: [[UInt32]]) -> [Prefix] {
        var prefixes = subnets.map { addresses -> Prefix in
            let length = min(24, commonBits(addresses))
            return Prefix(network: addresses[0] & mask(length), length: length)
        }
        var changed = true
        while changed {
            changed = false
            for a in prefixes.indices {
                for b in prefixes.indices where a != b && prefixes[a].overlaps(prefixes[b]) {
                    let limit = min(29, commonBits(subnets[a]))
                    if prefixes[a].length < limit {
                        prefixes[a].length += 1
                        prefixes[a].network = subnets[a][0] & mask(prefixes[a].length)
                        changed = true
                    }
                }
            }
        }
        return prefixes
    }

    /// The network around its subnets: a /16 when they fit one, else the prefix they share.
    static func networkPrefix(_ subnets: [Prefix]) -> Prefix {
        let shared = commonBits(subnets.map(\.network))
        let length = max(8, min(16, shared, subnets.map(\.length).min() ?? 16))
        return Prefix(network: (subnets.first?.network ?? 0) & mask(length), length: length)
    }
}

extension RehearsalPlanner {
    /// The plan once disks are restored: a VM whose disks Azure restored into a resource group is
    /// built in that group (the scripts attach the disks where they are), so its entry says so.
    public static func placing(_ plan: RehearsalPlan, restored report: RestoreReport) -> RehearsalPlan {
        var out = plan
        for (number, resource) in plan.resources.enumerated() where resource.kind == .virtualMachine {
            guard let source = plan.sourceVMNames[resource.name],
                let entry = report.virtualMachines.first(where: { $0.name == source }),
                entry.target.kind == .resourceGroup,
                let group = ResourceID(entry.target.location)?.resourceGroup
            else { continue }
            out.resources[number].resourceGroup = group
        }
        return out
    }
}
