import Foundation
public import RewireModel

/// The write-ahead record of a restore run, kept beside the RESTORED file (`RESTORED.journal`).
///
/// Every step is written (temp file, fsync, rename, fsync directory) *before* the step it announces
/// (`triggerRequested` before the restore call) and again after it (`triggered` with the operation), so a
/// re-run after a crash or Ctrl-C knows exactly how far each VM got. One entry per VM and recovery point:
/// a re-run continues that entry and never starts a second restore of the same point.
///
/// Phases (each backend uses the ones it needs):
///
/// ```
/// started ─▶ triggerRequested ─▶ triggered ─▶ jobCompleted ─▶ done     (Azure: trigger → operation → job → blobs)
/// started ───────────────────────────────────────────────────▶ done     (local vault: disks verified one by one)
///    any ─▶ failed  (error kept; a re-run retries the same recovery point)
/// ```
public struct RestoreJournal: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var backend: RestoreBackend
    public var entries: [RestoreJournalEntry]
    /// Every restore trigger sent to the backend, for "at most 10 per VM per day".
    public var triggers: [RestoreTriggerRecord]

    public init(backend: RestoreBackend, entries: [RestoreJournalEntry] = [], triggers: [RestoreTriggerRecord] = []) {
        self.schemaVersion = RestoreJournal.currentSchemaVersion
        self.backend = backend
        self.entries = entries
        self.triggers = triggers
    }

    public func entry(vm: String, recoveryPoint: String) -> RestoreJournalEntry? {
        entries.first { $0.vmName == vm && $0.recoveryPoint.id == recoveryPoint }
    }

    /// The entry a re-run with the same `--recovery-point` argument continues (the newest such entry).
    public func entry(vm: String, selector: String) -> RestoreJournalEntry? {
        entries.last { $0.vmName == vm && $0.selector == selector }
    }
}

public struct RestoreJournalEntry: Codable, Sendable, Equatable {
    public enum Phase: String, Codable, Sendable {
        case started
        /// About to ask the backend to restore; if the run dies now, the backend must be asked whether the
        /// trigger arrived (its job list) before triggering again.
        case triggerRequested
        /// The backend accepted; `backendState` holds how to follow it (operation URL).
        case triggered
        /// The backend's job finished; `jobId` and the artifacts are known.
        case jobCompleted
        /// Every disk present and verified.
        case done
        case failed
    }

    public var vmName: String
    public var vmId: String
    /// The `--recovery-point` argument that chose this point.
    public var selector: String
    public var recoveryPoint: RecoveryPointReference
    public var target: RestoreTarget
    public var phase: Phase
    public var jobId: String?
    /// What the backend needs to continue (operation URL, job id, blob URIs); opaque to the engine.
    public var backendState: [String: String]
    public var disks: [RestoredDisk]
    public var config: RestoredVMConfig?
    public var configBlob: String?
    public var templateBlobUri: String?
    public var error: String?
    /// How many runs have worked on this entry.
    public var attempts: Int
    public var startedAt: String?
    public var finishedAt: String?

    public init(
        vmName: String, vmId: String, selector: String, recoveryPoint: RecoveryPointReference, target: RestoreTarget,
        startedAt: String?
    ) {
        self.vmName = vmName
        self.vmId = vmId
        self.selector = selector
        self.recoveryPoint = recoveryPoint
        self.target = target
        self.phase = .started
        self.backendState = [:]
        self.disks = []
        self.attempts = 0
        self.startedAt = startedAt
    }

    /// Done means: the backend said so *and* every disk is present and verified.
    public var isDone: Bool {
        phase == .done && !disks.isEmpty && disks.allSatisfy(\.verified)
    }

    public mutating func upsert(_ disk: RestoredDisk) {
        if let index = disks.firstIndex(where: { $0.name == disk.name }) {
            disks[index] = disk
        } else {
            disks.append(disk)
        }
        disks.sort { ($0.lun ?? -1) < ($1.lun ?? -1) }
    }

    public var report: RestoredVirtualMachine {
        let status: RestoreStatus = isDone ? .done : (phase == .failed ? .failed : .incomplete)
        return RestoredVirtualMachine(
            name: vmName, sourceId: vmId, recoveryPoint: recoveryPoint, jobId: jobId ?? "", target: target,
            disks: disks, config: config, configBlob: configBlob, templateBlobUri: templateBlobUri, status: status,
            error: status == .done ? nil : error, startedAt: startedAt, finishedAt: status == .done ? finishedAt : nil)
    }
}

/// One restore request sent to a backend.
public struct RestoreTriggerRecord: Codable, Sendable, Equatable {
    public var vmId: String
    public var recoveryPointId: String
    public var time: String

    public init(vmId: String, recoveryPointId: String, time: String) {
        self.vmId = vmId
        self.recoveryPointId = recoveryPointId
        self.time = time
    }
}

/// Azure Backup accepts at most 10 restore triggers per protected item in 24 hours and answers the 11th
/// with `CloudDosAbsoluteLimitReached`. rewire refuses before calling, from its own journal.
public struct TriggerBudget: Sendable {
    public var maximum: Int
    public var windowSeconds: Int64

    public init(maximum: Int = 10, windowSeconds: Int64 = 86_400) {
        self.maximum = maximum
        self.windowSeconds = windowSeconds
    }

