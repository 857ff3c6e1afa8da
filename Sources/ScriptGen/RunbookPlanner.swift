import RewireModel

/// Decides what RUNBOOK.md says about each VM: what gets rebuilt and what to check afterwards.
struct RunbookPlanner {
    let manifest: Manifest
    let header: ScriptHeader
    let lookup: ManifestIndex
    /// What the domain-controller decisions assume about this run, as for the scripts.
    var domainControllerContext = DomainControllerPlan.Context()
    /// The rehearsal these scripts are for, if any.
    var rehearsal: RehearsalPlan?

    func plan(order: [VirtualMachine], files: [String]) -> Runbook {
        let decisions = Dictionary(
            DomainControllerPlan.plans(for: manifest, context: domainControllerContext).map { ($0.vm, $0) },
            uniquingKeysWith: { first, _ in first })
        let findings = manifest.findings.filter { $0.severity != .info }.map {
            RunbookFinding(
                severityMarkdown: $0.severity.rawValue, vmMarkdown: Markdown.escape($0.vm ?? "—"),
                codeMarkdown: Markdown.codeSpan($0.code), messageMarkdown: Markdown.escape($0.message))
        }
        let vms = zip(order, files).enumerated().map { index, pair in
            let (vm, file) = pair
            let (lines, checks) = describe(vm)
            return RunbookVM(
                indexCode: .int(index + 1), vmNameMarkdown: Markdown.escape(vm.name), vmName: vm.name,
                resourceGroup: vm.resourceGroup, scriptPath: "./" + file, lines: lines.map(MarkdownLine.init),
                checks: checks.map(MarkdownLine.init), decision: decisions[vm.name].map { decision($0, scriptPath: "./" + file) })
        }
        return Runbook(
            header: header, vmCountCode: .int(order.count), hasFindings: !findings.isEmpty, findings: findings, vms: vms,
            hasDomainControllers: !decisions.isEmpty, rehearsal: rehearsal.map(Self.rehearsalSection))
    }

    static func rehearsalSection(_ plan: RehearsalPlan) -> RunbookRehearsal {
        func names(_ kind: RehearsalResource.Kind) -> String {
            let list = plan.resources.filter { $0.kind == kind }.map { "`\(Markdown.codeSpan($0.name))`" }
            return list.isEmpty ? "none" : list.joined(separator: ", ")
        }
        return RunbookRehearsal(
            idMarkdown: Markdown.codeSpan(plan.id), tagMarkdown: Markdown.codeSpan("\(RehearsalPlan.tagName)=\(plan.id)"),
            networksMarkdown: names(.virtualNetwork), resourceGroupsMarkdown: names(.resourceGroup),
            resourceCountCode: .int(plan.resources.count))
    }

    /// The decision point of a domain controller (restore-procedures §4): the question to answer
    /// before its script runs, and what success looks like on the path rewire chose.
    private func decision(_ plan: DomainControllerPlan, scriptPath: String) -> RunbookDecision {
        let domain = Markdown.codeSpan(plan.role.domain ?? "<domain>")
        let domainText = plan.role.domain.map { "`\(Markdown.codeSpan($0))`" } ?? "its domain"
        let vm = Markdown.escape(plan.vm)
        var steps: [String] = []
        let summary: String
        switch plan.path {
        case .replica:
            if let first = plan.recoveredFirst {
                summary = "rewire restores this DC **like any VM** after \(Markdown.escape(first)), which recovers the domain first."
                steps.append("\(Markdown.escape(first)) is back: `dcdiag /v` passes on it. **No** → stop here and finish \(Markdown.escape(first)) first.")
            } else {
                let others = plan.otherDomainControllers.map { " (\($0) other DC\($0 == 1 ? "" : "s") of the domain stay up)" } ?? ""
                summary = "rewire restores this DC **like any VM**: it replicates from the other DCs of \(domainText)\(others)."
                steps.append(
                    "Another DC of \(domainText) answers, from a machine in the network: `nltest /dsgetdc:\(domain)`. **Yes** → go on. **No** → do not run the script as is: this is a forest recovery (see \"Domain controllers\" below).")
            }
            steps.append("After the VM is up: `dcdiag /v` passes and `repadmin /replsummary` shows it replicating. Events 2170 and 1109 are expected: Azure gave it a new VM-GenerationID.")
        case .forestRecovery:
            summary = "rewire restores this DC by **forest recovery**: " + Markdown.escape(plan.findings.first?.message ?? "no other DC of the domain can be reached") + "."
            steps.append("Nobody restores another DC of \(domainText) at the same time, and no DC of the domain answers (`nltest /dsgetdc:\(domain)`). **A DC answers** → stop: restore this one like any VM instead (`\(Markdown.codeSpan("& " + PowerShell.quote(scriptPath) + " @restore -SkipDsrm"))`).")
            steps.append("The DSRM administrator password of \(vm) is at hand (rewire never stores it).")
            steps.append("Run the script: the VM starts once, then restarts into Directory Services Restore Mode. Success: the warning `... restarts into Directory Services Restore Mode`.")
            steps.append("In the guest, as `.\\Administrator` with the DSRM password: restore AD non-authoritatively with SYSVOL authoritative; do not let it restart by itself.")
            steps.append("Run the script again with `-LeaveDsrm`. Success: `... restarts normally`; then `dcdiag /v` passes and `NET SHARE` lists SYSVOL and NETLOGON.")
        }
        if !plan.role.fsmoRoles.isEmpty {
            steps.append("It holds \(plan.role.fsmoRoles.map(Markdown.escape).joined(separator: ", ")): `netdom query fsmo` names a DC that is up for every role (seize the ones held by DCs that are not coming back).")
        }
        steps.append(
            "The recovery point is younger than the tombstone lifetime (\(DomainControllerPlan.defaultTombstoneLifetimeDays) days unless the forest sets another): the script warns otherwise. **Older** → do not restore it: promote a new DC instead.")
        steps.append("Its clients resolve names through it: the virtual network's DNS servers list its address (the script re-pins its static IP).")
        return RunbookDecision(
            titleMarkdown: "Decision point: \(vm) is a domain controller of \(domainText)", summaryMarkdown: summary,
            steps: steps.map(MarkdownLine.init))
    }

