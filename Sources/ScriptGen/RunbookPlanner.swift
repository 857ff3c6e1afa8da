import RewireModel

/// Decides what RUNBOOK.md says about each VM: what gets rebuilt and what to check afterwards.
struct RunbookPlanner {
    let manifest: Manifest
    let header: ScriptHeader
    let lookup: ManifestIndex

    func plan(order: [VirtualMachine], files: [String]) -> Runbook {
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
                checks: checks.map(MarkdownLine.init))
        }
        return Runbook(
            header: header, vmCountCode: .int(order.count), hasFindings: !findings.isEmpty, findings: findings, vms: vms)
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
