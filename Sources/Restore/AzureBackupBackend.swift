public import AzureREST
import Foundation
public import RewireModel

/// Restores disks from an Azure Recovery Services vault over REST (restore-procedures.md §1.4–1.7): `RestoreDisks`
/// into a target resource group (managed disks) or a staging storage account (VHDs), then the job's config blob.
///
/// Each step is journaled before and after, so a re-run continues instead of triggering again:
///
/// - `jobId` known → poll that job (a job that *failed* allows one new trigger);
/// - `operation` known (trigger accepted, job id not yet read) → poll the operation for the job id;
/// - `triggerRequestedAt` known but nothing else (the run died around the POST, or its answer was lost) → look
///   for a Restore job of this VM started since then before triggering again;
/// - nothing → check the trigger budget (10 per VM per 24 h, from the journal and the vault's job list),
///   journal the intent, POST.
public struct AzureBackupBackend: RecoveryPointBackend {
    public let client: RecoveryServicesClient
    public let blobs: BlobClient
    /// The staging account (ARM id) that receives the config and template blobs (and VHDs without a target group).
    public let stagingStorageAccountID: String
    /// `/subscriptions/{s}/resourceGroups/{rg}` for managed disks; nil restores VHDs into the staging account.
    public let targetResourceGroupID: String?
    public let configParser: @Sendable ([UInt8]) throws -> RestoredVMConfig
    /// Seconds between polls of a running job.
    public let jobPollInterval: Double
    public let operationPolling: PollingOptions
    public let budget: TriggerBudget

    static let diskAPIVersion = "2024-03-02"
    static let stateTrigger = "operation"
    static let stateJob = "jobId"
    static let stateRequestedAt = "triggerRequestedAt"
    static let stateFailedJobs = "failedJobIds"

    public init(
        client: RecoveryServicesClient, blobs: BlobClient, stagingStorageAccountID: String,
        targetResourceGroupID: String?,
        configParser: @escaping @Sendable ([UInt8]) throws -> RestoredVMConfig, jobPollInterval: Double = 15,
        operationPolling: PollingOptions = PollingOptions(), budget: TriggerBudget = TriggerBudget()
    ) {
        self.client = client
        self.blobs = blobs
        self.stagingStorageAccountID = stagingStorageAccountID
        self.targetResourceGroupID = targetResourceGroupID
        self.configParser = configParser
        self.jobPollInterval = jobPollInterval
        self.operationPolling = operationPolling
        self.budget = budget
    }

    /// Looked up once per run: each VM's protected item, the vault's region, and the vault's Restore jobs of the
    /// last day as they stood when the first trigger was considered (this run's own triggers are in the journal).
    private let cache = AzureLookupCache()

    public var descriptor: RestoreBackend { RestoreBackend(kind: .azureRecoveryServices, location: client.vaultID) }

    public func recoveryPoints(for vm: VirtualMachine) async throws -> [RecoveryPointReference] {
        let item = try await protectedItem(of: vm)
        return try await azure { try await client.recoveryPoints(of: item) }.compactMap { point in
            guard let time = point.time else { return nil }
            return RecoveryPointReference(
                id: point.name, time: Self.timestamp(time).iso8601, type: point.recoveryPointType)
        }
    }

    public func target(for vm: VirtualMachine, recoveryPoint: RecoveryPointReference) -> RestoreTarget {
        if let targetResourceGroupID { return RestoreTarget(kind: .resourceGroup, location: targetResourceGroupID) }
        return RestoreTarget(kind: .storageAccount, location: stagingStorageAccountID)
    }

    public func plannedActions(for vm: VirtualMachine, recoveryPoint: RecoveryPointReference) async throws -> [String] {
        let item = try await protectedItem(of: vm)
        var body = "RestoreDisks, staging account \(stagingStorageAccountID)"
        if let targetResourceGroupID { body += ", managed disks into \(targetResourceGroupID)" }
        return [
            "POST \(item.id)/recoveryPoints/\(recoveryPoint.id)/restore (\(body))",
            "poll the operation for the job id, then GET \(client.vaultID)/backupJobs/{job} until it completes",
            "download the job's Config Blob Uri and keep its Template Blob Uri",
            targetResourceGroupID == nil
                ? "read the VHD URIs from the config blob"
                : "GET each restored managed disk in the target resource group",
        ]
    }

