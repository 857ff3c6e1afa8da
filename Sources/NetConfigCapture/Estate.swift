import RewireModel

/// The resources read so far, keyed by case-insensitive ARM id, and the join that turns them into
/// a manifest: VM → NICs → IP configurations → pools / NAT rules / public IPs → load balancers and
/// NSGs. A reference to something not in the input is kept by id and reported as a finding.
struct Estate: Sendable {
    struct Entry<Value: Sendable>: Sendable {
        var value: Value
        var location: SourceLocation
    }

    var vms: [String: Entry<VirtualMachine>] = [:]
    var nics: [String: Entry<NetworkInterface>] = [:]
    var loadBalancers: [String: Entry<LoadBalancer>] = [:]
    var publicIPs: [String: Entry<PublicIPAddress>] = [:]
    var securityGroups: [String: Entry<NetworkSecurityGroup>] = [:]
    var networks: [String: Entry<VirtualNetwork>] = [:]
    /// Subnets exported on their own, by the key of their network's id; merged into the network at the end.
    var looseSubnets: [String: (networkId: String, subnets: [String: Entry<Subnet>])] = [:]
    var storageAccounts: [String: Entry<StorageAccount>] = [:]
    /// Extensions exported on their own, by the key of their VM's id.
    var looseExtensions: [String: [String: Entry<VMExtension>]] = [:]
    var protectedItems: [String: Entry<ProtectedItem>] = [:]
    var guestFacts: [Entry<GuestFactsDocument>] = []
    /// Instance views exported without their VM (`Get-AzVM -Status`), matched to the VM by name and group.
    var instanceViews: [Entry<StandaloneInstanceView>] = []
    /// VM `vmId` GUIDs (lower-cased) to the key of the VM's ARM id, for guest facts that name their VM that way.
    var vmGUIDs: [String: String] = [:]
    var findings: [Finding] = []
    /// Resources of types capture does not use, counted per file and type for one info finding each.
    var skipped: [SkipKey: Int] = [:]

    struct SkipKey: Hashable, Sendable {
        var file: String
        var type: String
    }

    /// The documents read without an ARM `id`: guest facts and a VM's instance view on its own.
    static func isDocumentWithoutID(_ node: ResourceNode) -> Bool {
        GuestFactsReader.isDocument(node) || StandaloneInstanceView.isDocument(node)
    }

    mutating func add(_ node: ResourceNode) throws(CaptureError) {
        if GuestFactsReader.isDocument(node) {
            guestFacts.append(Entry(value: try GuestFactsReader.read(node, findings: &findings), location: node.location))
            return
        }
        if node.own(["id"]) == nil, StandaloneInstanceView.isDocument(node) {
            instanceViews.append(Entry(value: try StandaloneInstanceView.read(node), location: node.location))
            return
        }
        let reader = try AzureResourceReader(node)
        let key = reader.id
        switch reader.kind {
        case .virtualMachine:
            Self.insert(try reader.virtualMachine(findings: &findings), key, node, &vms, &findings)
            if let guid = try reader.virtualMachineGUID(), vmGUIDs[guid.lowercased()] == nil {
                vmGUIDs[guid.lowercased()] = ResourceID.key(key)
            }
        case .networkInterface: Self.insert(try reader.networkInterface(), key, node, &nics, &findings)
        case .loadBalancer: Self.insert(try reader.loadBalancer(findings: &findings), key, node, &loadBalancers, &findings)
        case .publicIPAddress: Self.insert(try reader.publicIPAddress(), key, node, &publicIPs, &findings)
        case .networkSecurityGroup: Self.insert(try reader.networkSecurityGroup(), key, node, &securityGroups, &findings)
        case .virtualNetwork: Self.insert(try reader.virtualNetwork(), key, node, &networks, &findings)
        case .subnet:
            let (networkId, subnet) = try reader.standaloneSubnet()
            let networkKey = ResourceID.key(networkId)
            var group = looseSubnets[networkKey]?.subnets ?? [:]
            Self.insert(subnet, subnet.id, node, &group, &findings)
            looseSubnets[networkKey] = (looseSubnets[networkKey]?.networkId ?? networkId, group)
        case .storageAccount: Self.insert(try reader.storageAccount(findings: &findings), key, node, &storageAccounts, &findings)
        case .virtualMachineExtension:
            let (vmId, vmExtension) = try reader.virtualMachineExtension()
            Self.insert(vmExtension, key, node, &looseExtensions[ResourceID.key(vmId), default: [:]], &findings)
        case .protectedItem:
            if let item = try reader.protectedItem() {
                Self.insert(item, key, node, &protectedItems, &findings)
            } else {
                skipped[SkipKey(file: node.file, type: (reader.typeKey ?? "unknown") + " (not a virtual machine)"), default: 0] += 1
            }
        case nil: skipped[SkipKey(file: node.file, type: reader.typeKey ?? "unknown"), default: 0] += 1
        }
    }

