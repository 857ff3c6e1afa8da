import RewireModel

/// Decides every step of one VM's Az restore script from the manifest: which resources to get or
/// create, in which order, with which parameters. The template only prints the result.
struct AzScriptPlanner {
    let manifest: Manifest
    let header: ScriptHeader
    let lookup: ManifestIndex
    /// Capture's findings per VM, as comment lines (`ScriptGenerator.notesByVM`).
    let notes: [String: [CommentLine]]
    /// What the domain-controller decision assumes about this run (which VMs, isolated or not).
    var domainControllerContext = DomainControllerPlan.Context()

    func plan(_ vm: VirtualMachine, restored: RestoredVirtualMachine? = nil) -> AzVMScript {
        var pips: [PublicIPStep] = []
        var nsgs: [SecurityGroupStep] = []
        var lbs: [LoadBalancerStep] = []
        var nics: [NICStep] = []
        var subnets: [SubnetCheck] = []
        var seenPIPs = Set<String>()
        var seenNSGs = Set<String>()
        var lbIndex: [String: Int] = [:]

        func addSubnet(_ id: String?) {
            guard let id, let check = Self.subnetCheck(id) else { return }
            if !subnets.contains(where: {
                $0.vnetResourceGroup.lowercased() == check.vnetResourceGroup.lowercased()
                    && $0.vnetName.lowercased() == check.vnetName.lowercased()
                    && $0.subnetName.lowercased() == check.subnetName.lowercased()
            }) {
                subnets.append(check)
            }
        }

        func addPublicIP(_ id: String) {
            let key = ResourceID.key(id)
            guard !seenPIPs.contains(key) else { return }
            seenPIPs.insert(key)
            pips.append(publicIPStep(id, index: pips.count))
        }

        func addLoadBalancer(for childID: String) -> Int? {
            guard let parent = ResourceID(childID)?.parent else { return nil }
            let key = ResourceID.key(parent.raw)
            if let index = lbIndex[key] { return index }
            let captured = lookup.loadBalancer(id: parent.raw)
            for frontend in captured?.frontendIPConfigurations ?? [] {
                if let pip = frontend.publicIPAddressId { addPublicIP(pip) }
                addSubnet(frontend.subnetId)
            }
            lbs.append(loadBalancerStep(parent, captured, index: lbs.count))
            lbIndex[key] = lbs.count - 1
            return lbs.count - 1
        }

        for (nicNumber, reference) in vm.networkInterfaces.enumerated() {
            guard let nic = lookup.networkInterface(id: reference.id) else {
                nics.append(uncapturedNIC(reference, index: nicNumber, vm: vm))
                continue
            }
            if let nsg = nic.networkSecurityGroupId, !seenNSGs.contains(ResourceID.key(nsg)) {
                seenNSGs.insert(ResourceID.key(nsg))
                nsgs.append(securityGroupStep(nsg, index: nsgs.count))
            }
            var configurations: [IPConfigurationStep] = []
            for (number, configuration) in nic.ipConfigurations.enumerated() {
                addSubnet(configuration.subnetId)
                if let pip = configuration.publicIPAddressId { addPublicIP(pip) }
                for pool in configuration.loadBalancerBackendAddressPoolIds {
                    if let index = addLoadBalancer(for: pool), let name = ResourceID(pool)?.name,
                        !lbs[index].requiredPools.contains(where: { $0.lowercased() == name.lowercased() })
                    {
                        lbs[index].requiredPools.append(name)
                    }
                }
                for rule in configuration.loadBalancerInboundNatRuleIds {
                    if let index = addLoadBalancer(for: rule), let name = ResourceID(rule)?.name,
                        !lbs[index].requiredNatRules.contains(where: { $0.name.lowercased() == name.lowercased() })
                    {
                        let captured = lbs[index].natRules.first { $0.name.lowercased() == name.lowercased() }
                        lbs[index].requiredNatRules.append(
                            captured
                                ?? NatRuleStep(
                                    variableCode: .variable("lb\(index)nat\(lbs[index].natRules.count + lbs[index].requiredNatRules.count)"),
                                    name: name, protocol: "Tcp", frontendName: nil, frontendCode: nil,
                                    frontendPortCode: nil, backendPortCode: nil, idleTimeoutCode: nil,
                                    enableFloatingIP: false, enableTcpReset: false))
                    }
                }
                configurations.append(
                    IPConfigurationStep(
                        variableCode: .variable("nic\(nicNumber)ip\(number)"), name: configuration.name,
                        primary: configuration.primary, subnetId: configuration.subnetId,
                        // A DC keeps its address even when Azure had it dynamic (the guest pinned it).
                        staticPrivateIPAddress: configuration.privateIPAllocationMethod == .static || vm.domainController != nil
                            ? configuration.privateIPAddress : nil,
                        ipVersion: configuration.privateIPAddressVersion.rawValue,
                        publicIPAddressId: configuration.publicIPAddressId,
                        hasPools: !configuration.loadBalancerBackendAddressPoolIds.isEmpty,
                        poolIdsCode: .list(configuration.loadBalancerBackendAddressPoolIds),
                        hasNatRules: !configuration.loadBalancerInboundNatRuleIds.isEmpty,
                        natRuleIdsCode: .list(configuration.loadBalancerInboundNatRuleIds),
                        hasApplicationSecurityGroups: !configuration.applicationSecurityGroupIds.isEmpty,
                        applicationSecurityGroupIdsCode: .list(configuration.applicationSecurityGroupIds)))
            }
            nics.append(
                NICStep(
                    variableCode: .variable("nic\(nicNumber)"), nicCode: .variable("nic\(nicNumber)"),
                    acceleratedNetworkingCode: .bool(nic.enableAcceleratedNetworking),
                    ipForwardingCode: .bool(nic.enableIPForwarding),
                    nsgName: nic.networkSecurityGroupId.flatMap { ResourceID($0)?.name },
                    nsgResourceGroup: nic.networkSecurityGroupId.flatMap { ResourceID($0)?.resourceGroup },
                    id: nic.id, name: nic.name,
                    resourceGroup: nic.resourceGroup, location: nic.location.isEmpty ? vm.location : nic.location,
                    primary: reference.primary, captured: true, networkSecurityGroupId: nic.networkSecurityGroupId,
                    enableAcceleratedNetworking: nic.enableAcceleratedNetworking, enableIPForwarding: nic.enableIPForwarding,
                    hasDnsServers: !nic.dnsServers.isEmpty, dnsServersCode: .list(nic.dnsServers),
                    hasTags: !nic.tags.isEmpty, tagsCode: .hashtable(nic.tags), ipConfigurations: configurations,
                    ipConfigurationsCode: .joined(configurations.map(\.variableCode))))
        }

        let dataDisks = vm.dataDisks.map { disk in
            DiskStep(
                lunCode: .int(disk.lun ?? 0), caching: disk.caching, originalName: disk.name,
                writeAccelerator: disk.writeAcceleratorEnabled)
        }
        return AzVMScript(
            header: header, vmName: vm.name, vmNameCommentCode: .comment(vm.name), resourceGroup: vm.resourceGroup,
            targetResourceGroup: restored.flatMap(Self.targetResourceGroup) ?? vm.resourceGroup,
            restored: restored != nil,
            restoredNoteCode: .comment(restored.map { "recovery point \($0.recoveryPoint.id) of \($0.recoveryPoint.time), job \($0.jobId)" } ?? ""),
            uploads: restored.map { Self.uploads($0, osType: vm.osType) } ?? [],
            restoredOSDiskName: restored.flatMap { entry in entry.disks.first { $0.lun == nil }.map { Self.diskName($0, entry) } } ?? "",
            restoredDataDiskNamesCode: .intKeyedEntries(
                (restored?.disks ?? []).compactMap { disk in disk.lun.map { ($0, Self.diskName(disk, restored!)) } }), subscriptionId: vm.subscriptionId,
            location: vm.location, size: vm.size, isWindows: vm.osType == .windows, zone: vm.zone,
            availabilitySetId: vm.availabilitySetId, proximityPlacementGroupId: vm.proximityPlacementGroupId,
            licenseType: vm.licenseType, hasTags: !vm.tags.isEmpty, tagsCode: .hashtable(vm.tags),
            osSwitchCode: .switchParameter(vm.osType == .windows ? "Windows" : "Linux"),
            osDisk: DiskStep(
                lunCode: .int(0), caching: vm.osDisk.caching, originalName: vm.osDisk.name,
                writeAccelerator: vm.osDisk.writeAcceleratorEnabled),
            dataDisks: dataDisks, dataDiskLunsCode: .ints(vm.dataDisks.map { $0.lun ?? 0 }),
            hasDataDisks: !dataDisks.isEmpty, subnets: subnets, publicIPs: pips, securityGroups: nsgs,
            loadBalancers: lbs, nics: nics, notes: notes[vm.name] ?? [],
            domainController: domainControllerSteps(vm, restored: restored))
    }

