public import RewireModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Restores a set of VMs from one backend, resumably: resolves every VM's recovery point first (nothing
/// starts when one is missing), then restores up to `maxConcurrentVMs` VMs at a time through the journal,
/// and reports each VM as `done` only when every disk is present and verified.
public struct RestoreEngine: Sendable {
    public var backend: any RecoveryPointBackend
    /// The journal file (the CLI uses `RESTORED.journal`).
    public var journalPath: String
    /// The CLI's clock; the core never reads the time.
    public var clock: @Sendable () -> Timestamp
    public var maxConcurrentVMs: Int
    public var progress: @Sendable (RestoreEvent) -> Void

    public init(
        backend: any RecoveryPointBackend, journalPath: String, clock: @escaping @Sendable () -> Timestamp,
        maxConcurrentVMs: Int = 4, progress: @escaping @Sendable (RestoreEvent) -> Void = { _ in }
    ) {
        self.backend = backend
        self.journalPath = journalPath
        self.clock = clock
        self.maxConcurrentVMs = max(1, maxConcurrentVMs)
        self.progress = progress
    }

    /// A VM and the recovery point chosen for it.
    public struct Selection: Sendable, Equatable {
        public var vm: VirtualMachine
        public var recoveryPoint: RecoveryPointReference
        /// True when the journal already had this VM and recovery point (a resumed or finished restore).
        public var fromJournal: Bool
    }

    /// What a run ended with. `failures` is empty exactly when every VM is done.
    public struct Outcome: Sendable {
        public var report: RestoreReport
        public var failures: [String: RestoreError]
    }