    /// The first copy of a resource wins; a different second copy is reported, an identical one is not.
    private static func insert<Value: Equatable & Sendable>(
        _ value: Value, _ id: String, _ node: ResourceNode, _ table: inout [String: Entry<Value>],
        _ findings: inout [Finding]
    ) {
        let key = ResourceID.key(id)
        if let existing = table[key] {
            if existing.value != value {
                findings.append(
                    Finding(
                        severity: .warning, code: "input.duplicate-resource",
                        message: "the input has two different copies of \(id); kept the one from \(existing.location)",
                        location: node.location))
            }
            return
        }
        table[key] = Entry(value: value, location: node.location)
    }

    /// Consuming: the VMs are moved into the manifest, not copied.
    consuming func manifest(vmNames: [String]) throws(CaptureError) -> Manifest {
        var findings = self.findings
        // Sort the small (name, key) pairs, not the large entries.
        // Through indices: iterating the table would copy each entry.
        var selectedKeys = vms.indices.map { (name: vms.values[$0].value.name, key: vms.keys[$0]) }
            .sorted { ($0.name, $0.key) < ($1.name, $1.key) }.map(\.key)
        if !vmNames.isEmpty {
            let selectedVMs = selectedKeys.compactMap { vms[$0] }
            var chosen: [Entry<VirtualMachine>] = []
            for name in vmNames {
                let matches = selectedVMs.filter { $0.value.name.lowercased() == name.lowercased() }
                guard !matches.isEmpty else {
                    throw CaptureError(.empty, SourceLocation(file: "--vm \(name)"), "no virtual machine named '\(name)' in the input")
                }
                chosen += matches.filter { match in !chosen.contains { ResourceID.key($0.value.id) == ResourceID.key(match.value.id) } }
            }
            let wanted = Set(chosen.map { ResourceID.key($0.value.id) })
            selectedKeys = selectedKeys.filter { key in vms[key].map { wanted.contains(ResourceID.key($0.value.id)) } ?? false }
        }

        var nicOrder: [String] = []
        var ordered = Set<String>()
        var owners: [String: String] = [:]  // NIC key -> VM name
        var machines: [VirtualMachine] = []
        let backups = backupByVM(&findings)
        let facts = guestFactsByVM(&findings)
        let views = instanceViewsByVM(&findings)
        machines.reserveCapacity(selectedKeys.count)
        for key in selectedKeys {
            // Moved out of the table: nothing below looks a VM up in it again.
            guard let entry = vms.removeValue(forKey: key) else { continue }
            var vm = entry.value
            let location = entry.location
            let vmKey = ResourceID.key(vm.id)
            if let view = views[vmKey] {
                // The VM's own instance view, when it has one, wins.
                if vm.computerName == nil { vm.computerName = view.computerName }
                if vm.osName == nil && vm.osVersion == nil && vm.agent == nil {
                    vm.osName = view.osName
                    vm.osVersion = view.osVersion
                    vm.agent = view.agent
                }
            }
            if let loose = looseExtensions[vmKey] {
                vm.extensions = mergedExtensions(vm, loose, &findings)
            }
            vm.backup = backups[vmKey]
            vm.guest = facts[vmKey]
            resolvePrimaryNIC(&vm, location, &findings)
            for reference in vm.networkInterfaces {
                let key = ResourceID.key(reference.id)
                if let nic = nics[key] {
                    if ordered.insert(key).inserted { nicOrder.append(key) }
                    if owners[key] == nil { owners[key] = vm.name }
                    if let owner = nic.value.virtualMachineId, ResourceID.key(owner) != ResourceID.key(vm.id) {
                        findings.append(
                            Finding(
                                severity: .warning, code: "nic.attached-elsewhere",
                                message: "NIC '\(nic.value.name)' is listed by VM '\(vm.name)' but says it belongs to \(owner)",
                                vm: vm.name, location: nic.location))
                    }
                } else {
                    findings.append(
                        Finding(
                            severity: .warning, code: "reference.missing.networkInterface",
                            message:
                                "VM '\(vm.name)' uses NIC \(reference.id), which is not in the input; its IP configurations, load-balancer membership and static IPs cannot be restored from this manifest",
                            vm: vm.name, location: location))
                }
            }
            machines.append(vm)
        }
        if vmNames.isEmpty {
            nicOrder += nics.keys.filter { !ordered.contains($0) }.sorted()
        }

        let subnetIndex = subnetLocations()
        var wantedNetworks = Set<String>()
        var interfaces: [NetworkInterface] = []
        var wantedLBs = Set<String>()
        var wantedPIPs = Set<String>()
        var wantedNSGs = Set<String>()
        for key in nicOrder {
            guard let entry = nics[key] else { continue }
            var nic = entry.value
            let vmName = owners[key]
            resolvePrimaryIPConfiguration(&nic, entry.location, vmName, &findings)
            for (index, configuration) in nic.ipConfigurations.enumerated() {
                let place = SourceLocation(file: entry.location.file, path: (entry.location.path ?? "$") + ".properties.ipConfigurations[\(index)]")
                for poolID in configuration.loadBalancerBackendAddressPoolIds {
                    check(child: poolID, kind: "backend pool", nic: nic, vm: vmName, place, &wantedLBs, &findings) { $0.backendAddressPools.map(\.name) }
                }
                for ruleID in configuration.loadBalancerInboundNatRuleIds {
                    check(child: ruleID, kind: "inbound NAT rule", nic: nic, vm: vmName, place, &wantedLBs, &findings) { $0.inboundNatRules.map(\.name) }
                }
                if let pip = configuration.publicIPAddressId, !Self.want(pip, in: publicIPs, &wantedPIPs) {
                    findings.append(
                        Finding(
                            severity: .warning, code: "reference.missing.publicIPAddress",
                            message:
                                "NIC '\(nic.name)' (\(configuration.name)) uses public IP \(pip), which is not in the input; the script reattaches it only if it still exists",
                            vm: vmName, location: place))
                }
                if let subnet = configuration.subnetId, !want(subnet: subnet, subnetIndex, &wantedNetworks) {
                    findings.append(
                        Finding(
                            severity: .warning, code: "reference.missing.subnet",
                            message:
                                "NIC '\(nic.name)' (\(configuration.name)) is in subnet \(subnet), which is not among the virtual networks in the input; its address range and DNS servers are unknown",
                            vm: vmName, setting: "\(nic.name)/\(configuration.name).subnet",
                            action: "Add the virtual network's export to the input.", location: place))
                }
            }
            if let nsg = nic.networkSecurityGroupId, !Self.want(nsg, in: securityGroups, &wantedNSGs) {
                findings.append(
                    Finding(
                        severity: .info, code: "reference.missing.networkSecurityGroup",
                        message: "NIC '\(nic.name)' uses NSG \(nsg), which is not in the input; the script reattaches it only if it still exists",
                        vm: vmName, location: entry.location))
            }
            interfaces.append(nic)
        }

        if vmNames.isEmpty {
            wantedLBs.formUnion(loadBalancers.keys)
            wantedPIPs.formUnion(publicIPs.keys)
            wantedNSGs.formUnion(securityGroups.keys)
        }
        let balancers = wantedLBs.sorted().compactMap { loadBalancers[$0]?.value }
        for balancer in balancers {
            for frontend in balancer.frontendIPConfigurations {
                if let subnet = frontend.subnetId { _ = want(subnet: subnet, subnetIndex, &wantedNetworks) }
                if let pip = frontend.publicIPAddressId, !Self.want(pip, in: publicIPs, &wantedPIPs) {
                    findings.append(
                        Finding(
                            severity: .warning, code: "reference.missing.publicIPAddress",
                            message:
                                "load balancer '\(balancer.name)' frontend '\(frontend.name)' uses public IP \(pip), which is not in the input; recreating the load balancer needs it",
                            location: loadBalancers[ResourceID.key(balancer.id)]?.location))
                }
            }
        }
        let virtualNetworks = assembleNetworks(wanted: vmNames.isEmpty ? nil : wantedNetworks, &findings)
        for (key, count) in skipped {
            findings.append(
                Finding(
                    severity: .info, code: "input.resource-type-ignored",
                    message: "ignored \(count) resource\(count == 1 ? "" : "s") of type \(key.type)",
                    location: SourceLocation(file: key.file)))
        }
        if machines.isEmpty {
            findings.append(Finding(severity: .warning, code: "input.no-virtual-machines", message: "the input holds no virtual machines"))
        }
        return Manifest(
            virtualMachines: machines, networkInterfaces: interfaces, loadBalancers: balancers,
            publicIPAddresses: wantedPIPs.sorted().compactMap { publicIPs[$0]?.value },
            networkSecurityGroups: wantedNSGs.sorted().compactMap { securityGroups[$0]?.value },
            virtualNetworks: virtualNetworks,
            storageAccounts: storageAccounts.keys.sorted().compactMap { storageAccounts[$0]?.value },
            findings: Self.ordered(findings))
    }

