/// Everything the classic (Service Management) restore template of one VM places, decided in Swift.
/// Plain strings are data (the template quotes them); `PowerShellCode` fields are finished code.
struct ClassicVMScript: Sendable {
    var header: ScriptHeader
    /// Capture findings about this VM and the generator's own decisions, as comment lines.
    var notes: [CommentLine]
    var vmName: String
    /// The name again, safe on a comment line (a quoted value may span lines, a comment may not).
    var vmNameCommentCode: PowerShellCode
    /// Nil when the manifest does not know it: the parameter becomes mandatory.
    var subscriptionId: String?
    var cloudService: String?
    var location: String?
    var hasVNet: Bool
    var vnetName: String?
    var subnetChecks: [String]
    var hasReservedIP: Bool
    var reservedIPName: String?
    /// The address the reserved IP had; a recreated one gets another.
    var reservedIPAddress: String?
    var size: String
    var availabilitySetName: String?
    /// `Windows` or `Linux`, for `Add-AzureDisk -OS`.
    var osName: String
    var osDiskName: String
    var osDiskCaching: String?
    var dataDisks: [ClassicDataDiskStep]
    var hasSubnets: Bool
    var subnetNamesCode: PowerShellCode
    var staticIP: String?
    var networkSecurityGroup: String?
    var enableIPForwarding: Bool
    var nics: [ClassicNICStep]
    var publicIPs: [ClassicPublicIPStep]
    /// Endpoints on the default VIP or an internal load balancer: part of the VM config.
    var endpoints: [ClassicEndpointStep]
    /// Endpoints on an extra VIP: added once the deployment and the VIP exist.
    var vipEndpoints: [ClassicEndpointStep]
    var hasVIPEndpoints: Bool
    var virtualIPs: [ClassicVirtualIPStep]
    var internalLoadBalancers: [ClassicInternalLoadBalancerStep]
    /// The internal load balancer the new deployment is created with (one per cloud service).
    var firstInternalLoadBalancerCode: PowerShellCode?
    var dnsServers: [ClassicDNSServerStep]
    var hasDnsServers: Bool
    var dnsServersCode: PowerShellCode
}

struct ClassicDataDiskStep: Sendable {
    var lunCode: PowerShellCode
    var diskName: String
    var diskCaching: String?
}

/// Nested steps name their optional fields apart from the script's: Mustache looks a missing
/// (nil) field up in the enclosing contexts, so a NIC without an NSG would print the VM's.
struct ClassicNICStep: Sendable {
    var name: String
    var subnetName: String
    var nicStaticIP: String?
    var nicNetworkSecurityGroup: String?
    /// `Enabled`, only when forwarding was on.
    var nicIPForwarding: String?
}

struct ClassicPublicIPStep: Sendable {
    var name: String
    var idleTimeoutCode: PowerShellCode?
    var domainNameLabel: String?
}

struct ClassicEndpointStep: Sendable {
    var name: String
    /// `tcp` / `udp`.
    var `protocol`: String
    var localPortCode: PowerShellCode
    var publicPortCode: PowerShellCode
    var lbSetName: String?
    var probe: ClassicProbeStep?
    /// A load-balanced set without a probe needs `-NoProbe` to pick its parameter set.
    var noProbe: Bool
    var directServerReturn: Bool
    var hasACL: Bool
    var aclCode: PowerShellCode
    var aclRules: [ClassicACLRuleStep]
    var internalLoadBalancerName: String?
    /// Only when it differs from the platform default of 4 minutes.
    var idleTimeoutCode: PowerShellCode?
    /// `sourceIP` / `sourceIPProtocol`; nil for the default 5-tuple.
    var distribution: String?
    var virtualIPName: String?
    /// `$vm` before the deployment exists, `$vmContext` after.
    var targetCode: PowerShellCode
}

struct ClassicProbeStep: Sendable {
    var portCode: PowerShellCode
    /// `tcp` / `http`.
    var `protocol`: String
    var path: String?
    var intervalCode: PowerShellCode
    var timeoutCode: PowerShellCode
}

struct ClassicACLRuleStep: Sendable {
    /// The ACL object again (see `LoadBalancerStep.lbCode`).
    var aclCode: PowerShellCode
    /// `Permit` / `Deny`.
    var action: String
    var remoteSubnet: String
    var orderCode: PowerShellCode
    var description: String?
}

struct ClassicVirtualIPStep: Sendable {
    var name: String
    var nameCommentCode: PowerShellCode
    /// A reserved IP bound to this VIP.
    var vipReservedIPName: String?
}

struct ClassicInternalLoadBalancerStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var ilbSubnetName: String?
    var ilbStaticIP: String?
}

struct ClassicDNSServerStep: Sendable {
    var variableCode: PowerShellCode
    var name: String
    var address: String
}
