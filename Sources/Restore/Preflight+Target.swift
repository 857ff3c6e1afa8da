import RewireModel

/// An inventory of the target subscription (a manifest captured from it), indexed for the
/// collision checks: names by resource group, private addresses by virtual network.
struct TargetInventory {
    let manifest: Manifest
    let index: ManifestIndex
    private let vms: [String: VirtualMachine]
    private let nics: [String: NetworkInterface]
    /// `vnet-id-key|address` → who holds it (`NIC 'x'`, `load balancer 'y'`) and the NIC's name key.
    private let addresses: [String: [(holder: String, nicKey: String?)]]

    init(_ manifest: Manifest) {
        self.manifest = manifest
        index = ManifestIndex(manifest)
        vms = Dictionary(
            manifest.virtualMachines.map { (TargetInventory.nameKey($0.resourceGroup, $0.name), $0) },
            uniquingKeysWith: { a, _ in a })
        nics = Dictionary(
            manifest.networkInterfaces.map { (TargetInventory.nameKey($0.resourceGroup, $0.name), $0) },
            uniquingKeysWith: { a, _ in a })
        var addresses: [String: [(holder: String, nicKey: String?)]] = [:]
        for nic in manifest.networkInterfaces {
            for configuration in nic.ipConfigurations {
                guard let address = configuration.privateIPAddress else { continue }
                addresses[TargetInventory.addressKey(configuration.subnetId, address), default: []].append(
                    ("NIC '\(nic.name)'", TargetInventory.nameKey(nic.resourceGroup, nic.name)))
            }
        }
        for balancer in manifest.loadBalancers {
            for frontend in balancer.frontendIPConfigurations {
                guard let address = frontend.privateIPAddress else { continue }
                addresses[TargetInventory.addressKey(frontend.subnetId, address), default: []].append(
                    ("frontend '\(frontend.name)' of load balancer '\(balancer.name)'", nil))
            }
        }
        self.addresses = addresses
    }

    static func nameKey(_ resourceGroup: String, _ name: String) -> String {
        "\(resourceGroup.lowercased())/\(name.lowercased())"
    }

    /// Addresses are unique per virtual network: the key is the subnet's network plus the address.
    static func addressKey(_ subnetID: String?, _ address: String) -> String {
        let network = subnetID.flatMap { ResourceID($0)?.parent?.raw }.map(ResourceID.key) ?? ""
        return "\(network)|\(address.lowercased())"
    }

    func virtualMachine(resourceGroup: String, name: String) -> VirtualMachine? {
        vms[TargetInventory.nameKey(resourceGroup, name)]
    }
    func networkInterface(resourceGroup: String, name: String) -> NetworkInterface? {
        nics[TargetInventory.nameKey(resourceGroup, name)]
    }
    func holders(of address: String, subnetID: String?) -> [(holder: String, nicKey: String?)] {
        addresses[TargetInventory.addressKey(subnetID, address)] ?? []
    }
}

/// Collisions with what already exists in the target, and what the target no longer has.
extension Preflight {
    /// What the target inventory cannot tell: without virtual networks, subnets are not checked.
    func targetInventoryFindings(_ context: PreflightContext, _ target: TargetInventory) -> [Finding] {
        guard target.manifest.virtualNetworks.isEmpty,
            context.manifest.networkInterfaces.contains(where: { $0.ipConfigurations.contains { $0.subnetId != nil } })
        else { return [] }
        return [
            Finding(
                severity: .info, code: "target.inventory.noNetworks",
                message:
                    "the target environment holds no virtual networks, so missing subnets and addresses outside them were not checked",
                setting: "targetEnvironment",
                action:
                    "Add the target's virtual networks to the inventory (az network vnet list, or the ARM list body) and check again."
            )
        ]
    }