    // MARK: networks

    /// Every subnet the input knows (inside a network or on its own): subnet key -> network key.
    private func subnetLocations() -> [String: String] {
        var index: [String: String] = [:]
        for (networkKey, entry) in networks {
            for subnet in entry.value.subnets { index[ResourceID.key(subnet.id)] = networkKey }
        }
        for (networkKey, loose) in looseSubnets {
            for subnetKey in loose.subnets.keys where index[subnetKey] == nil { index[subnetKey] = networkKey }
        }
        return index
    }

    /// Marks the network holding `subnet` wanted. False when the input has networks or subnets but not this
    /// one; true (nothing to report) when it has none at all: then networks were simply not exported.
    private func want(subnet: String, _ index: [String: String], _ wanted: inout Set<String>) -> Bool {
        if let network = index[ResourceID.key(subnet)] {
            wanted.insert(network)
            return true
        }
        return networks.isEmpty && looseSubnets.isEmpty
    }

    /// The networks, with subnets exported on their own merged in (a subnet the network already lists keeps the
    /// network's copy). A subnet whose network is not in the input makes a network entry of what its id tells.
    /// `wanted` (with `--vm`) limits the result to the networks the chosen VMs' NICs and load balancers use.
    private func assembleNetworks(wanted: Set<String>?, _ findings: inout [Finding]) -> [VirtualNetwork] {
        var merged = networks.mapValues(\.value)
        for (networkKey, loose) in looseSubnets {
            let looseSubnets = loose.subnets.keys.sorted().compactMap { loose.subnets[$0]?.value }
            if var network = merged[networkKey] {
                let known = Set(network.subnets.map { ResourceID.key($0.id) })
                network.subnets = AzureResourceReader.sortedSubnets(
                    network.subnets + looseSubnets.filter { !known.contains(ResourceID.key($0.id)) })
                merged[networkKey] = network
            } else {
                guard wanted?.contains(networkKey) ?? true, let parsed = ResourceID(loose.networkId) else { continue }
                merged[networkKey] = VirtualNetwork(
                    id: loose.networkId, name: parsed.name ?? loose.networkId, resourceGroup: parsed.resourceGroup ?? "",
                    subscriptionId: parsed.subscriptionId ?? "", location: "", subnets: AzureResourceReader.sortedSubnets(looseSubnets))
                findings.append(
                    Finding(
                        severity: .info, code: "virtualNetwork.known-from-subnets",
                        message:
                            "virtual network '\(parsed.name ?? loose.networkId)' is not in the input, only \(looseSubnets.count) of its subnet(s); its address space, DNS servers and peerings are unknown",
                        action: "Add the virtual network's export to the input.",
                        location: loose.subnets.values.map(\.location).min { ($0.file, $0.path ?? "") < ($1.file, $1.path ?? "") }))
            }
        }
        let keys = merged.keys.filter { wanted?.contains($0) ?? true }.sorted()
        return keys.compactMap { merged[$0] }
    }

