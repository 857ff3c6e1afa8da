/// A NIC with every IP configuration. Load-balancer membership lives here, not on the VM or the
/// load balancer: the NIC's IP configurations name the backend pools and inbound NAT rules.
@CanonicalJSONWritable
public struct NetworkInterface: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var location: String
    /// The VM this NIC is attached to, as the NIC reports it.
    public var virtualMachineId: String?
    public var ipConfigurations: [IPConfiguration]
    public var networkSecurityGroupId: String?
    public var enableAcceleratedNetworking: Bool
    public var enableIPForwarding: Bool
    /// NIC-level DNS servers (empty: inherit from the virtual network).
    public var dnsServers: [String]
    public var tags: [String: String]

    public init(
        id: String, name: String, resourceGroup: String, subscriptionId: String, location: String,
        virtualMachineId: String? = nil, ipConfigurations: [IPConfiguration] = [], networkSecurityGroupId: String? = nil,
        enableAcceleratedNetworking: Bool = false, enableIPForwarding: Bool = false, dnsServers: [String] = [],
        tags: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.resourceGroup = resourceGroup
        self.subscriptionId = subscriptionId
        self.location = location
        self.virtualMachineId = virtualMachineId
        self.ipConfigurations = ipConfigurations
        self.networkSecurityGroupId = networkSecurityGroupId
        self.enableAcceleratedNetworking = enableAcceleratedNetworking
        self.enableIPForwarding = enableIPForwarding
        self.dnsServers = dnsServers
        self.tags = tags
    }
}

@CanonicalJSONWritable
public struct IPConfiguration: Codable, Sendable, Equatable {
    public var name: String
    public var primary: Bool
    public var subnetId: String?
    public var privateIPAddress: String?
    public var privateIPAllocationMethod: AllocationMethod
    public var privateIPAddressVersion: IPVersion
    public var publicIPAddressId: String?
    public var loadBalancerBackendAddressPoolIds: [String]
    public var loadBalancerInboundNatRuleIds: [String]
    public var applicationSecurityGroupIds: [String]

    public init(
        name: String, primary: Bool, subnetId: String? = nil, privateIPAddress: String? = nil,
        privateIPAllocationMethod: AllocationMethod = .dynamic, privateIPAddressVersion: IPVersion = .ipv4,
        publicIPAddressId: String? = nil, loadBalancerBackendAddressPoolIds: [String] = [],
        loadBalancerInboundNatRuleIds: [String] = [], applicationSecurityGroupIds: [String] = []
    ) {
        self.name = name
        self.primary = primary
        self.subnetId = subnetId
        self.privateIPAddress = privateIPAddress
        self.privateIPAllocationMethod = privateIPAllocationMethod
        self.privateIPAddressVersion = privateIPAddressVersion
        self.publicIPAddressId = publicIPAddressId
        self.loadBalancerBackendAddressPoolIds = loadBalancerBackendAddressPoolIds
        self.loadBalancerInboundNatRuleIds = loadBalancerInboundNatRuleIds
        self.applicationSecurityGroupIds = applicationSecurityGroupIds
    }
}

@CanonicalJSONWritable
public enum AllocationMethod: String, Codable, Sendable, CaseIterable {
    case `static` = "Static"
    case dynamic = "Dynamic"
}

@CanonicalJSONWritable
public enum IPVersion: String, Codable, Sendable, CaseIterable {
    case ipv4 = "IPv4"
    case ipv6 = "IPv6"
}
