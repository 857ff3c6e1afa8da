/// An NSG with its custom rules (the six default rules are Azure's and are not captured).
@CanonicalJSONWritable
public struct NetworkSecurityGroup: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var location: String
    /// Ordered by direction, then priority.
    public var securityRules: [SecurityRule]
    public var tags: [String: String]

    public init(
        id: String, name: String, resourceGroup: String, subscriptionId: String, location: String,
        securityRules: [SecurityRule] = [], tags: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.resourceGroup = resourceGroup
        self.subscriptionId = subscriptionId
        self.location = location
        self.securityRules = securityRules
        self.tags = tags
    }
}

@CanonicalJSONWritable
public struct SecurityRule: Codable, Sendable, Equatable {
    public var name: String
    public var description: String?
    /// `Inbound` or `Outbound`.
    public var direction: String
    public var priority: Int
    /// `Allow` or `Deny`.
    public var access: String
    /// `Tcp`, `Udp`, `Icmp`, `Esp`, `Ah` or `*`.
    public var `protocol`: String
    /// Address prefixes or service tags (`Storage`, `Storage.westeurope`, `Internet`, `*`).
    public var sourceAddressPrefixes: [String]
    public var destinationAddressPrefixes: [String]
    public var sourcePortRanges: [String]
    public var destinationPortRanges: [String]

    public init(
        name: String, description: String? = nil, direction: String, priority: Int, access: String,
        protocol: String, sourceAddressPrefixes: [String] = [], destinationAddressPrefixes: [String] = [],
        sourcePortRanges: [String] = [], destinationPortRanges: [String] = []
    ) {
        self.name = name
        self.description = description
        self.direction = direction
        self.priority = priority
        self.access = access
        self.protocol = `protocol`
        self.sourceAddressPrefixes = sourceAddressPrefixes
        self.destinationAddressPrefixes = destinationAddressPrefixes
        self.sourcePortRanges = sourcePortRanges
        self.destinationPortRanges = destinationPortRanges
    }
}
