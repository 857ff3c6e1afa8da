public import RewireModel

/// Every decision `rewire prepare` makes, before any text is written: which vault each region
/// gets, which VMs are protected, which NSGs get a rule and at which priority, what blocks.
/// `prepare.ps1` and `PREPARE.md` are both laid out from this value.
public struct PreparePlan: Sendable, Equatable {
    /// One per region that has ARM VMs, ordered by region.
    public var vaults: [PlannedVault]
    /// Every VM of the manifest, in manifest order, with what prepare does to it.
    public var virtualMachines: [PlannedVM]
    /// Every NSG on a NIC or subnet of a VM that prepare looks after, ordered by id.
    public var securityGroups: [SecurityGroupAssessment]
    /// The proxy applied to each VM prepare looks after, when `--proxy` was given.
    public var proxy: ProxyAddress?
    /// Problems found while planning (an NSG with no free priority, an NSG not captured).
    public var findings: [Finding]
    /// The documented limitations of the estate (from `rewire check`), for the top of PREPARE.md.
    public var limitations: [Finding]

    /// The VMs `Enable-AzRecoveryServicesBackupProtection` is written for.
    public var protectedNow: [PlannedVM] {
        virtualMachines.filter { if case .protect = $0.action { true } else { false } }
    }
    /// The security rules prepare adds.
    public var ruleAdditions: [PlannedSecurityRule] { securityGroups.compactMap(\.addition) }
}

public struct PlannedVault: Sendable, Equatable {
    public var region: String
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var redundancy: BackupStorageRedundancy
    public var policyName: String
    /// The vault already protects VMs of the region (found in the manifest's protected items).
    public var alreadyProtectsVMs: Bool

    /// The ARM id the vault has (or will have).
    public var id: String {
        "/subscriptions/\(subscriptionId)/resourceGroups/\(resourceGroup)/providers/Microsoft.RecoveryServices/vaults/\(name)"
    }
}

public struct PlannedVM: Sendable, Equatable {
    public var name: String
    public var resourceGroup: String
    public var subscriptionId: String
    public var region: String
    public var osType: OSType
    /// The agent as captured (nil: the input had no instance view).
    public var agent: GuestAgent?
    public var backup: BackupProtection?
    /// The ports its backup extension needs to reach Storage (`BackupConnectivity.requiredPorts`).
    public var backupPorts: [Int]
    public var action: PrepareAction

    /// Whether the script checks the agent, configures the proxy and looks at the VM's NSGs.
    public var isPrepared: Bool {
        switch action {
        case .protect, .alreadyProtected: true
        case .protectedByAnotherVault, .classic: false
        }
    }
}

/// What prepare does with one VM.
public enum PrepareAction: Sendable, Equatable {
    /// Enable protection in this region's vault.
    case protect(vault: String)
    /// The region's vault already protects it: skipped.
    case alreadyProtected(vault: String)
    /// Another vault protects it: reported, never touched.
    case protectedByAnotherVault(vaultId: String)
    /// A classic (Service Management) VM: the Az cmdlets cannot protect it, and Azure Backup no
    /// longer backs classic VMs up; it is reported only.
    case classic
}

/// The minimum VM agent Azure Backup documents for Windows: `WaAppAgent.exe` 2.6.1198.718 or later (all
/// versions of the prepare documentation, 2016–2026).
public enum GuestAgentRequirement {
    public static let minimumWindowsVersion = "2.6.1198.718"
}
