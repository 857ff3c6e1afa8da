/// A load balancer as captured, complete enough to recreate it when it was lost with the VMs.
@CanonicalJSONWritable
public struct LoadBalancer: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var location: String
    /// `Basic`, `Standard` or `Gateway`; nil when the input does not say (ARM then means Basic).
    public var sku: String?
    public var skuTier: String?
    public var frontendIPConfigurations: [FrontendIPConfiguration]
    public var backendAddressPools: [BackendAddressPool]
    public var loadBalancingRules: [LoadBalancingRule]
    public var probes: [Probe]
    public var inboundNatRules: [InboundNatRule]
    public var tags: [String: String]

    public init(
        id: String, name: String, resourceGroup: String, subscriptionId: String, location: String,
        sku: String? = nil, skuTier: String? = nil, frontendIPConfigurations: [FrontendIPConfiguration] = [],
        backendAddressPools: [BackendAddressPool] = [], loadBalancingRules: [LoadBalancingRule] = [],
        probes: [Probe] = [], inboundNatRules: [InboundNatRule] = [], tags: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.resourceGroup = resourceGroup
        self.subscriptionId = subscriptionId
        self.location = location
        self.sku = sku
        self.skuTier = skuTier
        self.frontendIPConfigurations = frontendIPConfigurations
        self.backendAddressPools = backendAddressPools
        self.loadBalancingRules = loadBalancingRules
        self.probes = probes
        self.inboundNatRules = inboundNatRules
        self.tags = tags
    }
}

@CanonicalJSONWritable
public struct FrontendIPConfiguration: Codable, Sendable, Equatable {
    public var name: String
    public var privateIPAddress: String?
    public var privateIPAllocationMethod: AllocationMethod?
    public var subnetId: String?
    public var publicIPAddressId: String?
    public var zones: [String]

    public init(
        name: String, privateIPAddress: String? = nil, privateIPAllocationMethod: AllocationMethod? = nil,
        subnetId: String? = nil, publicIPAddressId: String? = nil, zones: [String] = []
    ) {
        self.name = name
        self.privateIPAddress = privateIPAddress
        self.privateIPAllocationMethod = privateIPAllocationMethod
        self.subnetId = subnetId
        self.publicIPAddressId = publicIPAddressId
        self.zones = zones
    }
}

@CanonicalJSONWritable
public struct BackendAddressPool: Codable, Sendable, Equatable {
    public var name: String

    public init(name: String) {
        self.name = name
    }
}

@CanonicalJSONWritable
public struct LoadBalancingRule: Codable, Sendable, Equatable {
    public var name: String
    /// Names (not ids) of the frontend, pool and probe inside the same load balancer.
    public var frontendIPConfigurationName: String?
    public var backendAddressPoolName: String?
    public var probeName: String?
    /// `Tcp`, `Udp` or `All`.
    public var `protocol`: String
    public var frontendPort: Int
    public var backendPort: Int
    public var idleTimeoutInMinutes: Int?
    public var enableFloatingIP: Bool
    public var enableTcpReset: Bool
    public var disableOutboundSnat: Bool
    /// `Default`, `SourceIP` or `SourceIPProtocol`.
    public var loadDistribution: String?

    public init(
        name: String, frontendIPConfigurationName: String? = nil, backendAddressPoolName: String? = nil,
        probeName: String? = nil, protocol: String, frontendPort: Int, backendPort: Int,
        idleTimeoutInMinutes: Int? = nil, enableFloatingIP: Bool = false, enableTcpReset: Bool = false,
        disableOutboundSnat: Bool = false, loadDistribution: String? = nil
    ) {
        self.name = name
        self.frontendIPConfigurationName = frontendIPConfigurationName
        self.backendAddressPoolName = backendAddressPoolName
        self.probeName = probeName
        self.protocol = `protocol`
        self.frontendPort = frontendPort
        self.backendPort = backendPort
        self.idleTimeoutInMinutes = idleTimeoutInMinutes
        self.enableFloatingIP = enableFloatingIP
        self.enableTcpReset = enableTcpReset
        self.disableOutboundSnat = disableOutboundSnat
        self.loadDistribution = loadDistribution
    }
}

@CanonicalJSONWritable
public struct Probe: Codable, Sendable, Equatable {
    public var name: String
    /// `Tcp`, `Http` or `Https`.
    public var `protocol`: String
    public var port: Int
    public var requestPath: String?
    public var intervalInSeconds: Int?
    public var numberOfProbes: Int?

    public init(
        name: String, protocol: String, port: Int, requestPath: String? = nil, intervalInSeconds: Int? = nil,
        numberOfProbes: Int? = nil
    ) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.requestPath = requestPath
        self.intervalInSeconds = intervalInSeconds
        self.numberOfProbes = numberOfProbes
    }
}

@CanonicalJSONWritable
public struct InboundNatRule: Codable, Sendable, Equatable {
    public var name: String
    public var frontendIPConfigurationName: String?
    public var `protocol`: String
    public var frontendPort: Int?
    public var backendPort: Int?
    public var idleTimeoutInMinutes: Int?
    public var enableFloatingIP: Bool
    public var enableTcpReset: Bool

    public init(
        name: String, frontendIPConfigurationName: String? = nil, protocol: String, frontendPort: Int? = nil,
        backendPort: Int? = nil, idleTimeoutInMinutes: Int? = nil, enableFloatingIP: Bool = false,
        enableTcpReset: Bool = false
    ) {
        self.name = name
        self.frontendIPConfigurationName = frontendIPConfigurationName
        self.protocol = `protocol`
        self.frontendPort = frontendPort
        self.backendPort = backendPort
        self.idleTimeoutInMinutes = idleTimeoutInMinutes
        self.enableFloatingIP = enableFloatingIP
        self.enableTcpReset = enableTcpReset
    }
}
