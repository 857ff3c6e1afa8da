public import RewireModel

/// Where recovery points come from and how a VM's disks are restored from one: a local vault folder
/// (`LocalVaultBackend`) or an Azure Recovery Services vault.
///
/// A backend drives its own steps but records each one through the `RestoreJournalHandle` it is given, so the
/// engine can resume it: `restore` is called again for an entry that a crashed run left behind and must
/// continue from the entry's phase (never trigger twice, never copy a verified disk twice).
public protocol RecoveryPointBackend: Sendable {
    /// What the report and the journal record as the backend.
    var descriptor: RestoreBackend { get }

    /// The VM's recovery points, any order.
    func recoveryPoints(for vm: VirtualMachine) async throws -> [RecoveryPointReference]

    /// Where the VM's disks will be restored.
    func target(for vm: VirtualMachine, recoveryPoint: RecoveryPointReference) -> RestoreTarget

    /// What `restore` would do, one line per call or copy, for `--dry-run`. Reads only.
    func plannedActions(for vm: VirtualMachine, recoveryPoint: RecoveryPointReference) async throws -> [String]

    /// Restores (or finishes restoring) the disks of the journal entry's VM and recovery point, until the
    /// entry's phase is `done` with every disk verified. Throws `RestoreError` when it cannot.
    func restore(
        _ vm: VirtualMachine, journal: RestoreJournalHandle, progress: @escaping @Sendable (RestoreEvent) -> Void
    ) async throws
}

/// Progress, for the terminal display. Never needed for correctness.
public enum RestoreEvent: Sendable, Equatable {
    case vmStarted(vm: String, recoveryPoint: String)
    /// Bytes copied of one disk.
    case diskProgress(vm: String, disk: String, bytesDone: Int64, bytesTotal: Int64)
    case diskVerified(vm: String, disk: String)
    /// A step of a remote backend (`triggered`, `job InProgress`).
    case step(vm: String, message: String)
    case vmFinished(vm: String, status: RestoreStatus)
}
