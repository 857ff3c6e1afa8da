public import RewireModel

/// Manifest in, `prepare.ps1` and `PREPARE.md` out, through `PreparePlanner`. Same manifest, same
/// options, same bytes.
public struct PrepareGenerator: Sendable {
    let renderer: ScriptRenderer
    public let options: PrepareOptions

    public init(options: PrepareOptions) throws(PrepareError) {
        self.options = options
        do {
            renderer = try ScriptRenderer(overrideDirectory: options.templatesDirectory)
        } catch {
            throw PrepareError(.template, error.message)
        }
    }

    /// Plans and renders. `limitations` are the documented limitations found by `rewire check`
    /// (its preflight findings), listed at the top of PREPARE.md.
    public func generate(_ manifest: Manifest, limitations: [Finding]) throws(PrepareError) -> (
        plan: PreparePlan, files: [GeneratedFile]
    ) {
        let plan = try PreparePlanner(options: options).plan(manifest, limitations: limitations)
        let header: ScriptHeader
        do {
            header = try ScriptGenerator.header(
                manifest, options: ScriptOptions(regenerateCommand: options.regenerateCommand))
        } catch {
            throw PrepareError(.template, error.message)
        }
        do {
            let script = try renderer.render(Self.script(plan, header: header), template: "prepare.ps1")
            let report = try renderer.render(Self.report(plan, header: header), template: "PREPARE.md")
            return (
                plan,
                [
                    GeneratedFile(name: "prepare.ps1", contents: script),
                    GeneratedFile(name: "PREPARE.md", contents: report),
                ]
            )
        } catch {
            throw PrepareError(.template, error.message)
        }
    }

    // MARK: - prepare.ps1

    static func script(_ plan: PreparePlan, header: ScriptHeader) -> PrepareScript {
        var context = SubscriptionContext()
        let prepared = plan.virtualMachines.filter(\.isPrepared)
        let readiness = prepared.map { vm in
            PrepareReadinessStep(
                switchSubscription: context.switchTo(vm.subscriptionId), vmName: vm.name,
                vmNameCommentCode: .comment(vm.name),
                resourceGroup: vm.resourceGroup,
                minimumVersion: vm.osType == .windows ? GuestAgentRequirement.minimumWindowsVersion : "",
                capturedCode: .comment("\(vm.name): captured agent \(agentText(vm.agent))"))
        }
        let rules = plan.securityGroups.compactMap(\.addition).map { rule in
            let ports = rule.fix.ports.map(String.init)
            return PrepareRuleStep(
                switchSubscription: context.switchTo(rule.subscriptionId), securityGroupName: rule.securityGroupName,
                resourceGroup: rule.resourceGroup,
                commentCode: .comment(
                    "NSG \(rule.securityGroupName): \(rule.denyRuleNames.joined(separator: ", ")) (priority \(rule.denyPriority)) denies the backup extension's outbound \(ports.joined(separator: ", "))"
                ),
                ruleName: rule.fix.name,
                description:
                    "Azure Backup: the VM agent and backup extension reach \(rule.fix.destination) (added by rewire prepare)",
                priorityCode: .int(rule.fix.priority), destination: rule.fix.destination, portsCode: .list(ports),
                action:
                    "Allow outbound TCP \(ports.joined(separator: ", ")) to \(rule.fix.destination) at priority \(rule.fix.priority)"
            )
        }
        let proxySteps: [PrepareProxyStep] =
            plan.proxy.map { proxy in
                prepared.map { vm in
                    PrepareProxyStep(
                        switchSubscription: context.switchTo(vm.subscriptionId), vmName: vm.name,
                        resourceGroup: vm.resourceGroup,
                        commandId: ProxyGuestScript.commandId(for: vm.osType),
                        script: ProxyGuestScript.text(for: vm.osType, proxy: proxy),
                        action: "Send the VM agent and backup extension through proxy \(proxy)")
                }
            } ?? []
        let vaults = plan.vaults.enumerated().map { index, vault in
            let names = plan.virtualMachines.filter { $0.region == vault.region && $0.isPrepared }.map(\.name)
            return PrepareVaultStep(
                switchSubscription: context.switchTo(vault.subscriptionId),
                commentCode: .comment("Vault \(vault.name) in \(vault.region) for \(names.joined(separator: ", "))"),
                vaultCode: .variable("vault\(index + 1)"), policyCode: .variable("policy\(index + 1)"),
                name: vault.name,
                resourceGroup: vault.resourceGroup, location: vault.region, redundancy: vault.redundancy.rawValue,
                policyName: vault.policyName, createGroupAction: "Create resource group in \(vault.region)",
                createAction: "Create Recovery Services vault in \(vault.region)",
                redundancyAction: "Set backup storage redundancy to \(vault.redundancy.rawValue)")
        }
        let vaultIndex = Dictionary(
            plan.vaults.enumerated().map { ($1.region, $0) }, uniquingKeysWith: { first, _ in first })
        var protections: [PrepareProtectionStep] = []
        var notices: [PrepareNoticeStep] = []
        for vm in plan.virtualMachines {
            switch vm.action {
            case .protect(let vaultName):
                guard let index = vaultIndex[vm.region] else { continue }
                let vault = plan.vaults[index]
                protections.append(
                    PrepareProtectionStep(
                        switchSubscription: context.switchTo(vm.subscriptionId),
                        vaultCode: .variable("vault\(index + 1)"),
                        policyCode: .variable("policy\(index + 1)"), vaultName: vaultName, vmName: vm.name,
                        vmNameCommentCode: .comment(vm.name), resourceGroup: vm.resourceGroup,
                        containerSubscriptionId: vm.subscriptionId.lowercased() == vault.subscriptionId.lowercased()
                            ? nil : vm.subscriptionId,
                        action: "Enable backup in vault \(vaultName) with policy \(vault.policyName)"))
            case .alreadyProtected(let vaultName):
                notices.append(
                    PrepareNoticeStep(
                        warning: false, message: "\(vm.name): already protected by vault \(vaultName); left as it is."))
            case .protectedByAnotherVault(let vaultId):
                notices.append(
                    PrepareNoticeStep(
                        warning: true,
                        message:
                            "\(vm.name): protected by another vault (\(vaultId)); not touched. Stop its protection there first to move it."
                    ))
            case .classic:
                notices.append(
                    PrepareNoticeStep(
                        warning: true,
                        message:
                            "\(vm.name): a classic (Service Management) VM; Azure Backup no longer protects classic VMs: migrate it to Resource Manager first."
                    ))
            }
        }
        let limitationLines = plan.limitations.map {
            CommentLine(textCode: .comment("\($0.severity.rawValue): \($0.vm.map { "\($0): " } ?? "")\($0.message)"))
        }
        return PrepareScript(
            header: header, limitationLines: limitationLines, hasLimitations: !limitationLines.isEmpty,
            readiness: readiness,
            rules: rules, hasRules: !rules.isEmpty, proxySteps: proxySteps,
            hasProxy: !proxySteps.isEmpty, vaults: vaults, protections: protections, notices: notices,
            vaultCountCode: .int(vaults.count), protectCountCode: .int(protections.count))
    }

