public import RewireModel

/// Turns a manifest and the options into a `PreparePlan`: every decision of `rewire prepare`.
public struct PreparePlanner: Sendable {
    public let options: PrepareOptions

    public init(options: PrepareOptions) {
        self.options = options
    }

    /// Plans the preparation; throws (before anything is written) for an invalid vault name, a
    /// `--vault-name` given for several regions, or an invalid policy or resource group name.
    public func plan(_ manifest: Manifest, limitations: [Finding]) throws(PrepareError) -> PreparePlan {
        try validateNames()
        let arm = manifest.virtualMachines.filter { $0.classic == nil }
        let regions = Dictionary(grouping: arm, by: { Region.key($0.location) })
        let regionNames = regions.keys.sorted()
        if case .name(let name) = options.vaultNaming, regionNames.count > 1 {
            throw PrepareError(
                .usage,
                "--vault-name '\(name)' names one vault, but the VMs are in \(regionNames.count) regions (\(regionNames.joined(separator: ", "))) and a vault protects only VMs of its own region; use --vault-prefix"
            )
        }
        var vaults: [PlannedVault] = []
        for region in regionNames {
            vaults.append(try vault(for: region, vms: regions[region] ?? []))
        }
        let vaultByRegion = Dictionary(vaults.map { ($0.region, $0) }, uniquingKeysWith: { first, _ in first })
        let lookup = ManifestIndex(manifest)
        let planned = manifest.virtualMachines.map { vm in
            Self.plannedVM(vm, vault: vm.classic == nil ? vaultByRegion[Region.key(vm.location)] : nil)
        }
        let (groups, findings) = securityGroups(manifest, planned: planned, lookup: lookup)
        return PreparePlan(
            vaults: vaults, virtualMachines: planned, securityGroups: groups, proxy: options.proxy, findings: findings,
            limitations: limitations)
    }

    private func validateNames() throws(PrepareError) {
        switch options.vaultNaming {
        case .automatic: break
        case .name(let name):
            if let problem = VaultName.problem(name) { throw PrepareError(.usage, "--vault-name: \(problem)") }
        case .prefix(let prefix):
            // The full names are checked per region; the prefix must at least start valid names.
            if prefix.isEmpty { throw PrepareError(.usage, "--vault-prefix: expected a non-empty prefix, e.g. rsv-") }
            if let problem = VaultName.problem(prefix + "a") {
                throw PrepareError(
                    .usage, "--vault-prefix '\(prefix)' makes invalid vault names (<prefix><region>): \(problem)")
            }
        }
        if let policy = options.policyName, policy.isEmpty || policy.count > 150 || policy.contains(where: \.isNewline)
        {
            throw PrepareError(
                .usage, "--policy '\(policy)': expected the name of a backup policy (1 to 150 characters, one line)")
        }
        if let group = options.resourceGroup {
            let allowed = group.allSatisfy { $0.isLetter || $0.isNumber || "-_.()".contains($0) }
            guard (1...90).contains(group.count), allowed, !group.hasSuffix(".") else {
                throw PrepareError(
                    .usage,
                    "--resource-group '\(group)': expected 1 to 90 letters, digits, '-', '_', '.', '(' or ')', not ending in '.'"
                )
            }
        }
    }

    /// The region's vault: named by the options, or (automatic) the vault that already protects
    /// most of the region's VMs, else `rsv-<region>`.
    private func vault(for region: String, vms: [VirtualMachine]) throws(PrepareError) -> PlannedVault {
        let protectors = vms.compactMap { $0.backup.flatMap { ResourceID($0.vaultId) } }.filter {
            $0.name != nil && $0.resourceGroup != nil && $0.subscriptionId != nil
        }
        let counts = Dictionary(protectors.map { (ResourceID.key($0.raw), 1) }, uniquingKeysWith: +)
        let first = vms.sorted { ($0.name, $0.resourceGroup) < ($1.name, $1.resourceGroup) }.first
        let name: String
        switch options.vaultNaming {
        case .name(let given): name = given
        case .prefix(let prefix): name = prefix + region
        case .automatic:
            let candidates = protectors.filter {
                options.resourceGroup == nil || $0.resourceGroup?.lowercased() == options.resourceGroup?.lowercased()
            }
            let adopted = candidates.min { left, right in
                let (a, b) = (counts[ResourceID.key(left.raw)] ?? 0, counts[ResourceID.key(right.raw)] ?? 0)
                return a != b ? a > b : ResourceID.key(left.raw) < ResourceID.key(right.raw)
            }
            name = adopted?.name ?? PrepareOptions.defaultVaultPrefix + region
        }
        if let problem = VaultName.problem(name) {
            throw PrepareError(.usage, "the vault for region \(region): \(problem)")
        }
        // An existing vault of that name protecting the region's VMs fixes the group and subscription.
        let existing = protectors.first {
            $0.name?.lowercased() == name.lowercased()
                && (options.resourceGroup == nil
                    || $0.resourceGroup?.lowercased() == options.resourceGroup?.lowercased())
        }
        let group = options.resourceGroup ?? existing?.resourceGroup ?? first?.resourceGroup ?? ""
        let subscription = existing?.subscriptionId ?? first?.subscriptionId ?? ""
        return PlannedVault(
            region: region, name: name, resourceGroup: group, subscriptionId: subscription,
            redundancy: options.redundancy,
            policyName: options.policyName ?? PrepareOptions.defaultPolicyName, alreadyProtectsVMs: existing != nil)
    }

