/// What a VM script of a rehearsal does before and after the usual rebuild: create the rehearsal
/// resource groups and the isolated network it needs (`partials/rehearsal-network`), and tag the
/// restored disks so that `cleanup.ps1` finds them (`partials/rehearsal-disk-tags`).
struct RehearsalVMSteps: Sendable {
    var idCommentCode: PowerShellCode
    /// The production VM's name: the vault's backup item is still called that.
    var sourceVMName: String
    var sourceVMNameCommentCode: PowerShellCode
    var tagName: String
    var tagValue: String
    /// `@{ 'rewire-rehearsal' = '<id>' }`.
    var tagCode: PowerShellCode
    var resourceGroups: [RehearsalGroupStep]
    var securityGroups: [SecurityGroupStep]
    var networks: [RehearsalNetworkStep]
}

struct RehearsalGroupStep: Sendable {
    var name: String
    var location: String
}

struct RehearsalNetworkStep: Sendable {
    var name: String
    var resourceGroup: String
    var location: String
    var addressPrefixesCode: PowerShellCode
    var hasDnsServers: Bool
    var dnsServersCode: PowerShellCode
    var subnets: [RehearsalSubnetStep]
    var subnetsCode: PowerShellCode
    var tagsCode: PowerShellCode
}

struct RehearsalSubnetStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var addressPrefixesCode: PowerShellCode
    var networkSecurityGroupId: String?
}

/// `cleanup.ps1`: removes what the rehearsal created, each resource only when it carries the
/// rehearsal tag, in the order Azure allows (VMs, their disks, NICs, load balancers, networks,
/// NSGs, then the resource groups when they are empty).
struct CleanupScript: Sendable {
    var header: ScriptHeader
    var idCommentCode: PowerShellCode
    var subscriptionId: String
    var tagName: String
    var tagValue: String
    var virtualMachines: [CleanupStep]
    /// NICs, load balancers, networks and NSGs, in the order they can be removed.
    var networkResources: [CleanupStep]
    /// Resource groups whose rehearsal-tagged disks go (the VMs' target groups).
    var diskGroups: [String]
    var resourceGroups: [String]
}

struct CleanupStep: Sendable {
    var name: String
    var resourceGroup: String
    /// `Microsoft.Compute/virtualMachines`, ...
    var resourceType: String
    /// `VM`, `NIC`, ... for messages.
    var kindText: String
    var isVirtualMachine: Bool
    var isNetworkInterface: Bool
    var isLoadBalancer: Bool
    var isVirtualNetwork: Bool
    var isNetworkSecurityGroup: Bool
}
