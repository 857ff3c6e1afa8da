/// The contract between capture, restore, check and script: every special setting of a set of VMs,
/// captured before the disaster, in a form that diffs cleanly in git.
///
/// Arrays are kept in a stable order (VMs by name, NICs in VM order, IP configurations in NIC
/// order, everything else by id) so that two captures of the same estate give the same bytes.
@CanonicalJSONWritable
public struct Manifest: Codable, Sendable, Equatable {
    /// The schema version this build of rewire writes and understands.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var virtualMachines: [VirtualMachine]
    public var networkInterfaces: [NetworkInterface]
    public var loadBalancers: [LoadBalancer]
    public var publicIPAddresses: [PublicIPAddress]
    public var networkSecurityGroups: [NetworkSecurityGroup]
    /// Virtual networks with their subnets (added after schema version 1 was first written: an older
    /// manifest without them reads as empty).
    public var virtualNetworks: [VirtualNetwork]
    /// Storage accounts (same note as `virtualNetworks`).
    public var storageAccounts: [StorageAccount]
    /// Warnings and notes found while capturing (missing references, ambiguous primaries, ...).
    public var findings: [Finding]

    public init(
        schemaVersion: Int = Manifest.currentSchemaVersion,
        virtualMachines: [VirtualMachine] = [],
        networkInterfaces: [NetworkInterface] = [],
        loadBalancers: [LoadBalancer] = [],
        publicIPAddresses: [PublicIPAddress] = [],
        networkSecurityGroups: [NetworkSecurityGroup] = [],
        virtualNetworks: [VirtualNetwork] = [],
        storageAccounts: [StorageAccount] = [],
        findings: [Finding] = []
    ) {
        self.schemaVersion = schemaVersion
        self.virtualMachines = virtualMachines
        self.networkInterfaces = networkInterfaces
        self.loadBalancers = loadBalancers
        self.publicIPAddresses = publicIPAddresses
        self.networkSecurityGroups = networkSecurityGroups
        self.virtualNetworks = virtualNetworks
        self.storageAccounts = storageAccounts
        self.findings = findings
    }

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, virtualMachines, networkInterfaces, loadBalancers, publicIPAddresses, networkSecurityGroups
        case virtualNetworks, storageAccounts, findings
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try container.decode(Int.self, forKey: .schemaVersion)
        virtualMachines = try container.decode([VirtualMachine].self, forKey: .virtualMachines)
        networkInterfaces = try container.decode([NetworkInterface].self, forKey: .networkInterfaces)
        loadBalancers = try container.decode([LoadBalancer].self, forKey: .loadBalancers)
        publicIPAddresses = try container.decode([PublicIPAddress].self, forKey: .publicIPAddresses)
        networkSecurityGroups = try container.decode([NetworkSecurityGroup].self, forKey: .networkSecurityGroups)
        virtualNetworks = try container.decodeIfPresent([VirtualNetwork].self, forKey: .virtualNetworks) ?? []
        storageAccounts = try container.decodeIfPresent([StorageAccount].self, forKey: .storageAccounts) ?? []
        findings = try container.decode([Finding].self, forKey: .findings)
    }
}

/// Lookups by ARM id (compared case-insensitively, as ARM does) over one manifest, built once so
/// that generating scripts for thousands of VMs stays linear.
public struct ManifestIndex: Sendable {
    private let nics: [String: NetworkInterface]
    private let loadBalancers: [String: LoadBalancer]
    private let publicIPs: [String: PublicIPAddress]
    private let securityGroups: [String: NetworkSecurityGroup]
    private let networks: [String: VirtualNetwork]
    private let subnets: [String: (network: VirtualNetwork, subnet: Subnet)]

    public init(_ manifest: Manifest) {
        func table<T>(_ items: [T], _ id: (T) -> String) -> [String: T] {
            Dictionary(items.map { (ResourceID.key(id($0)), $0) }, uniquingKeysWith: { first, _ in first })
        }
        nics = table(manifest.networkInterfaces, \.id)
        loadBalancers = table(manifest.loadBalancers, \.id)
        publicIPs = table(manifest.publicIPAddresses, \.id)
        securityGroups = table(manifest.networkSecurityGroups, \.id)
        networks = table(manifest.virtualNetworks, \.id)
        var subnets: [String: (network: VirtualNetwork, subnet: Subnet)] = [:]
        for network in manifest.virtualNetworks {
            for subnet in network.subnets where subnets[ResourceID.key(subnet.id)] == nil {
                subnets[ResourceID.key(subnet.id)] = (network, subnet)
            }
        }
        self.subnets = subnets
    }

    public func networkInterface(id: String) -> NetworkInterface? { nics[ResourceID.key(id)] }
    public func loadBalancer(id: String) -> LoadBalancer? { loadBalancers[ResourceID.key(id)] }
    public func publicIPAddress(id: String) -> PublicIPAddress? { publicIPs[ResourceID.key(id)] }
    public func networkSecurityGroup(id: String) -> NetworkSecurityGroup? { securityGroups[ResourceID.key(id)] }
    public func virtualNetwork(id: String) -> VirtualNetwork? { networks[ResourceID.key(id)] }
    /// A subnet by its id, with the network that holds it.
    public func subnet(id: String) -> (network: VirtualNetwork, subnet: Subnet)? { subnets[ResourceID.key(id)] }
}