    // MARK: extensions, backup and guest facts

    /// The VM's own extension list joined with extensions exported on their own; by name, the VM's copy wins.
    private func mergedExtensions(
        _ vm: VirtualMachine, _ loose: [String: Entry<VMExtension>], _ findings: inout [Finding]
    ) -> [VMExtension] {
        var list = vm.extensions ?? []
        for key in loose.keys.sorted() {
            guard let entry = loose[key] else { continue }
            if let existing = list.first(where: { $0.name.lowercased() == entry.value.name.lowercased() }) {
                if existing != entry.value {
                    findings.append(
                        Finding(
                            severity: .warning, code: "input.duplicate-resource",
                            message:
                                "the input describes extension '\(entry.value.name)' of VM '\(vm.name)' twice, differently; kept the one listed with the VM",
                            vm: vm.name, location: entry.location))
                }
                continue
            }
            list.append(entry.value)
        }
        return AzureResourceReader.sortedExtensions(list)
    }

    /// Protected items by the key of the VM they protect. Items for VMs the input does not hold are reported
    /// (a vault usually protects more than was exported); when a VM has several items, an active one wins.
    private func backupByVM(_ findings: inout [Finding]) -> [String: BackupProtection] {
        var byVM: [String: [Entry<ProtectedItem>]] = [:]
        for key in protectedItems.keys.sorted() {
            guard let entry = protectedItems[key] else { continue }
            let vmKey = ResourceID.key(entry.value.virtualMachineId)
            guard vms[vmKey] != nil else {
                findings.append(
                    Finding(
                        severity: .info, code: "backup.vm-not-in-input",
                        message:
                            "vault '\(ResourceID(entry.value.protection.vaultId)?.name ?? entry.value.protection.vaultId)' protects \(entry.value.virtualMachineId), which is not among the virtual machines in the input",
                        location: entry.location))
                continue
            }
            byVM[vmKey, default: []].append(entry)
        }
        func rank(_ state: String?) -> Int {
            switch state?.lowercased() {
            case "protected": 0
            case "irpending", "protectionerror": 1
            case "protectionpaused", "backupssuspended": 2
            case "protectionstopped": 3
            default: 4
            }
        }
        var out: [String: BackupProtection] = [:]
        for (vmKey, items) in byVM {
            let best = items.min { rank($0.value.protection.protectionState) < rank($1.value.protection.protectionState) }
            guard let best else { continue }
            out[vmKey] = best.value.protection
            if items.count > 1, let vm = vms[vmKey]?.value {
                findings.append(
                    Finding(
                        severity: .warning, code: "backup.several-protected-items",
                        message:
                            "VM '\(vm.name)' has \(items.count) protected items (\(items.map { "\(ResourceID($0.value.protection.vaultId)?.name ?? "?"): \($0.value.protection.protectionState ?? "unknown")" }.joined(separator: ", "))); using the one in vault '\(ResourceID(best.value.protection.vaultId)?.name ?? best.value.protection.vaultId)'",
                        vm: vm.name, setting: "backup",
                        action: "Stop protection and delete the stale item, or restore from the vault named here.",
                        location: best.location))
            }
        }
        return out
    }

