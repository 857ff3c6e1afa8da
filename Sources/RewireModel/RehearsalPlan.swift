/// A rehearsal of the restore: the production VMs rebuilt as copies in an isolated network, in
/// their own resource groups, under suffixed names, every created resource tagged with the
/// rehearsal id so that `cleanup.ps1` removes exactly what the rehearsal created.
///
/// Decided by `RehearsalPlanner` (Restore), laid out by ScriptGen.
@CanonicalJSONWritable
public struct RehearsalPlan: Codable, Sendable, Equatable {
    /// The tag every resource the rehearsal creates carries; its value is the rehearsal id.
    public static let tagName = "rewire-rehearsal"

    /// Lowercase letters and digits; the value of the `rewire-rehearsal` tag.
    public var id: String
    /// Appended to every top-level name (`web01` → `web01-rehearsal-1a2b3c4d`).
    public var suffix: String
    /// The manifest as the rehearsal rebuilds it: rehearsal resource groups and names, subnets of
    /// the isolated networks (in `virtualNetworks`), no public IPs, the rehearsal tag everywhere.
    public var manifest: Manifest
    /// Rehearsal VM name → production VM name: the vault knows the VM by its production name.
    public var sourceVMNames: [String: String]
    /// Every resource the rehearsal creates, resource groups first.
    public var resources: [RehearsalResource]
    /// What differs from production and what to watch for (hostname, DNS, AD collisions).
    public var findings: [Finding]

    public init(
        id: String, suffix: String, manifest: Manifest, sourceVMNames: [String: String],
        resources: [RehearsalResource], findings: [Finding]
    ) {
        self.id = id
        self.suffix = suffix
        self.manifest = manifest
        self.sourceVMNames = sourceVMNames
        self.resources = resources
        self.findings = findings
    }

    /// The rehearsal tag as a dictionary entry.
    public var tag: [String: String] { [Self.tagName: id] }
}

/// One resource a rehearsal creates, with the production resource it copies.
@CanonicalJSONWritable
public struct RehearsalResource: Codable, Sendable, Equatable, Hashable {
    @CanonicalJSONWritable
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case resourceGroup
        case virtualNetwork
        case networkSecurityGroup
        case loadBalancer
        case networkInterface
        case virtualMachine
    }

    public var kind: Kind
    public var name: String
    /// Empty for a resource group.
    public var resourceGroup: String
    /// The production resource (a resource group's production name for a resource group).
    public var sourceId: String

    public init(kind: Kind, name: String, resourceGroup: String, sourceId: String) {
        self.kind = kind
        self.name = name
        self.resourceGroup = resourceGroup
        self.sourceId = sourceId
    }
}