    /// The resource group of a restore into managed disks; nil for a local restore (the VM's own group).
    static func targetResourceGroup(_ restored: RestoredVirtualMachine) -> String? {
        guard restored.target.kind == .resourceGroup else { return nil }
        return ResourceID(restored.target.location)?.resourceGroup
    }

    /// The managed disk a restored disk is, or becomes once uploaded. An uploaded disk is named
    /// after the recovery point, so that it can never be mistaken for the original disk of the
    /// same name if that still exists.
    static func diskName(_ disk: RestoredDisk, _ restored: RestoredVirtualMachine) -> String {
        if let name = disk.managedDiskId.flatMap({ ResourceID($0)?.name }) { return name }
        return "\(disk.name)-restored-\(restored.recoveryPoint.id)"
    }

    /// Local VHDs that must become managed disks before the VM can use them.
    static func uploads(_ restored: RestoredVirtualMachine, osType: OSType) -> [UploadStep] {
        restored.disks.compactMap { disk in
            guard disk.managedDiskId == nil, let path = disk.path else { return nil }
            return UploadStep(
                diskName: diskName(disk, restored), path: path, osType: disk.lun == nil ? osType.rawValue : nil)
        }
    }

    /// `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s`.
    static func subnetCheck(_ id: String) -> SubnetCheck? {
        guard let parsed = ResourceID(id), parsed.segments.count == 2, let group = parsed.resourceGroup else { return nil }
        return SubnetCheck(vnetResourceGroup: group, vnetName: parsed.segments[0].name, subnetName: parsed.segments[1].name)
    }