    static func plannedVM(_ vm: VirtualMachine, vault: PlannedVault?) -> PlannedVM {
        let action: PrepareAction
        if vm.classic != nil {
            action = .classic
        } else if let backup = vm.backup, let vault {
            action =
                ResourceID.key(backup.vaultId) == ResourceID.key(vault.id)
                ? .alreadyProtected(vault: vault.name) : .protectedByAnotherVault(vaultId: backup.vaultId)
        } else {
            action = .protect(vault: vault?.name ?? "")
        }
        return PlannedVM(
            name: vm.name, resourceGroup: vm.resourceGroup, subscriptionId: vm.subscriptionId,
            region: Region.key(vm.location),
            osType: vm.osType, agent: vm.agent, backup: vm.backup,
            backupPorts: BackupConnectivity.requiredPorts(for: vm), action: action)
    }

    /// The NSGs on the NICs and subnets of every prepared VM, each assessed once for the ports all
    /// its VMs need.
    private func securityGroups(_ manifest: Manifest, planned: [PlannedVM], lookup: ManifestIndex) -> (
        [SecurityGroupAssessment], [Finding]
    ) {
        struct Entry {
            var id: String
            var attachments: [String] = []
            var vms: [String] = []
            var ports: Set<Int> = []
        }
        var entries: [String: Entry] = [:]
        func note(_ id: String, attachment: String, vm: PlannedVM) {
            var entry = entries[ResourceID.key(id)] ?? Entry(id: id)
            if !entry.attachments.contains(attachment) { entry.attachments.append(attachment) }
            if !entry.vms.contains(vm.name) { entry.vms.append(vm.name) }
            entry.ports.formUnion(vm.backupPorts)
            entries[ResourceID.key(id)] = entry
        }
        for (vm, plan) in zip(manifest.virtualMachines, planned) where plan.isPrepared {
            for reference in vm.networkInterfaces {
                guard let nic = lookup.networkInterface(id: reference.id) else { continue }
                if let nsg = nic.networkSecurityGroupId { note(nsg, attachment: "NIC \(nic.name)", vm: plan) }
                for configuration in nic.ipConfigurations {
                    guard let subnetId = configuration.subnetId, let found = lookup.subnet(id: subnetId),
                        let nsg = found.subnet.networkSecurityGroupId
                    else { continue }
                    note(nsg, attachment: "subnet \(found.network.name)/\(found.subnet.name)", vm: plan)
                }
            }
        }
        var assessments: [SecurityGroupAssessment] = []
        var findings: [Finding] = []
        for key in entries.keys.sorted() {
            guard let entry = entries[key] else { continue }
            let parsed = ResourceID(entry.id)
            guard let group = lookup.networkSecurityGroup(id: entry.id) else {
                let name = parsed?.name ?? entry.id
                assessments.append(
                    SecurityGroupAssessment(
                        id: entry.id, name: name, resourceGroup: parsed?.resourceGroup ?? "",
                        subscriptionId: parsed?.subscriptionId ?? "",
                        region: "", attachments: entry.attachments, vms: entry.vms, verdict: nil))
                findings.append(
                    Finding(
                        severity: .warning, code: "prepare.securityGroup.notCaptured",
                        message:
                            "NSG '\(name)' (\(entry.attachments.joined(separator: ", "))) is not in the manifest: its outbound rules were not checked",
                        setting: entry.id, action: "Capture the NSG with the VMs and run rewire prepare again."))
                continue
            }
            let verdict = PrepareConnectivity.assess(group, ports: entry.ports.sorted())
            if case .noFreePriority(let denies, let priority, let ports) = verdict {
                findings.append(
                    Finding(
                        severity: .blocker, code: "prepare.securityGroup.noFreePriority",
                        message:
                            "NSG '\(group.name)' denies outbound \(ports.map(String.init).joined(separator: ", ")) with rule \(denies.joined(separator: ", ")) at priority \(priority), and \(PrepareConnectivity.noFreePriorityReason(denyPriority: priority)): no allow rule for the backup extension can outrank it",
                        vm: entry.vms.count == 1 ? entry.vms[0] : nil, setting: group.id,
                        action: (priority <= PrepareConnectivity.highestPriority
                            ? "Give the deny rule a larger priority number"
                            : "Free a priority below \(priority) (or give the deny rule a larger number)")
                            + ", then run rewire prepare again; or send the VMs through a proxy with --proxy."))
            }
            assessments.append(
                SecurityGroupAssessment(
                    id: group.id, name: group.name, resourceGroup: group.resourceGroup,
                    subscriptionId: group.subscriptionId,
                    region: Region.key(group.location), attachments: entry.attachments, vms: entry.vms,
                    verdict: verdict))
        }
        // Blockers first; otherwise in NSG order.
        let ordered = findings.enumerated().sorted {
            ($0.element.severity, $0.offset) < ($1.element.severity, $1.offset)
        }.map(\.element)
        return (assessments, ordered)
    }
}
