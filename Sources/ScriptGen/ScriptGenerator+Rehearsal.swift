public import RewireModel

extension ScriptGenerator {
    /// The scripts of a rehearsal: each VM's script rebuilds its copy from `plan.manifest` (rehearsal
    /// names and groups, isolated network, no public IPs), creating the rehearsal resource groups
    /// and network first; `cleanup.ps1` removes exactly what they create. The header names the
    /// production manifest. With `restored`, the report's VMs (production names) are rebuilt from
    /// the disks it lists.
    public func generateRehearsal(
        _ manifest: Manifest, plan: RehearsalPlan, restored: RestoreReport? = nil
    ) throws(ScriptGenError) -> [GeneratedFile] {
        guard !options.automation else {
            throw ScriptGenError("a rehearsal is run by hand: --rehearsal and --automation do not go together")
        }
        let header = try Self.header(manifest, options: options)
        let rehearsal = plan.manifest
        let lookup = ManifestIndex(rehearsal)
        var planner = AzScriptPlanner(
            manifest: rehearsal, header: header, lookup: lookup, notes: Self.notesByVM(rehearsal))
        // No DC outside the rehearsal is reachable from the isolated network: a DC copy is a forest recovery.
        planner.domainControllerContext = DomainControllerPlan.Context(isolated: true)
        let report = restored.map { Self.rehearsalReport($0, plan: plan) }
        var order = Self.restoreOrder(rehearsal)
        if let report {
            order = try Self.restoredVMs(order, report)
        }
        let restoredByName = Dictionary(
            (report?.virtualMachines ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let names = Self.scriptFileNames(order)
        let planned = RehearsalScriptPlanner(plan: plan, lookup: lookup)
        var files: [GeneratedFile] = []
        var scripts: [AzVMScript] = []
        for (vm, file) in zip(order, names) {
            var script = planner.plan(vm, restored: restoredByName[vm.name])
            script.rehearsal = planned.steps(for: script, vm: vm)
            scripts.append(script)
            files.append(
                GeneratedFile(name: file, contents: try renderer.render(script, template: "az-vm-restore.ps1")))
        }
        let all = RestoreAllScript(
            header: header, restored: report != nil,
            steps: zip(order, names).enumerated().map { index, pair in
                RestoreAllStep(
                    vmName: pair.0.name, vmNameCommentCode: .comment(pair.0.name), scriptFile: pair.1,
                    runbookCallCode: .comment(pair.1), indexCode: .int(index + 1), countCode: .int(order.count))
            })
        files.append(
            GeneratedFile(name: "restore-all.ps1", contents: try renderer.render(all, template: "restore-all.ps1")))
        let cleanup = planned.cleanup(header: header, scripts: scripts, order: order)
        files.append(
            GeneratedFile(name: "cleanup.ps1", contents: try renderer.render(cleanup, template: "cleanup.ps1")))
        var runbookPlanner = RunbookPlanner(manifest: rehearsal, header: header, lookup: lookup)
        runbookPlanner.domainControllerContext = planner.domainControllerContext
        runbookPlanner.rehearsal = plan
        let runbook = runbookPlanner.plan(order: order, files: names)
        files.append(GeneratedFile(name: "RUNBOOK.md", contents: try renderer.render(runbook, template: "RUNBOOK.md")))
        return files
    }

    /// The report with its VMs under their rehearsal names; VMs the rehearsal leaves out are dropped.
    static func rehearsalReport(_ report: RestoreReport, plan: RehearsalPlan) -> RestoreReport {
        let rehearsalName = Dictionary(plan.sourceVMNames.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var out = report
        out.virtualMachines = report.virtualMachines.compactMap { entry in
            guard let name = rehearsalName[entry.name] else { return nil }
            var renamed = entry
            renamed.name = name
            return renamed
        }
        return out
    }
}

/// Decides the rehearsal-only steps: what each VM script creates before the rebuild, and what
/// `cleanup.ps1` removes.
struct RehearsalScriptPlanner {
    let plan: RehearsalPlan
    let lookup: ManifestIndex
    /// The resource groups the rehearsal creates (lowercased): only those are created by the scripts.
    let rehearsalGroups: Set<String>

    init(plan: RehearsalPlan, lookup: ManifestIndex) {
        self.plan = plan
        self.lookup = lookup
        rehearsalGroups = Set(plan.resources.filter { $0.kind == .resourceGroup }.map { $0.name.lowercased() })
    }

    /// The resource groups, subnet NSGs and networks one VM's script needs, in creation order.
    func steps(for script: AzVMScript, vm: VirtualMachine) -> RehearsalVMSteps {
        var networkIDs: [String] = []
        for subnet in script.subnets {
            let id = plan.manifest.virtualNetworks.first {
                $0.name.lowercased() == subnet.vnetName.lowercased()
                    && $0.resourceGroup.lowercased() == subnet.vnetResourceGroup.lowercased()
            }?.id
            if let id, !networkIDs.contains(where: { ResourceID.key($0) == ResourceID.key(id) }) {
                networkIDs.append(id)
            }
        }
        let networks = networkIDs.compactMap { lookup.virtualNetwork(id: $0) }
        var securityGroupIDs: [String] = []
        for network in networks {
            for subnet in network.subnets {
                if let id = subnet.networkSecurityGroupId, lookup.networkSecurityGroup(id: id) != nil,
                    !securityGroupIDs.contains(where: { ResourceID.key($0) == ResourceID.key(id) })
                {
                    securityGroupIDs.append(id)
                }
            }
        }
        // Every group this script puts something in that the rehearsal creates.
        var groups: [String] = [vm.resourceGroup, script.targetResourceGroup]
        groups += script.nics.map(\.resourceGroup) + script.loadBalancers.map(\.resourceGroup)
        groups += script.securityGroups.map(\.resourceGroup) + networks.map(\.resourceGroup)
        groups += securityGroupIDs.compactMap { ResourceID($0)?.resourceGroup }
        var resourceGroups: [RehearsalGroupStep] = []
        var seenGroups = Set<String>()
        for group in groups where rehearsalGroups.contains(group.lowercased()) {
            guard seenGroups.insert(group.lowercased()).inserted else { continue }
            resourceGroups.append(RehearsalGroupStep(name: group, location: vm.location))
        }
        let securityGroups = securityGroupIDs.enumerated().compactMap { number, id in
            lookup.networkSecurityGroup(id: id).map { securityGroupStep($0, index: number) }
        }
        let networkSteps = networks.enumerated().map { number, network in
            let subnets = network.subnets.enumerated().map { subnetNumber, subnet in
                RehearsalSubnetStep(
                    variableCode: .variable("rvnet\(number)subnet\(subnetNumber)"), name: subnet.name,
                    addressPrefixesCode: .list(subnet.addressPrefixes),
                    networkSecurityGroupId: subnet.networkSecurityGroupId)
            }
            return RehearsalNetworkStep(
                name: network.name, resourceGroup: network.resourceGroup,
                location: network.location.isEmpty ? vm.location : network.location,
                addressPrefixesCode: .list(network.addressPrefixes), hasDnsServers: !network.dnsServers.isEmpty,
                dnsServersCode: .list(network.dnsServers), subnets: subnets,
                subnetsCode: .joined(subnets.map(\.variableCode)),
                tagsCode: .hashtable(network.tags))
        }
        let source = plan.sourceVMNames[vm.name] ?? vm.name
        return RehearsalVMSteps(
            idCommentCode: .comment(plan.id), sourceVMName: source, sourceVMNameCommentCode: .comment(source),
            tagName: RehearsalPlan.tagName, tagValue: plan.id, tagCode: .hashtable(plan.tag),
            resourceGroups: resourceGroups, securityGroups: securityGroups, networks: networkSteps)
    }

    /// A subnet's NSG, created before the network that names it (variables `$rnsg<n>`, apart from the rebuild's `$nsg<n>`).
    private func securityGroupStep(_ nsg: NetworkSecurityGroup, index: Int) -> SecurityGroupStep {
        let rules = nsg.securityRules.enumerated().map { number, rule in
            SecurityRuleStep(
                variableCode: .variable("rnsg\(index)rule\(number)"), name: rule.name, description: rule.description,
                protocol: rule.protocol, direction: rule.direction, access: rule.access,
                priorityCode: .int(rule.priority),
                sourceAddressCode: .list(rule.sourceAddressPrefixes.isEmpty ? ["*"] : rule.sourceAddressPrefixes),
                destinationAddressCode: .list(
                    rule.destinationAddressPrefixes.isEmpty ? ["*"] : rule.destinationAddressPrefixes),
                sourcePortCode: .list(rule.sourcePortRanges.isEmpty ? ["*"] : rule.sourcePortRanges),
                destinationPortCode: .list(rule.destinationPortRanges.isEmpty ? ["*"] : rule.destinationPortRanges))
        }
        return SecurityGroupStep(
            variableCode: .variable("rnsg\(index)"), name: nsg.name, resourceGroup: nsg.resourceGroup,
            location: nsg.location,
            captured: true, rules: rules, rulesCode: .joined(rules.map(\.variableCode)), hasRules: !rules.isEmpty,
            hasTags: !nsg.tags.isEmpty, tagsCode: .hashtable(nsg.tags))
    }

    /// What `cleanup.ps1` removes: exactly the resources the VM scripts create.
    func cleanup(header: ScriptHeader, scripts: [AzVMScript], order: [VirtualMachine]) -> CleanupScript {
        var vms: [CleanupStep] = []
        var nics: [CleanupStep] = []
        var lbs: [CleanupStep] = []
        var networks: [CleanupStep] = []
        var nsgs: [CleanupStep] = []
        var diskGroups: [String] = []
        var groups: [String] = []
        var seen = Set<String>()  // `type|group|name`, lowercased: VM scripts share NSGs, load balancers and networks
        func add(_ step: CleanupStep, to list: inout [CleanupStep]) {
            let key = "\(step.resourceType)|\(step.resourceGroup)|\(step.name)".lowercased()
            if seen.insert(key).inserted { list.append(step) }
        }
        func addGroup(_ name: String, to list: inout [String], kind: String) {
            if seen.insert("\(kind)|\(name)".lowercased()).inserted { list.append(name) }
        }
        for script in scripts {
            add(Self.step(script.vmName, script.targetResourceGroup, .virtualMachine), to: &vms)
            addGroup(script.targetResourceGroup, to: &diskGroups, kind: "disks")
            for nic in script.nics where nic.captured {
                add(Self.step(nic.name, nic.resourceGroup, .networkInterface), to: &nics)
            }
            for lb in script.loadBalancers where lb.captured {
                add(Self.step(lb.name, lb.resourceGroup, .loadBalancer), to: &lbs)
            }
            for nsg in script.securityGroups where nsg.captured {
                add(Self.step(nsg.name, nsg.resourceGroup, .networkSecurityGroup), to: &nsgs)
            }
            for nsg in script.rehearsal?.securityGroups ?? [] {
                add(Self.step(nsg.name, nsg.resourceGroup, .networkSecurityGroup), to: &nsgs)
            }
            for network in script.rehearsal?.networks ?? [] {
                add(Self.step(network.name, network.resourceGroup, .virtualNetwork), to: &networks)
            }
            for group in script.rehearsal?.resourceGroups ?? [] { addGroup(group.name, to: &groups, kind: "group") }
        }
        return CleanupScript(
            header: header, idCommentCode: .comment(plan.id),
            subscriptionId: order.first?.subscriptionId ?? plan.manifest.virtualMachines.first?.subscriptionId ?? "",
            tagName: RehearsalPlan.tagName, tagValue: plan.id, virtualMachines: vms,
            networkResources: nics + lbs + networks + nsgs,
            diskGroups: diskGroups, resourceGroups: groups)
    }

    private static func step(_ name: String, _ group: String, _ kind: RehearsalResource.Kind) -> CleanupStep {
        let (type, text): (String, String) =
            switch kind {
            case .virtualMachine: ("Microsoft.Compute/virtualMachines", "VM")
            case .networkInterface: ("Microsoft.Network/networkInterfaces", "NIC")
            case .loadBalancer: ("Microsoft.Network/loadBalancers", "Load balancer")
            case .virtualNetwork: ("Microsoft.Network/virtualNetworks", "Virtual network")
            case .networkSecurityGroup: ("Microsoft.Network/networkSecurityGroups", "Network security group")
            case .resourceGroup: ("Microsoft.Resources/resourceGroups", "Resource group")
            }
        return CleanupStep(
            name: name, resourceGroup: group, resourceType: type, kindText: text,
            isVirtualMachine: kind == .virtualMachine,
            isNetworkInterface: kind == .networkInterface, isLoadBalancer: kind == .loadBalancer,
            isVirtualNetwork: kind == .virtualNetwork, isNetworkSecurityGroup: kind == .networkSecurityGroup)
    }
}