    /// Standalone instance views by the key of their VM (name and resource group, ignoring case).
    private func instanceViewsByVM(_ findings: inout [Finding]) -> [String: AzureResourceReader.InstanceViewFacts] {
        var out: [String: AzureResourceReader.InstanceViewFacts] = [:]
        for entry in instanceViews {
            let view = entry.value
            let matches = vms.filter { _, vm in
                vm.value.name.lowercased() == view.vmName.lowercased()
                    && vm.value.resourceGroup.lowercased() == view.resourceGroup.lowercased()
            }.keys.sorted()
            guard let key = matches.first else {
                findings.append(
                    Finding(
                        severity: .warning, code: "instanceView.vm-not-in-input",
                        message:
                            "the instance view of VM '\(view.vmName)' in resource group '\(view.resourceGroup)' matches no virtual machine in the input; it is not used",
                        vm: view.vmName, action: "Add the VM's export (Get-AzVM without -Status) to the input.",
                        location: entry.location))
                continue
            }
            if out[key] == nil { out[key] = view.facts }
        }
        return out
    }

    /// Guest-facts documents by the key of their VM. A document whose VM is not in the input, or whose name
    /// fits several VMs, is reported and not attached; a second document for the same VM is reported too.
    private func guestFactsByVM(_ findings: inout [Finding]) -> [String: GuestFacts] {
        var out: [String: (facts: GuestFacts, location: SourceLocation)] = [:]
        for entry in guestFacts {
            let document = entry.value
            var candidates: [String] = []
            if let vmId = document.vmId {
                if let key = vmGUIDs[vmId.lowercased()] {
                    candidates = [key]
                } else if vms[ResourceID.key(vmId)] != nil {
                    candidates = [ResourceID.key(vmId)]
                }
            } else if let name = document.vmName?.lowercased() {
                candidates = vms.filter { _, vm in
                    vm.value.name.lowercased() == name
                        && (document.resourceGroup.map { $0.lowercased() == vm.value.resourceGroup.lowercased() } ?? true)
                }.keys.sorted()
            }
            guard candidates.count == 1, let key = candidates.first else {
                findings.append(
                    Finding(
                        severity: .warning, code: candidates.isEmpty ? "guestFacts.vm-not-in-input" : "guestFacts.vm-ambiguous",
                        message: candidates.isEmpty
                            ? "the guest-facts document for \(document.subject) matches no virtual machine in the input; its facts are not used"
                            : "the guest-facts document for \(document.subject) matches \(candidates.count) virtual machines; its facts are not used",
                        vm: document.vmName,
                        action: candidates.isEmpty
                            ? "Add the VM's export to the input, or correct \"vm\" / \"vmId\" in the document."
                            : "Add \"resourceGroup\" or \"vmId\" to the document.",
                        location: entry.location))
                continue
            }
            if let first = out[key] {
                findings.append(
                    Finding(
                        severity: .warning, code: "guestFacts.duplicate",
                        message: "two guest-facts documents describe VM '\(vms[key]?.value.name ?? key)'; kept the one from \(first.location)",
                        vm: vms[key]?.value.name, location: entry.location))
                continue
            }
            out[key] = (document.facts, entry.location)
        }
        return out.mapValues(\.facts)
    }

