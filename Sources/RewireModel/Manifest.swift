/// The contract between capture, restore, check and script: every special setting of a set of VMs,
/// captured before the disaster, in a form that diffs cleanly in git.
///
/// Arrays are kept in a stable order (VMs by name, NICs in VM order, IP configurations in NIC
/// order, everything else by id) so that two captures of the same estate give the same bytes.
public struct Manifest: Codable, Sendable, Equatable {
    /// The schema version this build of rewire writes and understands.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var virtualMachines: [VirtualMachine]
    public var networkInterfaces: [NetworkInterface]
    public var loadBalancers: [LoadBalancer]
    public var publicIPAddresses: [PublicIPAddress]
    public var networkSecurityGroups: [NetworkSecurityGroup]
    /// Warnings and notes found while capturing (missing references, ambiguous primaries, ...).
    public var findings: [Finding]

    public init(
        schemaVersion: Int = Manifest.currentSchemaVersion,
        virtualMachines: [VirtualMachine] = [],
        networkInterfaces: [NetworkInterface] = [],
        loadBalancers: [LoadBalancer] = [],
        publicIPAddresses: [PublicIPAddress] = [],
        networkSecurityGroups: [NetworkSecurityGroup] = [],
        findings: [Finding] = []
    ) {
        self.schemaVersion = schemaVersion
        self.virtualMachines = virtualMachines
        self.networkInterfaces = networkInterfaces
        self.loadBalancers = loadBalancers
        self.publicIPAddresses = publicIPAddresses
        self.networkSecurityGroups = networkSecurityGroups
        self.findings = findings
    }
}

/// Lookups by ARM id (compared case-insensitively, as ARM does) over one manifest, built once so
/// that generating scripts for thousands of VMs stays linear.
public struct ManifestIndex: Sendable {
    private let nics: [String: NetworkInterface]
    private let loadBalancers: [String: LoadBalancer]
    private let publicIPs: [String: PublicIPAddress]
    private let securityGroups: [String: NetworkSecurityGroup]

    public init(_ manifest: Manifest) {
        func table<T>(_ items: [T], _ id: (T) -> String) -> [String: T] {
            Dictionary(items.map { (ResourceID.key(id($0)), $0) }, uniquingKeysWith: { first, _ in first })
        }
        nics = table(manifest.networkInterfaces, \.id)
        loadBalancers = table(manifest.loadBalancers, \.id)
        publicIPs = table(manifest.publicIPAddresses, \.id)
        securityGroups = table(manifest.networkSecurityGroups, \.id)
    }

    public func networkInterface(id: String) -> NetworkInterface? { nics[ResourceID.key(id)] }
    public func loadBalancer(id: String) -> LoadBalancer? { loadBalancers[ResourceID.key(id)] }
    public func publicIPAddress(id: String) -> PublicIPAddress? { publicIPs[ResourceID.key(id)] }
    public func networkSecurityGroup(id: String) -> NetworkSecurityGroup? { securityGroups[ResourceID.key(id)] }
}
