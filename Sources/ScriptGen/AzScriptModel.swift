/// Everything the Az restore template of one VM places, decided in Swift. Plain strings are data
/// (the template quotes them); `PowerShellCode` fields are finished code.
struct AzVMScript: Sendable {
    var header: ScriptHeader
    var vmName: String
    var vmNameCommentCode: PowerShellCode
    var resourceGroup: String
    /// Where the restored disks are (and the VM goes): the VM's group, or the restore's target.
    var targetResourceGroup: String
    /// Built from disks `rewire restore` already restored (`script --restored`): no vault steps.
    var restored: Bool
    var restoredNoteCode: PowerShellCode
    /// Local VHDs to upload as managed disks (local vault restores).
    var uploads: [UploadStep]
    var restoredOSDiskName: String
    var restoredDataDiskNamesCode: PowerShellCode
    var subscriptionId: String
    var location: String
    var size: String
    var isWindows: Bool
    var zone: String?
    var availabilitySetId: String?
    var proximityPlacementGroupId: String?
    var licenseType: String?
    var hasTags: Bool
    var tagsCode: PowerShellCode
    /// `-Windows` or `-Linux` for Set-AzVMOSDisk.
    var osSwitchCode: PowerShellCode
    var osDisk: DiskStep
    var dataDisks: [DiskStep]
    var dataDiskLunsCode: PowerShellCode
    var hasDataDisks: Bool
    var subnets: [SubnetCheck]
    var publicIPs: [PublicIPStep]
    var securityGroups: [SecurityGroupStep]
    var loadBalancers: [LoadBalancerStep]
    var nics: [NICStep]
    /// Findings of capture that concern this VM, repeated as comments at the top.
    var notes: [CommentLine]
    /// Set for a domain controller: address pinning, VNet DNS, DSRM on the forest-recovery path.
    var domainController: DomainControllerSteps? = nil
    /// Set in a rehearsal (`script --rehearsal`): the isolated network to create first, the tag for the disks.
    var rehearsal: RehearsalVMSteps? = nil
}

/// The lines every generated file starts with. Comment text, so each field is one line of code.
struct ScriptHeader: Sendable {
    var schemaVersionCode: PowerShellCode
    var manifestDigestCode: PowerShellCode
    var regenerateCommandCode: PowerShellCode
    var regenerateCommandMarkdown: String
    /// Written to run as Azure Automation runbooks: managed identity sign-in, no prompts, progress on
    /// the verbose stream and results as output objects.
    var automation: Bool
    var progressCmdletCode: PowerShellCode
}

/// One line of a `#` comment.
struct CommentLine: Sendable {
    var textCode: PowerShellCode
}

struct UploadStep: Sendable {
    var diskName: String
    var path: String
    /// `Windows` or `Linux` for the OS disk; nil for data disks.
    var osType: String?
}

struct DiskStep: Sendable {
    var lunCode: PowerShellCode
    var caching: String?
    var originalName: String
    var writeAccelerator: Bool
}

struct SubnetCheck: Sendable {
    var vnetResourceGroup: String
    var vnetName: String
    var subnetName: String
}

struct PublicIPStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var resourceGroup: String
    var location: String
    /// Captured in the manifest: recreate when missing. Otherwise it must still exist.
    var captured: Bool
    var sku: String?
    var tier: String?
    var allocationMethod: String
    var ipVersion: String
    var domainNameLabel: String?
    var idleTimeoutCode: PowerShellCode?
    var hasZones: Bool
    var zonesCode: PowerShellCode
    var hasTags: Bool
    var tagsCode: PowerShellCode
    /// The address the captured IP had; a recreated IP gets another one.
    var capturedAddress: String?
}

struct SecurityGroupStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var resourceGroup: String
    var location: String
    var captured: Bool
    var rules: [SecurityRuleStep]
    var rulesCode: PowerShellCode
    var hasRules: Bool
    var hasTags: Bool
    var tagsCode: PowerShellCode
}

struct SecurityRuleStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var description: String?
    var `protocol`: String
    var direction: String
    var access: String
    var priorityCode: PowerShellCode
    var sourceAddressCode: PowerShellCode
    var destinationAddressCode: PowerShellCode
    var sourcePortCode: PowerShellCode
    var destinationPortCode: PowerShellCode
}

