/// A virtual network with its subnets: where restored NICs go back, what a rehearsal copies into an
/// isolated network, and the DNS servers a domain controller's clients use.
@CanonicalJSONWritable
public struct VirtualNetwork: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var location: String
    /// `addressSpace.addressPrefixes`, e.g. `10.0.0.0/16`.
    public var addressPrefixes: [String]
    /// `dhcpOptions.dnsServers`; empty means Azure-provided DNS.
    public var dnsServers: [String]
    /// Ordered by name.
    public var subnets: [Subnet]
    /// Ids of the networks this one is peered with.
    public var peeredNetworkIds: [String]
    public var tags: [String: String]

    public init(
        id: String, name: String, resourceGroup: String, subscriptionId: String, location: String,
        addressPrefixes: [String] = [], dnsServers: [String] = [], subnets: [Subnet] = [], peeredNetworkIds: [String] = [],
        tags: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.resourceGroup = resourceGroup
        self.subscriptionId = subscriptionId
        self.location = location
        self.addressPrefixes = addressPrefixes
        self.dnsServers = dnsServers
        self.subnets = subnets
        self.peeredNetworkIds = peeredNetworkIds
        self.tags = tags
    }
}

@CanonicalJSONWritable
public struct Subnet: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    /// `addressPrefix` and `addressPrefixes` merged, in input order.
    public var addressPrefixes: [String]
    public var networkSecurityGroupId: String?

    public init(id: String, name: String, addressPrefixes: [String] = [], networkSecurityGroupId: String? = nil) {
        self.id = id
        self.name = name
        self.addressPrefixes = addressPrefixes
        self.networkSecurityGroupId = networkSecurityGroupId
    }
}

/// A storage account, captured for what restore and backup care about: where unmanaged disks live
/// and whether network rules lock the account down.
@CanonicalJSONWritable
public struct StorageAccount: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var location: String
    /// `sku.name`, e.g. `Standard_GRS`, `Premium_LRS`.
    public var sku: String?
    /// `networkAcls.defaultAction`: `Allow` or `Deny` (network rules in force).
    public var networkDefaultAction: String?
    /// `networkAcls.bypass`, split on commas: `AzureServices`, `Logging`, `Metrics`, `None`.
    public var networkBypass: [String]

    public init(
        id: String, name: String, resourceGroup: String, subscriptionId: String, location: String, sku: String? = nil,
        networkDefaultAction: String? = nil, networkBypass: [String] = []
    ) {
        self.id = id
        self.name = name
        self.resourceGroup = resourceGroup
        self.subscriptionId = subscriptionId
        self.location = location
        self.sku = sku
        self.networkDefaultAction = networkDefaultAction
        self.networkBypass = networkBypass
    }
}