    /// Remembers the subscription the script last selected, so a step switches only when it must.
    struct SubscriptionContext {
        var current: String?

        mutating func switchTo(_ subscription: String) -> String? {
            guard current?.lowercased() != subscription.lowercased() else { return nil }
            current = subscription
            return subscription
        }
    }

    static func agentText(_ agent: GuestAgent?) -> String {
        guard let agent else { return "not in the input (no instance view)" }
        let version = agent.version.flatMap { $0.isEmpty || $0 == "Unknown" ? nil : $0 }
        return "\(agent.status ?? "no status"), version \(version ?? "unknown")"
    }

    // MARK: - PREPARE.md

    static func report(_ plan: PreparePlan, header: ScriptHeader) -> PrepareReport {
        let limitations = plan.limitations.map(reportFinding)
        let blockers = plan.findings.map(reportFinding)
        let vaults = plan.vaults.map { vault in
            let protect = plan.virtualMachines.filter {
                $0.region == vault.region && $0.action == .protect(vault: vault.name)
            }.map(\.name)
            let already = plan.virtualMachines.filter {
                $0.region == vault.region && $0.action == .alreadyProtected(vault: vault.name)
            }
            .map(\.name)
            return PrepareReportRow([
                Markdown.escape(vault.region), Markdown.escape(vault.name), Markdown.escape(vault.resourceGroup),
                vault.redundancy.rawValue, Markdown.escape(vault.policyName),
                protect.isEmpty ? "—" : protect.map(Markdown.escape).joined(separator: ", "),
                already.isEmpty ? "—" : already.map(Markdown.escape).joined(separator: ", "),
            ])
        }
        let vms = plan.virtualMachines.map { vm in
            PrepareReportRow([
                Markdown.escape(vm.name), Markdown.escape(vm.region), vm.osType.rawValue,
                Markdown.escape(agentCell(vm)),
                Markdown.escape(backupCell(vm)), Markdown.escape(actionCell(vm, plan: plan)),
            ])
        }
        let groups = plan.securityGroups.map { group in
            PrepareReportRow([
                Markdown.escape(group.name), Markdown.escape(group.attachments.joined(separator: ", ")),
                Markdown.escape(group.vms.joined(separator: ", ")), Markdown.escape(verdictCell(group.verdict)),
            ])
        }
        let proxyVMs =
            plan.proxy == nil
            ? []
            : plan.virtualMachines.filter(\.isPrepared).map { vm in
                MarkdownLine(
                    textMarkdown: Markdown.escape(vm.name) + ": "
                        + (vm.osType == .linux
                            ? "`http_proxy`/`https_proxy` in `/etc/environment`, `HttpProxy.Host`/`HttpProxy.Port` in `/etc/waagent.conf`, agent restarted (RunShellScript)"
                            : "WinHTTP proxy (`netsh winhttp set proxy`) and the SYSTEM account's proxy under `HKEY_USERS\\S-1-5-18` (RunPowerShellScript)")
                )
            }
        let notPrepared = plan.virtualMachines.compactMap { vm -> MarkdownLine? in
            switch vm.action {
            case .protectedByAnotherVault(let id):
                MarkdownLine(
                    textMarkdown:
                        "\(Markdown.escape(vm.name)): protected by \(Markdown.escape(id)); prepare leaves it alone (no agent check, no NSG rule, no proxy). To move it, stop its protection in that vault and run prepare again."
                )
            case .classic:
                MarkdownLine(
                    textMarkdown:
                        "\(Markdown.escape(vm.name)): a classic VM. Classic VMs are out of scope: Azure Backup no longer protects them and the Az cmdlets cannot; migrate the VM to Resource Manager, capture it again and run prepare."
                )
            case .protect, .alreadyProtected: nil
            }
        }
        return PrepareReport(
            header: header, vmCountCode: .int(plan.virtualMachines.count), vaultCountCode: .int(plan.vaults.count),
            protectCountCode: .int(plan.protectedNow.count), hasLimitations: !limitations.isEmpty,
            limitations: limitations,
            hasBlockers: !blockers.isEmpty, blockers: blockers, vaults: vaults, vms: vms,
            hasSecurityGroups: !groups.isEmpty,
            securityGroups: groups, hasProxy: plan.proxy != nil,
            proxyMarkdown: Markdown.escape(plan.proxy?.description ?? ""),
            proxyVMs: proxyVMs, hasNotPrepared: !notPrepared.isEmpty, notPrepared: notPrepared)
    }

