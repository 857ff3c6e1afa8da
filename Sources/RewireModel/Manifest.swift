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

extension Manifest {
    /// The NIC with this ARM id (compared case-insensitively, as ARM does), if it was captured.
    public func networkInterface(id: String) -> NetworkInterface? {
        let key = ResourceID.key(id)
        return networkInterfaces.first { ResourceID.key($0.id) == key }
    }

    public func loadBalancer(id: String) -> LoadBalancer? {
        let key = ResourceID.key(id)
        return loadBalancers.first { ResourceID.key($0.id) == key }
    }

    public func publicIPAddress(id: String) -> PublicIPAddress? {
        let key = ResourceID.key(id)
        return publicIPAddresses.first { ResourceID.key($0.id) == key }
    }

    public func networkSecurityGroup(id: String) -> NetworkSecurityGroup? {
        let key = ResourceID.key(id)
        return networkSecurityGroups.first { ResourceID.key($0.id) == key }
    }
}