    /// Marks a referenced resource as wanted in the manifest; false when the input does not have it.
    private static func want<Value>(_ id: String, in table: [String: Entry<Value>], _ wanted: inout Set<String>) -> Bool {
        let key = ResourceID.key(id)
        guard table[key] != nil else { return false }
        wanted.insert(key)
        return true
    }

    /// A backend pool or NAT rule reference: its load balancer must be in the input and hold a
    /// child of that name.
    private func check(
        child id: String, kind: String, nic: NetworkInterface, vm: String?, _ place: SourceLocation,
        _ wanted: inout Set<String>, _ findings: inout [Finding], names: (LoadBalancer) -> [String]
    ) {
        guard let parsed = ResourceID(id), let parent = parsed.parent, let childName = parsed.name else {
            findings.append(
                Finding(
                    severity: .warning, code: "reference.malformed",
                    message: "NIC '\(nic.name)' has a \(kind) reference that is not an ARM id: \(id)", vm: vm, location: place))
            return
        }
        let lbKey = ResourceID.key(parent.raw)
        guard let balancer = loadBalancers[lbKey] else {
            findings.append(
                Finding(
                    severity: .warning, code: "reference.missing.loadBalancer",
                    message:
                        "NIC '\(nic.name)' references \(kind) '\(childName)' of load balancer '\(parent.name ?? parent.raw)', which is not in the input; the script joins it only if the load balancer still exists",
                    vm: vm, location: place))
            return
        }
        wanted.insert(lbKey)
        if !names(balancer.value).contains(where: { $0.lowercased() == childName.lowercased() }) {
            findings.append(
                Finding(
                    severity: .warning, code: kind == "backend pool" ? "reference.missing.backendAddressPool" : "reference.missing.inboundNatRule",
                    message: "NIC '\(nic.name)' references \(kind) '\(childName)', which load balancer '\(balancer.value.name)' does not have",
                    vm: vm, location: place))
        }
    }