    private func uncapturedNIC(_ reference: NetworkInterfaceReference, index: Int, vm: VirtualMachine) -> NICStep {
        let parsed = ResourceID(reference.id)
        return NICStep(
            variableCode: .variable("nic\(index)"), nicCode: .variable("nic\(index)"),
            acceleratedNetworkingCode: .bool(false), ipForwardingCode: .bool(false), nsgName: nil, nsgResourceGroup: nil,
            id: reference.id, name: parsed?.name ?? reference.id,
            resourceGroup: parsed?.resourceGroup ?? vm.resourceGroup, location: vm.location, primary: reference.primary,
            captured: false, networkSecurityGroupId: nil, enableAcceleratedNetworking: false, enableIPForwarding: false,
            hasDnsServers: false, dnsServersCode: .list([]), hasTags: false, tagsCode: .hashtable([:]),
            ipConfigurations: [], ipConfigurationsCode: .list([]))
    }

    private func publicIPStep(_ id: String, index: Int) -> PublicIPStep {
        let parsed = ResourceID(id)
        let variable = PowerShellCode.variable("pip\(index)")
        guard let pip = lookup.publicIPAddress(id: id) else {
            return PublicIPStep(
                variableCode: variable, name: parsed?.name ?? id, resourceGroup: parsed?.resourceGroup ?? "", location: "",
                captured: false, sku: nil, tier: nil, allocationMethod: "Dynamic", ipVersion: "IPv4", domainNameLabel: nil,
                idleTimeoutCode: nil, hasZones: false, zonesCode: .list([]), hasTags: false, tagsCode: .hashtable([:]),
                capturedAddress: nil)
        }
        return PublicIPStep(
            variableCode: variable, name: pip.name, resourceGroup: pip.resourceGroup, location: pip.location, captured: true,
            sku: pip.sku, tier: pip.skuTier, allocationMethod: pip.allocationMethod.rawValue, ipVersion: pip.ipVersion.rawValue,
            domainNameLabel: pip.domainNameLabel, idleTimeoutCode: pip.idleTimeoutInMinutes.map(PowerShellCode.int),
            hasZones: !pip.zones.isEmpty, zonesCode: .list(pip.zones), hasTags: !pip.tags.isEmpty,
            tagsCode: .hashtable(pip.tags), capturedAddress: pip.ipAddress)
    }