    func targetFindings(_ vm: VirtualMachine, _ context: PreflightContext, _ target: TargetInventory) -> [Finding] {
        var findings: [Finding] = []
        if let existing = target.virtualMachine(resourceGroup: vm.resourceGroup, name: vm.name) {
            let replace =
                profile == .current && existing.osDisk.kind == .managed
                ? ", or use Azure Backup's 'Replace existing' disk restore (managed, unencrypted VMs) instead of a rebuild"
                : ""
            findings.append(
                Finding(
                    severity: .blocker, code: "target.vm.nameTaken",
                    message:
                        "a VM named '\(existing.name)' already exists in resource group '\(existing.resourceGroup)' of the target; Azure cannot replace a VM during restore",
                    vm: vm.name, setting: "name",
                    action:
                        "Delete the existing VM (keep its disks if needed) or restore under another name (-VMName)\(replace)."
                ))
        }
        let ownKey = TargetInventory.nameKey(vm.resourceGroup, vm.name)
        // A load balancer missing from the target is reported once per VM, however many of its IP
        // configurations join it.
        var reportedMissing: Set<String> = []
        for nic in context.networkInterfaces(of: vm) {
            findings += targetNICFindings(vm, nic, ownKey: ownKey, context, target, reportedMissing: &reportedMissing)
        }
        return findings
    }

    private func targetNICFindings(
        _ vm: VirtualMachine, _ nic: NetworkInterface, ownKey: String, _ context: PreflightContext,
        _ target: TargetInventory, reportedMissing: inout Set<String>
    ) -> [Finding] {
        var findings: [Finding] = []
        let nicKey = TargetInventory.nameKey(nic.resourceGroup, nic.name)
        if let existing = target.networkInterface(resourceGroup: nic.resourceGroup, name: nic.name) {
            let holder = existing.virtualMachineId.flatMap(ResourceID.init)
            let holderKey = holder.flatMap { id in
                id.resourceGroup.flatMap { rg in id.name.map { TargetInventory.nameKey(rg, $0) } }
            }
            if let holder, holderKey != ownKey {
                findings.append(
                    Finding(
                        severity: .blocker, code: "target.nic.nameTaken",
                        message:
                            "NIC '\(existing.name)' in resource group '\(existing.resourceGroup)' of the target is attached to VM '\(holder.name ?? holder.raw)'",
                        vm: vm.name, setting: "networkInterfaces.\(nic.name)",
                        action:
                            "Detach or delete the NIC from '\(holder.name ?? holder.raw)', or restore the NIC under another name."
                    ))
            } else if holder == nil {
                findings.append(
                    Finding(
                        severity: .info, code: "target.nic.exists",
                        message:
                            "NIC '\(existing.name)' already exists (unattached) in resource group '\(existing.resourceGroup)' of the target; rewire's script reuses it and sets its IP configurations, NSG, accelerated networking and IP forwarding back to the captured ones",
                        vm: vm.name, setting: "networkInterfaces.\(nic.name)",
                        action:
                            "Nothing to do, unless something else now relies on the NIC's current settings: they are overwritten."
                    ))
            }
        }
        let hasNetworks = !target.manifest.virtualNetworks.isEmpty
        for configuration in nic.ipConfigurations {
            let setting = "\(nic.name)/\(configuration.name)"
            var targetSubnet: Subnet?
            if hasNetworks, let subnetID = configuration.subnetId {
                if let found = target.index.subnet(id: subnetID) {
                    targetSubnet = found.subnet
                } else {
                    let parent = ResourceID(subnetID)?.parent
                    let networkExists = parent.map { target.index.virtualNetwork(id: $0.raw) != nil } ?? false
                    let subnetName = ResourceID(subnetID)?.name ?? subnetID
                    let networkName = parent?.name ?? "?"
                    findings.append(
                        Finding(
                            severity: .blocker, code: "target.subnet.missing",
                            message: networkExists
                                ? "subnet '\(subnetName)' of virtual network '\(networkName)' does not exist in the target"
                                : "virtual network '\(networkName)' (subnet '\(subnetName)') does not exist in the target",
                            vm: vm.name, setting: "\(setting).subnetId",
                            action: "Recreate the network first (same address space and subnets), then restore."))
                }
            }
            if configuration.privateIPAllocationMethod == .static, let address = configuration.privateIPAddress {
                let others = target.holders(of: address, subnetID: configuration.subnetId).filter {
                    $0.nicKey != nicKey
                }
                if let other = others.first {
                    findings.append(
                        Finding(
                            severity: .blocker, code: "target.ip.inUse",
                            message:
                                "static private IP \(address) of \(setting) is already used by \(other.holder) in the target",
                            vm: vm.name, setting: "\(setting).privateIPAddress",
                            action:
                                "Free \(address) in the target (Test-AzPrivateIPAddressAvailability shows free ones) or restore with another static IP."
                        ))
                }
                if let targetSubnet {
                    findings += addressInSubnetFindings(vm, address: address, subnet: targetSubnet, setting: setting)
                }
            }
            findings += targetPublicIPFindings(vm, configuration, setting: setting, context, target)
            findings += targetLoadBalancerFindings(
                vm, configuration, setting: setting, context, target, reportedMissing: &reportedMissing)
        }
        return findings
    }