    /// Exactly one NIC of a VM is primary. ARM marks it only when there are several; a single NIC
    /// is primary by definition.
    private func resolvePrimaryNIC(_ vm: inout VirtualMachine, _ location: SourceLocation, _ findings: inout [Finding]) {
        let primaries = vm.networkInterfaces.indices.filter { vm.networkInterfaces[$0].primary }
        guard primaries.count != 1, !vm.networkInterfaces.isEmpty else { return }
        if vm.networkInterfaces.count > 1 {
            findings.append(
                Finding(
                    severity: .warning, code: primaries.isEmpty ? "vm.primary-nic.unmarked" : "vm.primary-nic.ambiguous",
                    message:
                        "VM '\(vm.name)' has \(vm.networkInterfaces.count) NICs and \(primaries.count) marked primary; using '\(AzureResourceReader.lastName(vm.networkInterfaces[primaries.first ?? 0].id) ?? "")' as the primary",
                    vm: vm.name, location: location))
        }
        let chosen = primaries.first ?? 0
        for index in vm.networkInterfaces.indices { vm.networkInterfaces[index].primary = index == chosen }
    }

    private func resolvePrimaryIPConfiguration(
        _ nic: inout NetworkInterface, _ location: SourceLocation, _ vm: String?, _ findings: inout [Finding]
    ) {
        let primaries = nic.ipConfigurations.indices.filter { nic.ipConfigurations[$0].primary }
        guard primaries.count != 1, !nic.ipConfigurations.isEmpty else { return }
        if nic.ipConfigurations.count > 1 {
            findings.append(
                Finding(
                    severity: .warning, code: primaries.isEmpty ? "nic.primary-ip-configuration.unmarked" : "nic.primary-ip-configuration.ambiguous",
                    message:
                        "NIC '\(nic.name)' has \(nic.ipConfigurations.count) IP configurations and \(primaries.count) marked primary; using '\(nic.ipConfigurations[primaries.first ?? 0].name)'",
                    vm: vm, location: location))
        }
        let chosen = primaries.first ?? 0
        for index in nic.ipConfigurations.indices { nic.ipConfigurations[index].primary = index == chosen }
    }

    static func ordered(_ findings: [Finding]) -> [Finding] {
        findings.sorted {
            ($0.location?.file ?? "", $0.location?.path ?? "", $0.code, $0.message)
                < ($1.location?.file ?? "", $1.location?.path ?? "", $1.code, $1.message)
        }
    }
}