    public func restore(
        _ vm: VirtualMachine, journal: RestoreJournalHandle, progress: @escaping @Sendable (RestoreEvent) -> Void
    ) async throws {
        var entry = try await journal.entry()
        if entry.isDone { return }
        let clock = client.arm.connection.clock

        var jobID = entry.backendState[Self.stateJob]
        if jobID == nil, let saved = entry.backendState[Self.stateTrigger] {
            let trigger = try Self.decodeTrigger(saved)
            jobID = try await azure { try await client.waitForJobID(of: trigger, options: operationPolling) }
            entry = try await journal.update { [jobID] in
                $0.backendState[Self.stateJob] = jobID
                $0.jobId = jobID
            }
        }
        if jobID == nil, let requested = entry.backendState[Self.stateRequestedAt].flatMap(Timestamp.init(iso8601:)) {
            // The run died between journaling the intent and journaling the answer: did Azure get the POST?
            if let found = try await findJob(of: vm, since: requested, excluding: failedJobs(entry)) {
                progress(.step(vm: vm.name, message: "found the restore job \(found) a previous run triggered"))
                jobID = found
                entry = try await journal.update {
                    $0.backendState[Self.stateJob] = found
                    $0.jobId = found
                    $0.phase = .triggered
                }
            }
        }

        do {
            let current: String
            if let jobID {
                current = jobID
            } else {
                current = try await trigger(vm, entry: entry, journal: journal, progress: progress)
            }
            let job = try await waitForJob(current, vm: vm.name, clock: clock, progress: progress)
            if job.succeeded {
                try await finish(vm, job: job, journal: journal, progress: progress)
                return
            }
            // The job failed: remember it so it is never mistaken for a new one, and surface its error. A re-run
            // triggers again (the budget still applies).
            let reason = job.errors.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
            try await journal.update {
                var failed =
                    $0.backendState[Self.stateFailedJobs].map { $0.split(separator: ",").map(String.init) } ?? []
                failed.append(current)
                $0.backendState[Self.stateFailedJobs] = failed.joined(separator: ",")
                $0.backendState[Self.stateJob] = nil
                $0.backendState[Self.stateTrigger] = nil
                $0.backendState[Self.stateRequestedAt] = nil
            }
            throw RestoreError(
                .unavailable, code: "azure.job.failed",
                message:
                    "restore job \(current) of VM '\(vm.name)' ended \(job.status ?? "unknown")\(reason.isEmpty ? "" : ": " + reason); re-run to trigger a new restore"
            )
        }
    }

    /// Budget check, intent journaled, POST, answer journaled; returns the new job's id (also when the answer
    /// was lost but the job was found).
    private func trigger(
        _ vm: VirtualMachine, entry: RestoreJournalEntry, journal: RestoreJournalHandle,
        progress: @escaping @Sendable (RestoreEvent) -> Void
    ) async throws -> String {
        let item = try await protectedItem(of: vm)
        let now = journal.now
        let windowStart = Self.date(now.adding(seconds: -budget.windowSeconds))
        let recent = try await cache.recentRestoreJobs {
            try await azure {
                try await client.jobs(matching: BackupJobFilter(operation: "Restore", startTime: windowStart))
            }
        }.filter { $0.entityFriendlyName?.caseInsensitiveCompare(vm.name) == .orderedSame }
        guard recent.count < budget.maximum else {
            throw RestoreError(
                .unavailable, code: "restore.triggerLimit",
                message:
                    "VM '\(vm.name)' had \(recent.count) restore jobs in the last 24 hours (Azure allows \(budget.maximum)); not triggering another"
            )
        }
        let region = try await cache.region { try await azure { try await client.vaultLocation() } }
        try await journal.recordTriggerIntent(budget: budget)
        let request = RestoreDisksRequest(
            sourceVirtualMachineID: vm.id, recoveryPointID: entry.recoveryPoint.id, region: region,
            stagingStorageAccountID: stagingStorageAccountID, targetResourceGroupID: targetResourceGroupID)
        do {
            let trigger = try await client.triggerRestoreDisks(item: item, request: request)
            let saved = try Self.encodeTrigger(trigger)
            try await journal.update {
                $0.backendState[Self.stateTrigger] = saved
                $0.phase = .triggered
            }
            progress(.step(vm: vm.name, message: "restore triggered"))
            let jobID = try await azure { try await client.waitForJobID(of: trigger, options: operationPolling) }
            try await journal.update {
                $0.backendState[Self.stateJob] = jobID
                $0.jobId = jobID
            }
            return jobID
        } catch let error as AzureRESTError where error.kind == .outcomeUnknown {
            // The POST may have been carried out: look for its job rather than sending it again.
            if let found = try await findJob(of: vm, since: now, excluding: failedJobs(entry)) {
                try await journal.update {
                    $0.backendState[Self.stateJob] = found
                    $0.jobId = found
                    $0.phase = .triggered
                }
                return found
            }
            throw RestoreError(
                .unavailable, code: "azure.trigger.unknown",
                message:
                    "the restore request for VM '\(vm.name)' got no clear answer (\(error.description)) and no job shows it yet; re-run to look again"
            )
        } catch let error as AzureRESTError {
            throw Self.restoreError(error)
        }
    }

