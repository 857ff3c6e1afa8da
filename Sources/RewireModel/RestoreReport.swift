/// What `rewire restore` writes (the RESTORED file) and `rewire script --restored` reads: for each VM,
/// which recovery point was restored, by which backend and job, where every disk landed and whether it
/// was verified, and the essentials of the restore's own config blob.
///
/// Times are ISO-8601 strings in UTC (`2025-11-20T02:01:14Z`), written by the CLI's clock: the model
/// never reads the time itself. Encode with `CanonicalJSON.encode` (`schemaVersion` first).
@CanonicalJSONWritable
public struct RestoreReport: Codable, Sendable, Equatable {
    /// The schema version this build of rewire writes and understands.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// Where the recovery points came from.
    public var backend: RestoreBackend
    /// The `--recovery-point` argument as given (`latest`, an id, or an ISO-8601 time).
    public var recoveryPointSelector: String
    /// SHA-256 (hex) of the manifest file the restore was run from, so `script --restored` can tell
    /// when it is given a report from another manifest.
    public var manifestSHA256: String?
    /// One entry per restored VM, ordered by name.
    public var virtualMachines: [RestoredVirtualMachine]

    public init(
        schemaVersion: Int = RestoreReport.currentSchemaVersion, backend: RestoreBackend,
        recoveryPointSelector: String, manifestSHA256: String? = nil, virtualMachines: [RestoredVirtualMachine]
    ) {
        self.schemaVersion = schemaVersion
        self.backend = backend
        self.recoveryPointSelector = recoveryPointSelector
        self.manifestSHA256 = manifestSHA256
        self.virtualMachines = virtualMachines
    }

    /// True when every VM is `done`.
    public var isComplete: Bool { virtualMachines.allSatisfy { $0.status == .done } }

    public func virtualMachine(named name: String) -> RestoredVirtualMachine? {
        virtualMachines.first { $0.name == name }
    }
}

/// A recovery-point backend: a local vault folder or an Azure Recovery Services vault.
@CanonicalJSONWritable
public struct RestoreBackend: Codable, Sendable, Equatable, Hashable {
    @CanonicalJSONWritable
    public enum Kind: String, Codable, Sendable {
        case localVault
        case azureRecoveryServices
    }

    public var kind: Kind
    /// The vault folder's absolute path, or the Recovery Services vault's ARM id.
    public var location: String

    public init(kind: Kind, location: String) {
        self.kind = kind
        self.location = location
    }
}

/// A recovery point as the backend names it.
@CanonicalJSONWritable
public struct RecoveryPointReference: Codable, Sendable, Equatable, Hashable {
    public var id: String
    /// ISO-8601 UTC.
    public var time: String
    /// `AppConsistent`, `CrashConsistent`, ... when the backend says.
    public var type: String?

    public init(id: String, time: String, type: String? = nil) {
        self.id = id
        self.time = time
        self.type = type
    }
}

/// Where the restored disks were put.
@CanonicalJSONWritable
public struct RestoreTarget: Codable, Sendable, Equatable, Hashable {
    @CanonicalJSONWritable
    public enum Kind: String, Codable, Sendable {
        /// A local folder (local vault backend).
        case folder
        /// A resource group receiving managed disks (Azure, `targetResourceGroupId`).
        case resourceGroup
        /// A staging storage account receiving VHD blobs (Azure, unmanaged restore).
        case storageAccount
    }

    public var kind: Kind
    /// The folder's absolute path, or the resource group's / storage account's ARM id.
    public var location: String

    public init(kind: Kind, location: String) {
        self.kind = kind
        self.location = location
    }
}

@CanonicalJSONWritable
public enum RestoreStatus: String, Codable, Sendable {
    /// Every disk is present and verified.
    case done
    /// Started but not finished (a re-run continues it).
    case incomplete
    /// Failed; `error` says why. A re-run retries.
    case failed
}

/// One VM's restore.
@CanonicalJSONWritable
public struct RestoredVirtualMachine: Codable, Sendable, Equatable {
    /// The VM name in the manifest.
    public var name: String
    /// The source VM's ARM id in the manifest.
    public var sourceId: String
    public var recoveryPoint: RecoveryPointReference
    /// The backend's job id (Azure Backup job id; for the local vault, `local-<vm>-<recovery point>`).
    public var jobId: String
    public var target: RestoreTarget
    /// OS disk first, then data disks by LUN.
    public var disks: [RestoredDisk]
    /// The essentials of the config blob the restore produced; nil when it could not be read.
    public var config: RestoredVMConfig?
    /// Where the config blob is (local path or blob URI).
    public var configBlob: String?
    /// The ARM template blob of an Azure restore (`Template Blob Uri` / `Create VM Template Blob Uri`).
    public var templateBlobUri: String?
    public var status: RestoreStatus
    /// Why the restore failed, in one line, when `status` is `failed`.
    public var error: String?
    public var startedAt: String?
    public var finishedAt: String?