    private func securityGroupStep(_ id: String, index: Int) -> SecurityGroupStep {
        let parsed = ResourceID(id)
        let variable = PowerShellCode.variable("nsg\(index)")
        guard let nsg = lookup.networkSecurityGroup(id: id) else {
            return SecurityGroupStep(
                variableCode: variable, name: parsed?.name ?? id, resourceGroup: parsed?.resourceGroup ?? "", location: "",
                captured: false, rules: [], rulesCode: .list([]), hasRules: false, hasTags: false, tagsCode: .hashtable([:]))
        }
        let rules = nsg.securityRules.enumerated().map { number, rule in
            SecurityRuleStep(
                variableCode: .variable("nsg\(index)rule\(number)"), name: rule.name, description: rule.description,
                protocol: rule.protocol, direction: rule.direction, access: rule.access, priorityCode: .int(rule.priority),
                sourceAddressCode: .list(rule.sourceAddressPrefixes.isEmpty ? ["*"] : rule.sourceAddressPrefixes),
                destinationAddressCode: .list(rule.destinationAddressPrefixes.isEmpty ? ["*"] : rule.destinationAddressPrefixes),
                sourcePortCode: .list(rule.sourcePortRanges.isEmpty ? ["*"] : rule.sourcePortRanges),
                destinationPortCode: .list(rule.destinationPortRanges.isEmpty ? ["*"] : rule.destinationPortRanges))
        }
        return SecurityGroupStep(
            variableCode: variable, name: nsg.name, resourceGroup: nsg.resourceGroup, location: nsg.location, captured: true,
            rules: rules, rulesCode: .joined(rules.map(\.variableCode)),
            hasRules: !rules.isEmpty, hasTags: !nsg.tags.isEmpty, tagsCode: .hashtable(nsg.tags))
    }

