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
    var findings: [Finding] = []
    /// Resources of types capture does not use, counted per file and type for one info finding each.
    var skipped: [SkipKey: Int] = [:]

    struct SkipKey: Hashable, Sendable {
        var file: String
        var type: String
    }

    mutating func add(_ node: ResourceNode) throws(CaptureError) {
        let reader = try AzureResourceReader(node)
        let key = reader.id
        switch reader.kind {
        case .virtualMachine: Self.insert(try reader.virtualMachine(findings: &findings), key, node, &vms, &findings)
        case .networkInterface: Self.insert(try reader.networkInterface(), key, node, &nics, &findings)
        case .loadBalancer: Self.insert(try reader.loadBalancer(findings: &findings), key, node, &loadBalancers, &findings)
        case .publicIPAddress: Self.insert(try reader.publicIPAddress(), key, node, &publicIPs, &findings)
        case .networkSecurityGroup: Self.insert(try reader.networkSecurityGroup(), key, node, &securityGroups, &findings)
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

    func manifest(vmNames: [String]) throws(CaptureError) -> Manifest {
        var findings = self.findings
        // Sort the small (name, key) pairs, not the large entries.
        var selectedVMs = vms.map { (name: $0.value.value.name, key: $0.key) }.sorted { ($0.name, $0.key) < ($1.name, $1.key) }
            .compactMap { vms[$0.key] }
        if !vmNames.isEmpty {
            var chosen: [Entry<VirtualMachine>] = []
            for name in vmNames {
                let matches = selectedVMs.filter { $0.value.name.lowercased() == name.lowercased() }
                guard !matches.isEmpty else {
                    throw CaptureError(.empty, SourceLocation(file: "--vm \(name)"), "no virtual machine named '\(name)' in the input")
                }
                chosen += matches.filter { match in !chosen.contains { ResourceID.key($0.value.id) == ResourceID.key(match.value.id) } }
            }
            let wanted = Set(chosen.map { ResourceID.key($0.value.id) })
            selectedVMs = selectedVMs.filter { wanted.contains(ResourceID.key($0.value.id)) }
        }

        var nicOrder: [String] = []
        var ordered = Set<String>()
        var owners: [String: String] = [:]  // NIC key -> VM name
        var machines: [VirtualMachine] = []
        for entry in selectedVMs {
            var vm = entry.value
            resolvePrimaryNIC(&vm, entry.location, &findings)
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
                            vm: vm.name, location: entry.location))
                }
            }
            machines.append(vm)
        }
        if vmNames.isEmpty {
            nicOrder += nics.keys.filter { !ordered.contains($0) }.sorted()
        }

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
            findings: Self.ordered(findings))
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
