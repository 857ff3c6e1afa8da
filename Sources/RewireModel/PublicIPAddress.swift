/// A public IP. A static address is lost for good once the resource is deleted: a rebuild gets a
/// new one, so the captured address is kept to say which address DNS and firewalls expect.
@CanonicalJSONWritable
public struct PublicIPAddress: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var location: String
    public var sku: String?
    public var skuTier: String?
    public var allocationMethod: AllocationMethod
    public var ipAddress: String?
    public var ipVersion: IPVersion
    public var domainNameLabel: String?
    public var fqdn: String?
    public var idleTimeoutInMinutes: Int?
    public var zones: [String]
    public var tags: [String: String]

    public init(
        id: String, name: String, resourceGroup: String, subscriptionId: String, location: String, sku: String? = nil,
        skuTier: String? = nil, allocationMethod: AllocationMethod = .dynamic, ipAddress: String? = nil,
        ipVersion: IPVersion = .ipv4, domainNameLabel: String? = nil, fqdn: String? = nil,
        idleTimeoutInMinutes: Int? = nil, zones: [String] = [], tags: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.resourceGroup = resourceGroup
        self.subscriptionId = subscriptionId
        self.location = location
        self.sku = sku
        self.skuTier = skuTier
        self.allocationMethod = allocationMethod
        self.ipAddress = ipAddress
        self.ipVersion = ipVersion
        self.domainNameLabel = domainNameLabel
        self.fqdn = fqdn
        self.idleTimeoutInMinutes = idleTimeoutInMinutes
        self.zones = zones
        self.tags = tags
    }
}