    private func addressInSubnetFindings(_ vm: VirtualMachine, address: String, subnet: Subnet, setting: String)
        -> [Finding]
    {
        let prefixes = subnet.addressPrefixes.joined(separator: ", ")
        switch AddressContainment.isAddress(address, inAnyOf: subnet.addressPrefixes) {
        case false?:
            return [
                Finding(
                    severity: .blocker, code: "target.ip.outsideSubnet",
                    message:
                        "static private IP \(address) of \(setting) is outside subnet '\(subnet.name)' (\(prefixes)) in the target",
                    vm: vm.name, setting: "\(setting).privateIPAddress",
                    action: "Restore with an address inside \(prefixes), or give the target subnet the captured prefix."
                )
            ]
        case true?:
            // Azure keeps the first four addresses and the last one of every IPv4 subnet.
            guard let value = IPv4Network.address(address),
                let network = subnet.addressPrefixes.compactMap(IPv4Network.init).first(where: { $0.contains(value) }),
                network.prefixLength <= 29
            else { return [] }
            let offset = value & ~network.mask
            guard offset < 4 || offset == ~network.mask else { return [] }
            return [
                Finding(
                    severity: .blocker, code: "target.ip.reserved",
                    message:
                        "static private IP \(address) of \(setting) is one of the addresses Azure reserves in subnet '\(subnet.name)' (\(prefixes))",
                    vm: vm.name, setting: "\(setting).privateIPAddress",
                    action: "Use an address other than the subnet's first four and its last.")
            ]
        case nil:
            return []
        }
    }

    private func targetPublicIPFindings(
        _ vm: VirtualMachine, _ configuration: IPConfiguration, setting: String, _ context: PreflightContext,
        _ target: TargetInventory
    ) -> [Finding] {
        guard let id = configuration.publicIPAddressId else { return [] }
        var findings: [Finding] = []
        let captured = context.index.publicIPAddress(id: id)
        let existing = target.index.publicIPAddress(id: id)
        let name = captured?.name ?? ResourceID(id)?.name ?? id
        if existing == nil {
            let address =
                captured?.ipAddress.map { "its address \($0) is lost for good" }
                ?? "its address is lost for good (the manifest did not record it)"
            findings.append(
                Finding(
                    severity: .warning, code: "target.publicIP.missing",
                    message:
                        "public IP '\(name)' of \(setting) no longer exists in the target: \(address); the script creates a new one with a new address",
                    vm: vm.name, setting: "\(setting).publicIPAddressId",
                    action:
                        "After the restore, update DNS records, firewall allow-lists and partners that name \(captured?.ipAddress ?? "the old address") to the new address."
                ))
        }
        if let pip = existing ?? captured, pip.zones.count == 1, pip.zones.first != vm.zone {
            findings.append(
                Finding(
                    severity: .blocker, code: "target.zone.mismatch",
                    message:
                        "public IP '\(pip.name)' of \(setting) is pinned to zone \(pip.zones[0]) but \(vm.name) is \(vm.zone.map { "in zone \($0)" } ?? "not zonal")",
                    vm: vm.name, setting: "\(setting).publicIPAddressId",
                    action:
                        "Use a zone-redundant or non-zonal public IP, or a public IP in zone \(vm.zone ?? "-") matching the VM."
                ))
        }
        return findings
    }

