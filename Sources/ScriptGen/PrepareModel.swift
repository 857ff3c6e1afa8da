/// What `prepare.ps1` places, laid out from a `PreparePlan`. Plain strings are data (the template
/// quotes them); `*Code` fields are finished code; `switchSubscription` is set on a step when the
/// subscription differs from the one the previous step used.
struct PrepareScript: Sendable {
    var header: ScriptHeader
    var limitationLines: [CommentLine]
    var hasLimitations: Bool
    var readiness: [PrepareReadinessStep]
    var rules: [PrepareRuleStep]
    var hasRules: Bool
    var proxySteps: [PrepareProxyStep]
    var hasProxy: Bool
    var vaults: [PrepareVaultStep]
    var protections: [PrepareProtectionStep]
    var notices: [PrepareNoticeStep]
    var vaultCountCode: PowerShellCode
    var protectCountCode: PowerShellCode
}

struct PrepareReadinessStep: Sendable {
    var switchSubscription: String?
    var vmName: String
    var vmNameCommentCode: PowerShellCode
    var resourceGroup: String
    /// Empty for Linux: the documentation sets no minimum there.
    var minimumVersion: String
    /// What capture saw, as a comment.
    var capturedCode: PowerShellCode
}

struct PrepareRuleStep: Sendable {
    var switchSubscription: String?
    var securityGroupName: String
    var resourceGroup: String
    var commentCode: PowerShellCode
    var ruleName: String
    var description: String
    var priorityCode: PowerShellCode
    var destination: String
    var portsCode: PowerShellCode
    var action: String
}

struct PrepareProxyStep: Sendable {
    var switchSubscription: String?
    var vmName: String
    var resourceGroup: String
    var commandId: String
    var script: String
    var action: String
}

struct PrepareVaultStep: Sendable {
    var switchSubscription: String?
    var commentCode: PowerShellCode
    var vaultCode: PowerShellCode
    var policyCode: PowerShellCode
    var name: String
    var resourceGroup: String
    var location: String
    var redundancy: String
    var policyName: String
    var createGroupAction: String
    var createAction: String
    var redundancyAction: String
}

struct PrepareProtectionStep: Sendable {
    var switchSubscription: String?
    var vaultCode: PowerShellCode
    var policyCode: PowerShellCode
    var vaultName: String
    var vmName: String
    var vmNameCommentCode: PowerShellCode
    var resourceGroup: String
    /// Set when the VM is in another subscription than its vault.
    var containerSubscriptionId: String?
    var action: String
}

/// A line the script prints about a VM it leaves alone.
struct PrepareNoticeStep: Sendable {
    var warning: Bool
    var message: String
}

/// What `PREPARE.md` places. Every `*Markdown` field is escaped in Swift.
struct PrepareReport: Sendable {
    var header: ScriptHeader
    var vmCountCode: PowerShellCode
    var vaultCountCode: PowerShellCode
    var protectCountCode: PowerShellCode
    var hasLimitations: Bool
    var limitations: [PrepareReportFinding]
    var hasBlockers: Bool
    var blockers: [PrepareReportFinding]
    var vaults: [PrepareReportRow]
    var vms: [PrepareReportRow]
    var hasSecurityGroups: Bool
    var securityGroups: [PrepareReportRow]
    var hasProxy: Bool
    var proxyMarkdown: String
    var proxyVMs: [MarkdownLine]
    var hasNotPrepared: Bool
    var notPrepared: [MarkdownLine]
}

struct PrepareReportFinding: Sendable {
    var severityMarkdown: String
    var vmMarkdown: String
    var codeMarkdown: String
    var messageMarkdown: String
    var meaningMarkdown: String
}

/// One table row, `| a | b |`, its cells escaped in Swift.
struct PrepareReportRow: Sendable {
    var rowMarkdown: String

    init(_ cells: [String]) {
        rowMarkdown = "| " + cells.joined(separator: " | ") + " |"
    }
}
