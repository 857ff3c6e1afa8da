/// One VM as captured: what `New-AzVMConfig` and friends need to rebuild it around restored disks.
@CanonicalJSONWritable
public struct VirtualMachine: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var location: String
    /// `hardwareProfile.vmSize`, e.g. `Standard_D2s_v3`.
    public var size: String
    public var osType: OSType
    /// The availability zone the VM is pinned to, if any (ARM allows at most one for a VM).
    public var zone: String?
    public var availabilitySetId: String?
    public var proximityPlacementGroupId: String?
    public var licenseType: String?
    public var tags: [String: String]
    public var osDisk: Disk
    /// Data disks ordered by LUN.
    public var dataDisks: [Disk]
    /// NIC references in the VM's own order; exactly one is primary.
    public var networkInterfaces: [NetworkInterfaceReference]
    /// Set for classic (Service Management) VMs only: what the classic Azure module needs to rebuild
    /// the VM. Classic VMs keep their NICs here, so `networkInterfaces` is empty for them.
    public var classic: ClassicVMSettings?
    /// `osProfile.computerName` (or the instance view's `computerName`): the guest's host name.
    public var computerName: String?
    /// `storageProfile.imageReference`, when the VM came from an image.
    public var image: ImageReference?
    /// `instanceView.osName` / `osVersion` (reported by the VM agent), when the input has an instance view.
    public var osName: String?
    public var osVersion: String?
    /// `instanceView.vmAgent`, when the input has an instance view.
    public var agent: GuestAgent?
    /// The VM's extensions; nil when the input did not list them.
    public var extensions: [VMExtension]?
    /// Azure Backup protection, when a vault's protected-item list was among the inputs.
    public var backup: BackupProtection?
    /// Set when the VM is an Active Directory domain controller.
    public var domainController: DomainControllerRole?
    /// Facts read inside the guest, when a guest-facts document was among the inputs.
    public var guest: GuestFacts?

    public init(
        id: String, name: String, resourceGroup: String, subscriptionId: String, location: String, size: String,
        osType: OSType, zone: String? = nil, availabilitySetId: String? = nil,
        proximityPlacementGroupId: String? = nil, licenseType: String? = nil, tags: [String: String] = [:],
        osDisk: Disk, dataDisks: [Disk] = [], networkInterfaces: [NetworkInterfaceReference] = [],
        classic: ClassicVMSettings? = nil, computerName: String? = nil, image: ImageReference? = nil, osName: String? = nil, osVersion: String? = nil,
        agent: GuestAgent? = nil, extensions: [VMExtension]? = nil, backup: BackupProtection? = nil,
        domainController: DomainControllerRole? = nil, guest: GuestFacts? = nil
    ) {
        self.id = id
        self.name = name
        self.resourceGroup = resourceGroup
        self.subscriptionId = subscriptionId
        self.location = location
        self.size = size
        self.osType = osType
        self.zone = zone
        self.availabilitySetId = availabilitySetId
        self.proximityPlacementGroupId = proximityPlacementGroupId
        self.licenseType = licenseType
        self.tags = tags
        self.osDisk = osDisk
        self.dataDisks = dataDisks
        self.networkInterfaces = networkInterfaces
        self.classic = classic
        self.computerName = computerName
        self.image = image
        self.osName = osName
        self.osVersion = osVersion
        self.agent = agent
        self.extensions = extensions
        self.backup = backup
        self.domainController = domainController
        self.guest = guest
    }
}

@CanonicalJSONWritable
public enum OSType: String, Codable, Sendable, CaseIterable {
    case windows = "Windows"
    case linux = "Linux"
}

/// An OS or data disk. Managed disks carry their disk id; unmanaged ones their VHD blob URI.
@CanonicalJSONWritable
public struct Disk: Codable, Sendable, Equatable {
    public var name: String
    /// The LUN of a data disk; nil for the OS disk.
    public var lun: Int?
    public var sizeGB: Int?
    /// `None`, `ReadOnly` or `ReadWrite`.
    public var caching: String?
    public var kind: DiskKind
    public var managedDiskId: String?
    /// `Premium_LRS`, `StandardSSD_LRS`, ... for managed disks.
    public var storageAccountType: String?
    public var vhdUri: String?
    public var writeAcceleratorEnabled: Bool

    public init(
        name: String, lun: Int? = nil, sizeGB: Int? = nil, caching: String? = nil, kind: DiskKind,
        managedDiskId: String? = nil, storageAccountType: String? = nil, vhdUri: String? = nil,
        writeAcceleratorEnabled: Bool = false
    ) {
        self.name = name
        self.lun = lun
        self.sizeGB = sizeGB
        self.caching = caching
        self.kind = kind
        self.managedDiskId = managedDiskId
        self.storageAccountType = storageAccountType
        self.vhdUri = vhdUri
        self.writeAcceleratorEnabled = writeAcceleratorEnabled
    }
}

@CanonicalJSONWritable
public enum DiskKind: String, Codable, Sendable {
    case managed
    case vhd
}

/// A VM's link to one of its NICs. The NIC itself is in `Manifest.networkInterfaces` when it was
/// captured; otherwise only this id survives (and capture reports a finding).
@CanonicalJSONWritable
public struct NetworkInterfaceReference: Codable, Sendable, Equatable {
    public var id: String
    public var primary: Bool

    public init(id: String, primary: Bool) {
        self.id = id
        self.primary = primary
    }
}