    /// Chooses each VM's recovery point: the journal's choice when a previous run with the same
    /// `--recovery-point` argument started this VM (so `latest` keeps meaning the point that run restored),
    /// otherwise the backend's list. Throws on the first VM without a matching point. Selections come
    /// back in restore order, domain controllers first, so that `run` starts them first.
    public func select(_ vms: [VirtualMachine], selector: RecoveryPointSelector, selectorText: String) async throws
        -> [Selection]
    {
        let vms = DomainControllerPlan.restoreOrder(vms)
        let store = try RestoreJournalStore(path: journalPath, backend: backend.descriptor)
        let journal = await store.journal
        let backend = backend
        // Looked up with the same bounded concurrency as the restores: one at a time, a throttled
        // list (429 + Retry-After) held up every VM behind it.
        var results = [Result<Selection, any Error>?](repeating: nil, count: vms.count)
        await withTaskGroup(of: (Int, Result<Selection, any Error>).self) { group in
            var next = 0
            func start() {
                guard next < vms.count else { return }
                let index = next
                let vm = vms[index]
                next += 1
                group.addTask {
                    if let entry = journal.entry(vm: vm.name, selector: selectorText) {
                        return (index, .success(Selection(vm: vm, recoveryPoint: entry.recoveryPoint, fromJournal: true)))
                    }
                    do {
                        let points = try await backend.recoveryPoints(for: vm)
                        let chosen = try selector.choose(from: points, vm: vm.name)
                        let known = journal.entry(vm: vm.name, recoveryPoint: chosen.id) != nil
                        return (index, .success(Selection(vm: vm, recoveryPoint: chosen, fromJournal: known)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<maxConcurrentVMs { start() }
            for await (index, result) in group {
                results[index] = result
                start()
            }
        }
        // The first VM (in the given order) without a matching point decides the error, as before.
        return try results.map { try $0!.get() }
    }

    /// `--dry-run`: the actions a run would take, per VM; reads the journal and the backend, writes nothing.
    public func plan(_ selections: [Selection]) async throws -> [(vm: String, actions: [String])] {
        let store = try RestoreJournalStore(path: journalPath, backend: backend.descriptor)
        var plans: [(vm: String, actions: [String])] = []
        for selection in selections {
            let name = selection.vm.name
            let point = selection.recoveryPoint
            if let entry = await store.entry(vm: name, recoveryPoint: point.id), entry.isDone {
                plans.append(
                    (
                        name,
                        [
                            "already restored from recovery point \(point.id) (\(point.time)); check the disks are still present"
                        ]
                    ))
                continue
            }
            var actions = ["restore recovery point \(point.id) (\(point.time)) from \(backend.descriptor.location)"]
            actions += try await backend.plannedActions(for: selection.vm, recoveryPoint: point)
            plans.append((name, actions))
        }
        return plans
    }

    /// Restores the selected VMs and returns the report (VMs by name). Per-VM failures are recorded in the
    /// journal and the report, not thrown; a journal that cannot be written is thrown.
    public func run(_ selections: [Selection], selectorText: String, manifestSHA256: String?) async throws -> Outcome {
        // Two runs on one journal could both decide to trigger the same VM: the second one is refused.
        guard let lock = try FileIO.lockExclusively(journalPath + ".lock") else {
            throw RestoreError(
                .unavailable, code: "journal.locked",
                message:
                    "another rewire restore is writing this journal; wait for it to finish (or for it to be killed)",
                path: journalPath)
        }
        defer { close(lock) }
        let (journalFolder, journalName) = FileIO.split(journalPath)
        FileIO.removeStaleTemporaries(in: journalFolder, of: journalName)
        let store = try RestoreJournalStore(path: journalPath, backend: backend.descriptor)
        let backend = self.backend
        let clock = self.clock
        let progress = self.progress

        // Create (or reopen) every entry before any work starts, so a crash at any later point leaves a
        // journal that names every VM of this run.
        try await store.update { (journal: inout RestoreJournal) throws(RestoreError) in
            let now = clock().iso8601
            for selection in selections {
                let vm = selection.vm
                let point = selection.recoveryPoint
                if let index = journal.entries.firstIndex(where: {
                    $0.vmName == vm.name && $0.recoveryPoint.id == point.id
                }) {
                    journal.entries[index].attempts += 1
                } else {
                    var entry = RestoreJournalEntry(
                        vmName: vm.name, vmId: vm.id, selector: selectorText, recoveryPoint: point,
                        target: backend.target(for: vm, recoveryPoint: point), startedAt: now)
                    entry.attempts = 1
                    journal.entries.append(entry)
                }
            }
        }

        var failures: [String: RestoreError] = [:]
        try await withThrowingTaskGroup(of: (String, RestoreError?).self) { group in
            var next = 0
            func launch() {
                let selection = selections[next]
                next += 1
                group.addTask {
                    let handle = RestoreJournalHandle(
                        store: store, vmName: selection.vm.name, recoveryPointId: selection.recoveryPoint.id,
                        clock: clock)
                    return (
                        selection.vm.name,
                        await Self.restoreOne(selection, handle: handle, backend: backend, progress: progress)
                    )
                }
            }
            while next < selections.count && next < maxConcurrentVMs { launch() }
            while let (name, failure) = try await group.next() {
                if let failure { failures[name] = failure }
                if next < selections.count { launch() }
            }
        }

        let journal = await store.journal
        let restored = selections.compactMap {
            journal.entry(vm: $0.vm.name, recoveryPoint: $0.recoveryPoint.id)?.report
        }
        .sorted { $0.name < $1.name }
        let report = RestoreReport(
            backend: backend.descriptor, recoveryPointSelector: selectorText, manifestSHA256: manifestSHA256,
            virtualMachines: restored)
        return Outcome(report: report, failures: failures)
    }

    /// One VM: run the backend, then insist on the done condition; record any failure in the journal.
    static func restoreOne(
        _ selection: Selection, handle: RestoreJournalHandle, backend: any RecoveryPointBackend,
        progress: @escaping @Sendable (RestoreEvent) -> Void
    ) async -> RestoreError? {
        let name = selection.vm.name
        progress(.vmStarted(vm: name, recoveryPoint: selection.recoveryPoint.id))
        var failure: RestoreError?
        do {
            try await backend.restore(selection.vm, journal: handle, progress: progress)
            let entry = try await handle.entry()
            if !entry.isDone {
                failure = RestoreError(
                    .internal, code: "restore.notVerified",
                    message: "the backend finished VM '\(name)' without every disk present and verified")
            }
        } catch let error as RestoreError {
            failure = error
        } catch is CancellationError {
            failure = RestoreError(.internal, code: "restore.cancelled", message: "cancelled")
        } catch {
            failure = RestoreError(.internal, code: "restore.unexpected", message: "\(error)")
        }
        let now = handle.now.iso8601
        let recorded = failure
        let final = try? await handle.update { entry in
            if let recorded {
                entry.phase = .failed
                entry.error = recorded.description
            } else {
                entry.finishedAt = now
            }
        }
        if failure == nil, final == nil {
            failure = RestoreError(.internal, code: "journal.write", message: "could not record VM '\(name)' as done")
        }
        progress(.vmFinished(vm: name, status: failure == nil ? .done : .failed))
        return failure
    }
}