    private func findJob(of vm: VirtualMachine, since: Timestamp, excluding: Set<String>) async throws -> String? {
        // A minute of slack for the difference between this machine's clock and Azure's.
        let jobs = try await azure {
            try await client.jobs(
                matching: BackupJobFilter(operation: "Restore", startTime: Self.date(since.adding(seconds: -60))))
        }
        return jobs.first {
            $0.entityFriendlyName?.caseInsensitiveCompare(vm.name) == .orderedSame && !excluding.contains($0.name)
        }?.name
    }

    private func failedJobs(_ entry: RestoreJournalEntry) -> Set<String> {
        Set(entry.backendState[Self.stateFailedJobs].map { $0.split(separator: ",").map(String.init) } ?? [])
    }

    private func waitForJob(
        _ id: String, vm: String, clock: any AzureClock, progress: @escaping @Sendable (RestoreEvent) -> Void
    ) async throws -> BackupJob {
        while true {
            let job = try await azure { try await client.job(id: id) }
            if job.isFinished { return job }
            progress(.step(vm: vm, message: "job \(id) \(job.status ?? "")"))
            try await clock.sleep(seconds: jobPollInterval)
        }
    }

    /// The job completed: read its config blob, find and check the restored disks, mark the entry done.
    private func finish(
        _ vm: VirtualMachine, job: BackupJob, journal: RestoreJournalHandle,
        progress: @escaping @Sendable (RestoreEvent) -> Void
    ) async throws {
        try await journal.update { $0.phase = .jobCompleted }
        guard let configURI = job.configBlobURI, let configURL = URL(string: configURI) else {
            throw RestoreError(
                .unavailable, code: "azure.job.noConfigBlob",
                message:
                    "restore job \(job.name) of VM '\(vm.name)' completed without a 'Config Blob Uri' in its property bag"
            )
        }
        let download = try await azure { try await blobs.download(configURL) }
        let config: RestoredVMConfig
        do {
            config = try configParser([UInt8](download.data))
        } catch {
            throw RestoreError(.badData, code: "azure.configBlob.unreadable", message: "\(error)", path: configURI)
        }
        var disks: [RestoredDisk] = []
        let configured = (config.osDisk.map { [$0] } ?? []) + config.dataDisks
        for (index, disk) in configured.enumerated() {
            let lun = index == 0 && config.osDisk != nil ? nil : disk.lun
            guard let name = disk.name else { continue }
            if let targetResourceGroupID {
                let id = "\(targetResourceGroupID)/providers/Microsoft.Compute/disks/\(name)"
                let body = try await azure { try await client.arm.get(path: id, apiVersion: Self.diskAPIVersion) }
                let properties =
                    (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["properties"] as? [String: Any]
                let state = properties?["provisioningState"] as? String
                let bytes =
                    (properties?["diskSizeBytes"] as? NSNumber)?.int64Value
                    ?? (properties?["diskSizeGB"] as? NSNumber).map { $0.int64Value << 30 }
                disks.append(
                    RestoredDisk(
                        name: name, lun: lun, managedDiskId: id, sizeBytes: bytes,
                        verified: state?.caseInsensitiveCompare("Succeeded") == .orderedSame))
            } else {
                // VHDs in the staging account: the blob the config names exists, is a page blob and
                // holds whole 512-byte sectors (a fixed VHD: the disk, then its footer).
                var size: Int64?
                var verified = false
                if let uri = disk.vhdUri, let url = URL(string: uri) {
                    let properties = try await azure { try await blobs.properties(url) }
                    size = properties.contentLength
                    verified =
                        properties.blobType?.caseInsensitiveCompare("PageBlob") == .orderedSame
                        && (size.map { $0 >= 512 && $0 % 512 == 0 } ?? false)
                }
                disks.append(RestoredDisk(name: name, lun: lun, vhdUri: disk.vhdUri, sizeBytes: size, verified: verified))
            }
            progress(.diskVerified(vm: vm.name, disk: name))
        }
        let template = job.templateBlobURI
        let expected = 1 + vm.dataDisks.count
        try await journal.update { [disks] entry in
            entry.disks = disks
            entry.config = config
            entry.configBlob = configURI
            entry.templateBlobUri = template
            entry.jobId = job.name
            if disks.count >= expected && disks.allSatisfy(\.verified) {
                entry.phase = .done
                entry.error = nil
            }
        }
        let entry = try await journal.entry()
        guard entry.isDone else {
            throw RestoreError(
                .unavailable, code: "azure.disks.notVerified",
                message:
                    "restore job \(job.name) of VM '\(vm.name)' completed but \(disks.filter(\.verified).count) of \(expected) disks are present and provisioned"
            )
        }
    }

    // MARK: - Helpers

    /// The VM's protected item, once per run (the client tries the usual item id, then searches the vault).
    private func protectedItem(of vm: VirtualMachine) async throws -> BackupProtectedItem {
        let client = self.client
        return try await cache.item(for: vm.id) {
            do {
                return try await client.protectedItem(forVirtualMachine: vm.id)
            } catch let error as AzureRESTError {
                throw Self.restoreError(error)
            }
        }
    }

    private func azure<T>(_ call: () async throws -> T) async throws -> T {
        do {
            return try await call()
        } catch let error as AzureRESTError {
            throw Self.restoreError(error)
        }
    }

    static func restoreError(_ error: AzureRESTError) -> RestoreError {
        let kind: RestoreError.Kind
        switch error.kind {
        case .invalidArgument: kind = .internal
        case .invalidResponse: kind = .unavailable
        default: kind = .unavailable
        }
        if error.code == "ProtectedItemNotFound" || error.code.hasPrefix("BMSUserError") {
            return RestoreError(.badData, code: "azure.\(error.code)", message: error.description, path: error.location)
        }
        return RestoreError(kind, code: "azure.\(error.code)", message: error.description)
    }

    static func encodeTrigger(_ trigger: AzureREST.RestoreTrigger) throws -> String {
        String(decoding: try JSONEncoder().encode(trigger), as: UTF8.self)
    }

    static func decodeTrigger(_ text: String) throws -> AzureREST.RestoreTrigger {
        do {
            return try JSONDecoder().decode(AzureREST.RestoreTrigger.self, from: Data(text.utf8))
        } catch {
            throw RestoreError(
                .badData, code: "journal.trigger", message: "the journaled restore operation cannot be read: \(error)")
        }
    }

    static func timestamp(_ date: Date) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    static func date(_ time: Timestamp) -> Date {
        Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000)
    }
}

/// See `AzureBackupBackend.cache`.
actor AzureLookupCache {
    private var items: [String: BackupProtectedItem] = [:]
    private var vaultRegion: String?
    private var jobs: [BackupJob]?

    func item(
        for vmID: String, load: @Sendable () async throws -> BackupProtectedItem
    ) async throws -> BackupProtectedItem {
        let key = vmID.lowercased()
        if let item = items[key] { return item }
        let item = try await load()
        items[key] = item
        return item
    }

    func region(_ load: @Sendable () async throws -> String) async throws -> String {
        if let vaultRegion { return vaultRegion }
        let region = try await load()
        vaultRegion = region
        return region
    }

    func recentRestoreJobs(_ load: @Sendable () async throws -> [BackupJob]) async throws -> [BackupJob] {
        if let jobs { return jobs }
        let loaded = try await load()
        jobs = loaded
        return loaded
    }
}