struct LoadBalancerStep: Sendable {
    var variableCode: PowerShellCode
    /// The same variable and name again: templates are rendered through `Mirror`, which sees only
    /// stored properties, and a section over the NAT rules must still reach the load balancer's.
    var lbCode: PowerShellCode
    var name: String
    var lbName: String
    var resourceGroup: String
    var location: String
    var captured: Bool
    var sku: String?
    var tier: String?
    var frontends: [FrontendStep]
    var pools: [PoolStep]
    var probes: [ProbeStep]
    var rules: [RuleStep]
    var natRules: [NatRuleStep]
    var frontendsCode: PowerShellCode
    var poolsCode: PowerShellCode
    var probesCode: PowerShellCode
    var rulesCode: PowerShellCode
    var natRulesCode: PowerShellCode
    var hasFrontends: Bool
    var hasPools: Bool
    var hasProbes: Bool
    var hasRules: Bool
    var hasNatRules: Bool
    var hasTags: Bool
    var tagsCode: PowerShellCode
    /// Pools and NAT rules this VM's NICs join: added to an existing load balancer that lacks them.
    var requiredPools: [String]
    var requiredNatRules: [NatRuleStep]
}

struct FrontendStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var publicIPAddressId: String?
    var subnetId: String?
    var privateIPAddress: String?
    var hasZones: Bool
    var zonesCode: PowerShellCode
}

struct PoolStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
}

struct ProbeStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var `protocol`: String
    var portCode: PowerShellCode
    var intervalCode: PowerShellCode
    var countCode: PowerShellCode
    var requestPath: String?
}

struct RuleStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var `protocol`: String
    var frontendPortCode: PowerShellCode
    var backendPortCode: PowerShellCode
    var frontendCode: PowerShellCode?
    var poolCode: PowerShellCode?
    var probeCode: PowerShellCode?
    var idleTimeoutCode: PowerShellCode?
    var loadDistribution: String?
    var enableFloatingIP: Bool
    var enableTcpReset: Bool
    var disableOutboundSnat: Bool
}

struct NatRuleStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var `protocol`: String
    var frontendName: String?
    var frontendCode: PowerShellCode?
    var frontendPortCode: PowerShellCode?
    var backendPortCode: PowerShellCode?
    var idleTimeoutCode: PowerShellCode?
    var enableFloatingIP: Bool
    var enableTcpReset: Bool
}

struct NICStep: Sendable {
    var variableCode: PowerShellCode
    /// The same variable again, for sections over the IP configurations (see `LoadBalancerStep.lbCode`).
    var nicCode: PowerShellCode
    var acceleratedNetworkingCode: PowerShellCode
    var ipForwardingCode: PowerShellCode
    var nsgName: String?
    var nsgResourceGroup: String?
    var id: String
    var name: String
    var resourceGroup: String
    var location: String
    var primary: Bool
    /// Captured in the manifest: recreated or converged. Otherwise reattached by id if it still exists.
    var captured: Bool
    var networkSecurityGroupId: String?
    var enableAcceleratedNetworking: Bool
    var enableIPForwarding: Bool
    var hasDnsServers: Bool
    var dnsServersCode: PowerShellCode
    var hasTags: Bool
    var tagsCode: PowerShellCode
    var ipConfigurations: [IPConfigurationStep]
    var ipConfigurationsCode: PowerShellCode
}

struct IPConfigurationStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var primary: Bool
    var subnetId: String?
    /// Only for static allocation: a dynamic address is left to Azure.
    var staticPrivateIPAddress: String?
    var ipVersion: String
    var publicIPAddressId: String?
    var hasPools: Bool
    var poolIdsCode: PowerShellCode
    var hasNatRules: Bool
    var natRuleIdsCode: PowerShellCode
    var hasApplicationSecurityGroups: Bool
    var applicationSecurityGroupIdsCode: PowerShellCode
}

/// `restore-all.ps1`: every VM script in order, with the shared parameters passed through.
struct RestoreAllScript: Sendable {
    var header: ScriptHeader
    var restored: Bool
    var steps: [RestoreAllStep]
}

/// `publish-runbooks.ps1` (with `--automation`): every runbook to import, children first.
struct PublishRunbooksScript: Sendable {
    var header: ScriptHeader
    var runbooks: [PublishedRunbook]
}

struct PublishedRunbook: Sendable {
    var name: String
    var file: String
}

struct RestoreAllStep: Sendable {
    var vmName: String
    var vmNameCommentCode: PowerShellCode
    var scriptFile: String
    /// `.\<runbook>.ps1`: how an Azure Automation runbook calls a published child runbook inline.
    var runbookCallCode: PowerShellCode
    var indexCode: PowerShellCode
    var countCode: PowerShellCode
}