    private func loadBalancerStep(_ id: ResourceID, _ lb: LoadBalancer?, index: Int) -> LoadBalancerStep {
        let prefix = "lb\(index)"
        let frontends = (lb?.frontendIPConfigurations ?? []).enumerated().map { number, frontend in
            FrontendStep(
                variableCode: .variable("\(prefix)fe\(number)"), name: frontend.name,
                publicIPAddressId: frontend.publicIPAddressId,
                subnetId: frontend.publicIPAddressId == nil ? frontend.subnetId : nil,
                privateIPAddress: frontend.privateIPAllocationMethod == .static ? frontend.privateIPAddress : nil,
                hasZones: !frontend.zones.isEmpty, zonesCode: .list(frontend.zones))
        }
        func variable(of name: String?, in names: [String], kind: String) -> PowerShellCode? {
            guard let name, let number = names.firstIndex(where: { $0.lowercased() == name.lowercased() }) else { return nil }
            return .variable("\(prefix)\(kind)\(number)")
        }
        let frontendNames = frontends.map(\.name)
        let poolNames = (lb?.backendAddressPools ?? []).map(\.name)
        let probeNames = (lb?.probes ?? []).map(\.name)
        let pools = poolNames.enumerated().map { PoolStep(variableCode: .variable("\(prefix)pool\($0)"), name: $1) }
        let probes = (lb?.probes ?? []).enumerated().map { number, probe in
            ProbeStep(
                variableCode: .variable("\(prefix)probe\(number)"), name: probe.name, protocol: probe.protocol,
                portCode: .int(probe.port), intervalCode: .int(probe.intervalInSeconds ?? 15),
                countCode: .int(probe.numberOfProbes ?? 2),
                requestPath: probe.protocol.lowercased() == "tcp" ? nil : probe.requestPath)
        }
        let rules = (lb?.loadBalancingRules ?? []).enumerated().map { number, rule in
            RuleStep(
                variableCode: .variable("\(prefix)rule\(number)"), name: rule.name, protocol: rule.protocol,
                frontendPortCode: .int(rule.frontendPort), backendPortCode: .int(rule.backendPort),
                frontendCode: variable(of: rule.frontendIPConfigurationName, in: frontendNames, kind: "fe"),
                poolCode: variable(of: rule.backendAddressPoolName, in: poolNames, kind: "pool"),
                probeCode: variable(of: rule.probeName, in: probeNames, kind: "probe"),
                idleTimeoutCode: rule.idleTimeoutInMinutes.map(PowerShellCode.int), loadDistribution: rule.loadDistribution,
                enableFloatingIP: rule.enableFloatingIP, enableTcpReset: rule.enableTcpReset,
                disableOutboundSnat: rule.disableOutboundSnat)
        }
        let natRules = (lb?.inboundNatRules ?? []).enumerated().map { number, rule in
            NatRuleStep(
                variableCode: .variable("\(prefix)nat\(number)"), name: rule.name, protocol: rule.protocol,
                frontendName: rule.frontendIPConfigurationName,
                frontendCode: variable(of: rule.frontendIPConfigurationName, in: frontendNames, kind: "fe"),
                frontendPortCode: rule.frontendPort.map(PowerShellCode.int),
                backendPortCode: rule.backendPort.map(PowerShellCode.int),
                idleTimeoutCode: rule.idleTimeoutInMinutes.map(PowerShellCode.int), enableFloatingIP: rule.enableFloatingIP,
                enableTcpReset: rule.enableTcpReset)
        }
        return LoadBalancerStep(
            variableCode: .variable(prefix), lbCode: .variable(prefix), name: id.name ?? id.raw,
            lbName: id.name ?? id.raw, resourceGroup: id.resourceGroup ?? "",
            location: lb?.location ?? "", captured: lb != nil, sku: lb?.sku, tier: lb?.skuTier, frontends: frontends,
            pools: pools, probes: probes, rules: rules, natRules: natRules,
            frontendsCode: .joined(frontends.map(\.variableCode)), poolsCode: .joined(pools.map(\.variableCode)),
            probesCode: .joined(probes.map(\.variableCode)), rulesCode: .joined(rules.map(\.variableCode)),
            natRulesCode: .joined(natRules.map(\.variableCode)), hasFrontends: !frontends.isEmpty, hasPools: !pools.isEmpty,
            hasProbes: !probes.isEmpty, hasRules: !rules.isEmpty, hasNatRules: !natRules.isEmpty,
            hasTags: !(lb?.tags.isEmpty ?? true), tagsCode: .hashtable(lb?.tags ?? [:]), requiredPools: [],
            requiredNatRules: [])
    }
}