    private func targetLoadBalancerFindings(
        _ vm: VirtualMachine, _ configuration: IPConfiguration, setting: String, _ context: PreflightContext,
        _ target: TargetInventory, reportedMissing: inout Set<String>
    ) -> [Finding] {
        var findings: [Finding] = []
        // The SKU pairing is per IP configuration (each has its own public IP), once per load balancer.
        var skuChecked: Set<String> = []
        let members =
            configuration.loadBalancerBackendAddressPoolIds.map { ($0, true) }
            + configuration.loadBalancerInboundNatRuleIds.map { ($0, false) }
        for (memberID, isPool) in members {
            guard let member = ResourceID(memberID), let balancerID = member.parent else { continue }
            let childName = member.name ?? memberID
            let captured = context.index.loadBalancer(id: balancerID.raw)
            let balancerName = balancerID.name ?? balancerID.raw
            let balancerKey = ResourceID.key(balancerID.raw)
            guard let existing = target.index.loadBalancer(id: balancerID.raw) else {
                if skuChecked.insert(balancerKey).inserted {
                    findings += skuFindings(vm, configuration, setting: setting, balancer: captured, context, target)
                }
                guard reportedMissing.insert(balancerKey).inserted else { continue }
                findings.append(
                    Finding(
                        severity: captured == nil ? .blocker : .warning, code: "target.loadBalancer.missing",
                        message: captured == nil
                            ? "load balancer '\(balancerName)' that \(setting) joins does not exist in the target and is not in the manifest, so it cannot be recreated"
                            : "load balancer '\(balancerName)' that \(setting) joins does not exist in the target; the script recreates it from the manifest (a public frontend gets a new address)",
                        vm: vm.name, setting: "\(setting).loadBalancer",
                        action: captured == nil
                            ? "Recreate load balancer '\(balancerName)' first, or capture it with the VMs."
                            : "Let the script recreate it, then update DNS and allow-lists that name its old frontend address."
                    ))
                continue
            }
            if isPool, !existing.backendAddressPools.contains(where: { $0.name.lowercased() == childName.lowercased() })
            {
                findings.append(
                    Finding(
                        severity: .warning, code: "target.loadBalancer.poolMissing",
                        message:
                            "backend pool '\(childName)' of load balancer '\(balancerName)' that \(setting) joins does not exist in the target; the script adds it",
                        vm: vm.name, setting: "\(setting).loadBalancerBackendAddressPoolIds",
                        action: "Let the script add the pool, then check the load-balancing rules that should use it."))
            }
            if !isPool, !existing.inboundNatRules.contains(where: { $0.name.lowercased() == childName.lowercased() }) {
                let canAdd =
                    captured?.inboundNatRules.contains { $0.name.lowercased() == childName.lowercased() } ?? false
                findings.append(
                    Finding(
                        severity: canAdd ? .warning : .blocker, code: "target.loadBalancer.natRuleMissing",
                        message:
                            "inbound NAT rule '\(childName)' of load balancer '\(balancerName)' that \(setting) joins does not exist in the target"
                            + (canAdd
                                ? "; the script adds it from the manifest" : " and the manifest does not describe it"),
                        vm: vm.name, setting: "\(setting).loadBalancerInboundNatRuleIds",
                        action: canAdd
                            ? "Let the script add the rule; check its frontend port is still free."
                            : "Create the NAT rule on '\(balancerName)' first, or capture the load balancer with the VMs."
                    ))
            }
            if skuChecked.insert(balancerKey).inserted {
                findings += skuFindings(vm, configuration, setting: setting, balancer: existing, context, target)
            }
        }
        return findings
    }

    /// Basic and Standard do not mix: a NIC in a Standard load balancer's pool needs a Standard
    /// public IP (or none), a Basic load balancer's members cannot have Standard ones. Compared as
    /// the target has them, or as captured when the target does not have them.
    private func skuFindings(
        _ vm: VirtualMachine, _ configuration: IPConfiguration, setting: String, balancer: LoadBalancer?,
        _ context: PreflightContext,
        _ target: TargetInventory
    ) -> [Finding] {
        guard let balancer, let pipID = configuration.publicIPAddressId,
            let pip = target.index.publicIPAddress(id: pipID) ?? context.index.publicIPAddress(id: pipID)
        else { return [] }
        let balancerSKU = Sku.name(balancer.sku)
        let pipSKU = Sku.name(pip.sku)
        guard balancerSKU != pipSKU, balancerSKU != "gateway" else { return [] }
        return [
            Finding(
                severity: .blocker, code: "target.sku.mismatch",
                message:
                    "\(setting) joins load balancer '\(balancer.name)' (\(Sku.display(balancer.sku))) but has public IP '\(pip.name)' (\(Sku.display(pip.sku))); Basic and Standard cannot be mixed",
                vm: vm.name, setting: "\(setting).publicIPAddressId",
                action: "Upgrade both to Standard (Basic SKUs are retired), or remove the public IP from the NIC.")
        ]
    }
}

/// ARM reads a missing SKU as Basic.
enum Sku {
    static func name(_ sku: String?) -> String { (sku ?? "Basic").lowercased() }
    static func display(_ sku: String?) -> String { sku ?? "Basic" }
}