    public init(
        name: String, sourceId: String, recoveryPoint: RecoveryPointReference, jobId: String, target: RestoreTarget,
        disks: [RestoredDisk], config: RestoredVMConfig? = nil, configBlob: String? = nil,
        templateBlobUri: String? = nil, status: RestoreStatus, error: String? = nil, startedAt: String? = nil,
        finishedAt: String? = nil
    ) {
        self.name = name
        self.sourceId = sourceId
        self.recoveryPoint = recoveryPoint
        self.jobId = jobId
        self.target = target
        self.disks = disks
        self.config = config
        self.configBlob = configBlob
        self.templateBlobUri = templateBlobUri
        self.status = status
        self.error = error
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// One restored disk: a local VHD file, a managed disk, or a VHD blob.
@CanonicalJSONWritable
public struct RestoredDisk: Codable, Sendable, Equatable {
    public var name: String
    /// The LUN of a data disk; nil for the OS disk.
    public var lun: Int?
    /// Local VHD path (local vault).
    public var path: String?
    /// Managed disk id (Azure restore into a resource group).
    public var managedDiskId: String?
    /// VHD blob URI (Azure restore into a staging account).
    public var vhdUri: String?
    public var sizeBytes: Int64?
    /// SHA-256 (hex) of the disk's bytes, when the backend provides one.
    public var sha256: String?
    /// True once the disk is present and every check the backend can make passed (hash and VHD footer
    /// for the local vault; provisioning state for managed disks).
    public var verified: Bool

    public init(
        name: String, lun: Int? = nil, path: String? = nil, managedDiskId: String? = nil, vhdUri: String? = nil,
        sizeBytes: Int64? = nil, sha256: String? = nil, verified: Bool
    ) {
        self.name = name
        self.lun = lun
        self.path = path
        self.managedDiskId = managedDiskId
        self.vhdUri = vhdUri
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.verified = verified
    }
}

/// The parts of Azure's restore config blob that a rebuild needs. The blob keeps only these; the
/// network section holds nothing but the original NIC ids (restore-procedures.md §6.2).
@CanonicalJSONWritable
public struct RestoredVMConfig: Codable, Sendable, Equatable {
    @CanonicalJSONWritable
    public enum Format: String, Codable, Sendable {
        /// Literal dotted keys (`"properties.storageProfile"`), 2017 onwards.
        case armDotted
        /// Older .NET SDK names (`HardwareProfile.VirtualMachineSize`, `OSDisk.VirtualHardDisk.Uri`).
        case armLegacy
        /// Classic XML (`PersistentVMRole`); the fields stay empty until the classic reader fills them.
        case classicXML
    }

    public var format: Format
    public var vmSize: String?
    public var osType: String?
    public var location: String?
    public var osDisk: RestoredVMConfigDisk?
    /// Ordered by LUN.
    public var dataDisks: [RestoredVMConfigDisk]
    /// The original NICs (ids and primary flag) as the blob lists them.
    public var networkInterfaces: [NetworkInterfaceReference]
    public var tags: [String: String]

    public init(
        format: Format, vmSize: String? = nil, osType: String? = nil, location: String? = nil,
        osDisk: RestoredVMConfigDisk? = nil, dataDisks: [RestoredVMConfigDisk] = [],
        networkInterfaces: [NetworkInterfaceReference] = [], tags: [String: String] = [:]
    ) {
        self.format = format
        self.vmSize = vmSize
        self.osType = osType
        self.location = location
        self.osDisk = osDisk
        self.dataDisks = dataDisks
        self.networkInterfaces = networkInterfaces
        self.tags = tags
    }
}

/// A disk as the config blob names it. For a managed restore `vhdUri` is empty and `name` is the new
/// managed disk's name in the target resource group.
@CanonicalJSONWritable
public struct RestoredVMConfigDisk: Codable, Sendable, Equatable {
    public var name: String?
    public var lun: Int?
    public var vhdUri: String?
    public var managedDiskId: String?
    public var sizeGB: Int?
    public var caching: String?

    public init(
        name: String? = nil, lun: Int? = nil, vhdUri: String? = nil, managedDiskId: String? = nil, sizeGB: Int? = nil,
        caching: String? = nil
    ) {
        self.name = name
        self.lun = lun
        self.vhdUri = vhdUri
        self.managedDiskId = managedDiskId
        self.sizeGB = sizeGB
        self.caching = caching
    }
}