    public func check(vmId: String, vmName: String, at now: Timestamp, triggers: [RestoreTriggerRecord])
        throws(RestoreError)
    {
        let windowStart = now.adding(seconds: -windowSeconds)
        let recent = triggers.filter { trigger in
            guard ResourceID.key(trigger.vmId) == ResourceID.key(vmId), let time = Timestamp(iso8601: trigger.time)
            else {
                return false
            }
            return time > windowStart
        }
        guard recent.count < maximum else {
            let oldest = recent.compactMap { Timestamp(iso8601: $0.time) }.min() ?? now
            throw RestoreError(
                .unavailable, code: "restore.triggerLimit",
                message:
                    "VM '\(vmName)' already had \(recent.count) restore triggers in the last 24 hours (Azure allows \(maximum)); retry after \(oldest.adding(seconds: windowSeconds).iso8601)"
            )
        }
    }
}

/// The journal file: loads it, applies updates one at a time, and writes each one durably before returning.
public actor RestoreJournalStore {
    public let path: String
    public private(set) var journal: RestoreJournal

    /// Opens `path`, or starts an empty journal when it does not exist (nothing is written until the first
    /// update). A journal of another backend is refused: its entries would mean nothing here.
    public init(path: String, backend: RestoreBackend) throws(RestoreError) {
        self.path = path
        guard FileIO.exists(path) else {
            self.journal = RestoreJournal(backend: backend)
            return
        }
        let bytes = try FileIO.readFile(path)
        let loaded: RestoreJournal
        do {
            loaded = try JSONDecoder().decode(RestoreJournal.self, from: Data(bytes))
        } catch let error as DecodingError {
            throw RestoreError(
                .badData, code: "journal.unreadable",
                message:
                    "\(LocalVault.describe(error)); the journal is damaged: move it away to start this restore afresh",
                path: path)
        } catch {
            throw RestoreError(.badData, code: "journal.unreadable", message: "\(error)", path: path)
        }
        guard loaded.schemaVersion == RestoreJournal.currentSchemaVersion else {
            throw RestoreError(
                .badData, code: "journal.version",
                message:
                    "journal schemaVersion \(loaded.schemaVersion); this rewire reads \(RestoreJournal.currentSchemaVersion)",
                path: path)
        }
        guard loaded.backend == backend else {
            throw RestoreError(
                .badData, code: "journal.otherBackend",
                message:
                    "this journal belongs to a restore from \(loaded.backend.location); write to another -o file or move the journal away",
                path: path)
        }
        self.journal = loaded
    }

    /// Applies `change` and makes it durable. If writing fails, the in-memory journal is left unchanged.
    @discardableResult
    public func update(_ change: (inout RestoreJournal) throws(RestoreError) -> Void) throws(RestoreError)
        -> RestoreJournal
    {
        var next = journal
        try change(&next)
        let bytes: [UInt8]
        do {
            bytes = try CanonicalJSON.encode(next)
        } catch {
            throw RestoreError(.internal, code: "journal.encode", message: "\(error)", path: path)
        }
        // The first write creates the folder: `-o` may name one that does not exist yet.
        try FileIO.makeDirectories(FileIO.split(path).directory)
        try FileIO.writeAtomically(bytes, to: path)
        journal = next
        return next
    }

    public func entry(vm: String, recoveryPoint: String) -> RestoreJournalEntry? {
        journal.entry(vm: vm, recoveryPoint: recoveryPoint)
    }
}

/// A backend's view of its one journal entry.
public struct RestoreJournalHandle: Sendable {
    public let store: RestoreJournalStore
    public let vmName: String
    public let recoveryPointId: String
    let clock: @Sendable () -> Timestamp

    public init(
        store: RestoreJournalStore, vmName: String, recoveryPointId: String, clock: @escaping @Sendable () -> Timestamp
    ) {
        self.store = store
        self.vmName = vmName
        self.recoveryPointId = recoveryPointId
        self.clock = clock
    }

    public var now: Timestamp { clock() }

    public func entry() async throws(RestoreError) -> RestoreJournalEntry {
        guard let entry = await store.entry(vm: vmName, recoveryPoint: recoveryPointId) else {
            throw RestoreError(
                .internal, code: "journal.noEntry", message: "no journal entry for VM '\(vmName)'", path: store.path)
        }
        return entry
    }

    /// Changes this entry and writes the journal durably before returning.
    @discardableResult
    public func update(_ change: @Sendable (inout RestoreJournalEntry) -> Void) async throws(RestoreError)
        -> RestoreJournalEntry
    {
        let vm = vmName
        let point = recoveryPointId
        let journal = try await store.update { (journal: inout RestoreJournal) throws(RestoreError) in
            guard let index = journal.entries.firstIndex(where: { $0.vmName == vm && $0.recoveryPoint.id == point })
            else {
                throw RestoreError(.internal, code: "journal.noEntry", message: "no journal entry for VM '\(vm)'")
            }
            change(&journal.entries[index])
        }
        return journal.entry(vm: vm, recoveryPoint: point)!
    }

    /// Records, durably and before the call is made, that a restore trigger is about to be sent, after checking
    /// the trigger budget. The backend calls this immediately before its restore request.
    public func recordTriggerIntent(budget: TriggerBudget = TriggerBudget()) async throws(RestoreError) {
        let vm = vmName
        let point = recoveryPointId
        let time = clock()
        try await store.update { (journal: inout RestoreJournal) throws(RestoreError) in
            guard let index = journal.entries.firstIndex(where: { $0.vmName == vm && $0.recoveryPoint.id == point })
            else {
                throw RestoreError(.internal, code: "journal.noEntry", message: "no journal entry for VM '\(vm)'")
            }
            let vmId = journal.entries[index].vmId
            try budget.check(vmId: vmId, vmName: vm, at: time, triggers: journal.triggers)
            journal.triggers.append(RestoreTriggerRecord(vmId: vmId, recoveryPointId: point, time: time.iso8601))
            journal.entries[index].phase = .triggerRequested
            journal.entries[index].backendState["triggerRequestedAt"] = time.iso8601
        }
    }
}