    private func describe(_ vm: VirtualMachine) -> (lines: [String], checks: [String]) {
        var lines = [
            "\(Markdown.escape(vm.size)), \(vm.osType.rawValue), in \(Markdown.escape(vm.location))"
                + (vm.zone.map { ", zone \(Markdown.escape($0))" } ?? "")
                + (vm.availabilitySetId.flatMap { ResourceID($0)?.name }.map { ", availability set \(Markdown.escape($0))" } ?? ""),
            "OS disk and \(vm.dataDisks.count) data disk(s)"
                + (vm.dataDisks.isEmpty ? "" : " at LUN " + vm.dataDisks.map { String($0.lun ?? 0) }.joined(separator: ", ")),
        ]
        var checks: [String] = []
        for reference in vm.networkInterfaces {
            guard let nic = lookup.networkInterface(id: reference.id) else {
                let name = ResourceID(reference.id)?.name ?? reference.id
                lines.append("NIC \(Markdown.escape(name))\(reference.primary ? " (primary)" : ""): not captured, reattached only if it still exists")
                continue
            }
            var parts: [String] = []
            for configuration in nic.ipConfigurations {
                var text = Markdown.escape(configuration.name)
                if configuration.privateIPAllocationMethod == .static, let address = configuration.privateIPAddress {
                    text += " static \(Markdown.escape(address))"
                    checks.append(
                        "NIC \(Markdown.escape(nic.name)) \(Markdown.escape(configuration.name)) has the static address \(Markdown.escape(address))")
                }
                if let pip = configuration.publicIPAddressId.flatMap({ ResourceID($0)?.name }) {
                    text += ", public IP \(Markdown.escape(pip))"
                    if let captured = configuration.publicIPAddressId.flatMap(lookup.publicIPAddress(id:)), let address = captured.ipAddress {
                        checks.append("Public IP \(Markdown.escape(captured.name)) still has \(Markdown.escape(address)) (else update DNS)")
                    }
                }
                for pool in configuration.loadBalancerBackendAddressPoolIds.compactMap(ResourceID.init) {
                    let lb = pool.parent?.name ?? "?"
                    text += ", pool \(Markdown.escape(lb))/\(Markdown.escape(pool.name ?? ""))"
                    checks.append(
                        "NIC \(Markdown.escape(nic.name)) is in backend pool \(Markdown.escape(pool.name ?? "")) of \(Markdown.escape(lb)) and the probe reports it healthy")
                }
                for rule in configuration.loadBalancerInboundNatRuleIds.compactMap(ResourceID.init) {
                    text += ", NAT rule \(Markdown.escape(rule.parent?.name ?? "?"))/\(Markdown.escape(rule.name ?? ""))"
                }
                parts.append(text)
            }
            var flags: [String] = []
            if nic.enableAcceleratedNetworking { flags.append("accelerated networking") }
            if nic.enableIPForwarding { flags.append("IP forwarding") }
            if let nsg = nic.networkSecurityGroupId.flatMap({ ResourceID($0)?.name }) { flags.append("NSG \(Markdown.escape(nsg))") }
            if !nic.dnsServers.isEmpty { flags.append("DNS " + nic.dnsServers.map(Markdown.escape).joined(separator: ", ")) }
            lines.append(
                "NIC \(Markdown.escape(nic.name))\(reference.primary ? " (primary)" : ""): " + parts.joined(separator: "; ")
                    + (flags.isEmpty ? "" : " — " + flags.joined(separator: ", ")))
        }
        return (lines, checks)
    }
}
