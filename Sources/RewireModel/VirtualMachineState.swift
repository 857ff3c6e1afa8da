/// What capture knows about a VM beyond its configuration: the instance view, the image, the
/// extensions, backup protection, the domain controller role and facts read inside the guest. Each
/// is optional: nil means the input did not say, which is not the same as "none".

/// The VM agent as the instance view reports it (`instanceView.vmAgent`).
@CanonicalJSONWritable
public struct GuestAgent: Codable, Sendable, Equatable {
    /// `vmAgentVersion`, e.g. `2.7.41491.1102`; nil or `Unknown` when the agent never reported.
    public var version: String?
    /// The display status of the agent's first status, e.g. `Ready`, `Not Ready`.
    public var status: String?

    public init(version: String? = nil, status: String? = nil) {
        self.version = version
        self.status = status
    }
}

/// `storageProfile.imageReference`: the marketplace image a VM was created from.
@CanonicalJSONWritable
public struct ImageReference: Codable, Sendable, Equatable {
    public var publisher: String?
    public var offer: String?
    public var sku: String?
    public var version: String?

    public init(publisher: String? = nil, offer: String? = nil, sku: String? = nil, version: String? = nil) {
        self.publisher = publisher
        self.offer = offer
        self.sku = sku
        self.version = version
    }
}

/// A VM extension, by identity only: extension settings can hold secrets and are never captured.
@CanonicalJSONWritable
public struct VMExtension: Codable, Sendable, Equatable {
    public var name: String
    /// e.g. `Microsoft.Azure.Security`.
    public var publisher: String
    /// e.g. `AzureDiskEncryptionForLinux`, `VMSnapshot`.
    public var type: String
    public var version: String?

    public init(name: String, publisher: String, type: String, version: String? = nil) {
        self.name = name
        self.publisher = publisher
        self.type = type
        self.version = version
    }
}

/// Azure Backup protection of a VM, from a vault's protected-item list.
@CanonicalJSONWritable
public struct BackupProtection: Codable, Sendable, Equatable {
    /// The Recovery Services vault that protects the VM.
    public var vaultId: String
    /// The backup policy id, when the item names one.
    public var policyId: String?
    /// `protectionState`, e.g. `Protected`, `ProtectionStopped`, `IRPending`.
    public var protectionState: String?
    /// `lastRecoveryPoint`, ISO 8601, when known.
    public var lastRecoveryPoint: String?

    public init(vaultId: String, policyId: String? = nil, protectionState: String? = nil, lastRecoveryPoint: String? = nil) {
        self.vaultId = vaultId
        self.policyId = policyId
        self.protectionState = protectionState
        self.lastRecoveryPoint = lastRecoveryPoint
    }
}

/// An Active Directory domain controller role: decides how the VM is restored (like any VM when
/// other DCs of its domain are reachable; forest recovery when it is the last one).
@CanonicalJSONWritable
public struct DomainControllerRole: Codable, Sendable, Equatable {
    /// DNS name of the domain, e.g. `corp.contoso.com`.
    public var domain: String?
    public var forest: String?
    public var site: String?
    public var isGlobalCatalog: Bool?
    public var isReadOnly: Bool?
    /// FSMO roles held: `SchemaMaster`, `DomainNamingMaster`, `PDCEmulator`, `RIDMaster`, `InfrastructureMaster`.
    public var fsmoRoles: [String]
    /// How many domain controllers the domain has, when known (from the CLIXML export: all of them).
    public var domainControllerCount: Int?
    /// The IPv4 address AD has for the DC.
    public var ipv4Address: String?
    /// Where rewire learned the role.
    public var source: DomainControllerSource

    public init(
        domain: String? = nil, forest: String? = nil, site: String? = nil, isGlobalCatalog: Bool? = nil,
        isReadOnly: Bool? = nil, fsmoRoles: [String] = [], domainControllerCount: Int? = nil, ipv4Address: String? = nil,
        source: DomainControllerSource
    ) {
        self.domain = domain
        self.forest = forest
        self.site = site
        self.isGlobalCatalog = isGlobalCatalog
        self.isReadOnly = isReadOnly
        self.fsmoRoles = fsmoRoles
        self.domainControllerCount = domainControllerCount
        self.ipv4Address = ipv4Address
        self.source = source
    }
}

@CanonicalJSONWritable
public enum DomainControllerSource: String, Codable, Sendable, CaseIterable {
    /// `rewire capture --domain-controller VM`.
    case commandLine
    /// A VM tag.
    case tag
    /// `Get-ADDomainController -Filter * | Export-Clixml`.
    case clixml
}

/// Facts only the guest knows, from the guest-facts document rewire's collection script writes
/// (see docs/guest-facts.md). Each is nil when not collected.
@CanonicalJSONWritable
public struct GuestFacts: Codable, Sendable, Equatable {
    /// Mapped network drives and network mounts (`Z: \\files\share`, `nfs:/export on /mnt/x`): not in a backup.
    public var networkDrives: [String]?
    /// The VM is a node of a cluster with Cluster Shared Volumes.
    public var clusterSharedVolumes: Bool?
    /// The VM serves a Scale-Out File Server role.
    public var scaleOutFileServer: Bool?
    /// Linux volumes encrypted with LUKS (dm-crypt) outside Azure Disk Encryption.
    public var luksVolumes: [String]?
    /// `http_proxy` from `/etc/environment` (Linux) or the machine-wide WinHTTP proxy (Windows).
    public var proxy: String?
    /// `HttpProxy.Host:HttpProxy.Port` from `/etc/waagent.conf` (Linux).
    public var agentProxy: String?
    /// The OS caption, e.g. `Microsoft Windows Server 2008 R2 Datacenter`.
    public var osCaption: String?

    public init(
        networkDrives: [String]? = nil, clusterSharedVolumes: Bool? = nil, scaleOutFileServer: Bool? = nil,
        luksVolumes: [String]? = nil, proxy: String? = nil, agentProxy: String? = nil, osCaption: String? = nil
    ) {
        self.networkDrives = networkDrives
        self.clusterSharedVolumes = clusterSharedVolumes
        self.scaleOutFileServer = scaleOutFileServer
        self.luksVolumes = luksVolumes
        self.proxy = proxy
        self.agentProxy = agentProxy
        self.osCaption = osCaption
    }
}