    static func reportFinding(_ finding: Finding) -> PrepareReportFinding {
        PrepareReportFinding(
            severityMarkdown: finding.severity.rawValue, vmMarkdown: Markdown.escape(finding.vm ?? "—"),
            codeMarkdown: Markdown.codeSpan(finding.code), messageMarkdown: Markdown.escape(finding.message),
            meaningMarkdown: Markdown.escape(finding.action ?? restoreMeaning(finding.severity)))
    }

    /// What a finding without its own advice means for the restore.
    static func restoreMeaning(_ severity: Severity) -> String {
        switch severity {
        case .blocker: "The restore cannot rebuild this as captured: fix it before relying on the backup."
        case .warning: "Restore only through rewire's scripts, and check this setting after a restore."
        case .info: "For information."
        }
    }

    static func agentCell(_ vm: PlannedVM) -> String {
        guard vm.action != .classic else { return "—" }
        var text = agentText(vm.agent)
        if vm.osType == .windows, let version = vm.agent?.version, let below = versionBelowMinimum(version), below {
            text += " (below \(GuestAgentRequirement.minimumWindowsVersion))"
        }
        return text
    }

    /// Whether a dotted version is below the Windows minimum; nil when it is not a version.
    static func versionBelowMinimum(_ version: String) -> Bool? {
        let parse = { (text: String) -> [Int]? in
            let parts = text.split(separator: ".").map { Int($0) }
            return parts.isEmpty || parts.contains(nil) ? nil : parts.compactMap { $0 }
        }
        guard let have = parse(version), let need = parse(GuestAgentRequirement.minimumWindowsVersion) else {
            return nil
        }
        for index in 0..<max(have.count, need.count) {
            let (a, b) = (index < have.count ? have[index] : 0, index < need.count ? need[index] : 0)
            if a != b { return a < b }
        }
        return false
    }

    static func backupCell(_ vm: PlannedVM) -> String {
        guard let backup = vm.backup else { return "not protected" }
        let vault = ResourceID(backup.vaultId)?.name ?? backup.vaultId
        return "vault \(vault)" + (backup.protectionState.map { ", \($0)" } ?? "")
            + (backup.lastRecoveryPoint.map { ", last point \($0)" } ?? "")
    }

    static func actionCell(_ vm: PlannedVM, plan: PreparePlan) -> String {
        switch vm.action {
        case .protect(let vault):
            let policy = plan.vaults.first { $0.region == vm.region }?.policyName ?? PrepareOptions.defaultPolicyName
            return "protect in \(vault) with \(policy)"
        case .alreadyProtected: return "skip: already protected by the target vault"
        case .protectedByAnotherVault: return "report only: protected by another vault"
        case .classic: return "report only: classic VM"
        }
    }

    static func verdictCell(_ verdict: PrepareConnectivity.Verdict?) -> String {
        switch verdict {
        case nil: return "not captured: not checked"
        case .open: return "open: no custom outbound rule stops the extension"
        case .allowedBy(let names): return "open: allowed by \(names.joined(separator: ", "))"
        case .blocked(let denies, let priority, let fix):
            return
                "blocked by \(denies.joined(separator: ", ")) (priority \(priority)): prepare.ps1 adds \(fix.name), allow TCP \(fix.ports.map(String.init).joined(separator: ", ")) to \(fix.destination) at priority \(fix.priority)"
        case .noFreePriority(let denies, let priority, let ports):
            return
                "BLOCKER: \(denies.joined(separator: ", ")) (priority \(priority)) denies \(ports.map(String.init).joined(separator: ", ")) and \(PrepareConnectivity.noFreePriorityReason(denyPriority: priority)); no rule added"
        }
    }
}
