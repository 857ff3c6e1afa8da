public import Foundation

/// Azure Backup (Recovery Services) calls for restoring IaaS VM disks from one vault.
///
/// The restore flow: ``protectedItem(forVirtualMachine:)`` → ``recoveryPoints(of:)`` → ``triggerRestoreDisks(item:request:)``
/// (save the returned ``RestoreTrigger``) → ``waitForJobID(of:options:)`` → poll ``job(id:)`` until
/// ``BackupJob/isFinished`` → download ``BackupJob/configBlobURI`` with ``BlobClient``. After a crash,
/// ``jobs(matching:)`` finds a restore that was already triggered.
public struct RecoveryServicesClient: Sendable {
    /// The Recovery Services backup API version of the published examples the fake follows.
    public static let defaultAPIVersion = "2025-08-01"
    /// API version for the vault resource itself (`Microsoft.RecoveryServices/vaults`).
    public static let vaultAPIVersion = "2024-04-01"

    public let arm: ARMClient
    /// `/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}`.
    public let vaultID: String
    public let apiVersion: String

    /// - Parameters:
    ///   - vaultID: the vault's ARM id; a trailing `/` is ignored.
    ///   - apiVersion: the Recovery Services backup API version for every call but the vault's own.
    public init(arm: ARMClient, vaultID: String, apiVersion: String = RecoveryServicesClient.defaultAPIVersion) {
        self.arm = arm
        var id = vaultID.trimmingCharacters(in: .whitespaces)
        while id.hasSuffix("/") { id.removeLast() }
        self.vaultID = id
        self.apiVersion = apiVersion
    }

    /// The vault's region (`location`), which every restore request must name.
    public func vaultLocation() async throws -> String {
        let body = try await arm.get(path: vaultID, apiVersion: Self.vaultAPIVersion)
        let object = try jsonObject(body, what: "vault", location: vaultID)
        guard let location = object.string("location") else {
            throw AzureRESTError(
                kind: .invalidResponse, code: "InvalidResponseBody", message: "The vault has no location.",
                location: vaultID)
        }
        return location
    }

    /// The protected item of the VM with ARM id `virtualMachineID`. One `GET` of the name Azure Backup gives
    /// ARM VMs (`VM;iaasvmcontainerv2;{rg};{vm}`, lower-cased); when that is not it, the vault's IaaS VM items are
    /// listed and matched on `sourceResourceId` (case-insensitively, as ARM ids are). Throws code
    /// `ProtectedItemNotFound`.
    public func protectedItem(forVirtualMachine virtualMachineID: String) async throws -> BackupProtectedItem {
        if let guess = Self.protectedItemID(vaultID: vaultID, virtualMachineID: virtualMachineID) {
            do {
                let item = try await protectedItem(id: guess)
                if item.sourceResourceID?.caseInsensitiveCompare(virtualMachineID) == .orderedSame { return item }
            } catch let error as AzureRESTError where Self.meansNotUnderThatName(error) {
                // Not under the usual name (older container type, renamed group): any client error other than
                // auth or throttling means the guess was wrong, so search below.
            }
        }
        let path = "\(vaultID)/backupProtectedItems"
        let items = try await arm.list(
            path: path, apiVersion: apiVersion,
            query: [("$filter", "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'")])
        for resource in items {
            let item = try BackupProtectedItem(resource, location: path)
            if item.sourceResourceID?.caseInsensitiveCompare(virtualMachineID) == .orderedSame { return item }
        }
        throw AzureRESTError(
            kind: .service, code: "ProtectedItemNotFound",
            message: "The vault does not protect the VM \(virtualMachineID) (\(items.count) VM items looked at). "
                + "Check the vault id and that backup is configured for the VM.",
            location: vaultID)
    }

    /// A client error other than authentication, authorisation or throttling.
    static func meansNotUnderThatName(_ error: AzureRESTError) -> Bool {
        guard let status = error.status else { return false }
        return (400..<500).contains(status) && ![401, 403, 429].contains(status)
    }

    /// The id Azure Backup gives an ARM VM's protected item in `vaultID`, or `nil` when `virtualMachineID` is not
    /// a VM id.
    public static func protectedItemID(vaultID: String, virtualMachineID: String) -> String? {
        let parts = virtualMachineID.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 8, parts[2].lowercased() == "resourcegroups",
            parts[5].lowercased() == "microsoft.compute", parts[6].lowercased() == "virtualmachines"
        else { return nil }
        let name = "iaasvmcontainerv2;\(parts[3].lowercased());\(parts[7].lowercased())"
        return "\(vaultID)/backupFabrics/Azure/protectionContainers/IaasVMContainer;\(name)/protectedItems/VM;\(name)"
    }

    /// One protected item by its ARM id.
    public func protectedItem(id: String) async throws -> BackupProtectedItem {
        let body = try await arm.get(path: id, apiVersion: apiVersion)
        return try BackupProtectedItem(ARMResourceBody(id: id, body: body), location: id)
    }

    /// The item's recovery points, newest first, optionally limited to a time window.
    public func recoveryPoints(
        of item: BackupProtectedItem,
        from start: Date? = nil,
        to end: Date? = nil
    ) async throws -> [BackupRecoveryPoint] {
        let path = "\(item.id)/recoveryPoints"
        var query: [(String, String)] = []
        if start != nil || end != nil {
            let from = BackupJobFilter.format(start ?? Date(timeIntervalSince1970: 0))
            let to = BackupJobFilter.format(end ?? Date(timeIntervalSinceReferenceDate: 4e9))
            query.append(("$filter", "startDate eq '\(from)' and endDate eq '\(to)'"))
        }
        let points = try await arm.list(path: path, apiVersion: apiVersion, query: query).map {
            try BackupRecoveryPoint($0, location: path)
        }
        return points.sorted { ($0.time ?? .distantPast) > ($1.time ?? .distantPast) }
    }

    /// Sends the restore (`POST {item}/recoveryPoints/{rp}/restore`). Exactly one request: it is repeated only
    /// on 429 (which ARM rejects before acting). A 5xx or lost answer throws kind `outcomeUnknown`; then look
    /// for the job with ``jobs(matching:)`` before deciding to trigger again.
    public func triggerRestoreDisks(item: BackupProtectedItem, request: RestoreDisksRequest) async throws
        -> RestoreTrigger
    {
        let path = "\(item.id)/recoveryPoints/\(request.recoveryPointID)/restore"
        let (response, operation) = try await arm.begin(.post, path: path, apiVersion: apiVersion, body: request.body())
        guard let operation else {
            throw AzureRESTError(
                kind: .invalidResponse, code: "NoOperationURL",
                message:
                    "The restore was accepted (HTTP \(response.status)) but the answer has no Azure-AsyncOperation "
                    + "or Location header to follow. List the vault's Restore jobs to find it.",
                status: response.status, requestID: response.headers["x-ms-request-id"], location: "POST \(path)")
        }
        let operationID = (operation.asyncOperationURL ?? operation.locationURL)?.lastPathComponent
        return RestoreTrigger(operation: operation, operationID: operationID)
    }

    /// Polls the restore's operation until it succeeds and returns the id of the backup job it started.
    public func waitForJobID(of trigger: RestoreTrigger, options: PollingOptions = PollingOptions()) async throws
        -> String
    {
        var operation = trigger.operation
        if operation.asyncOperationURL == nil, let id = trigger.operationID, !id.isEmpty {
            // Location-only: the vault-level operation status carries the job id the same way.
            operation.asyncOperationURL = try arm.url(path: "\(vaultID)/backupOperations/\(id)", apiVersion: apiVersion)
        }
        let result = try await arm.waitForCompletion(of: operation, options: options)
        let object = try jsonObject(result.body, what: "operation status", location: trigger.operationID)
        guard let jobID = object.object("properties")?.string("jobId"), !jobID.isEmpty else {
            throw AzureRESTError(
                kind: .invalidResponse, code: "NoJobID",
                message: "The restore operation succeeded but names no job (properties.jobId). "
                    + "List the vault's Restore jobs to find it.",
                location: trigger.operationID)
        }
        return jobID
    }

    /// One job with its `extendedInfo` (property bag, tasks).
    public func job(id: String) async throws -> BackupJob {
        let path = "\(vaultID)/backupJobs/\(id)"
        let body = try await arm.get(path: path, apiVersion: apiVersion)
        return try BackupJob(ARMResourceBody(id: path, body: body), location: path)
    }

    /// The vault's jobs matching `filter`, newest first (no `extendedInfo` in list answers: use ``job(id:)``).
    public func jobs(matching filter: BackupJobFilter = BackupJobFilter()) async throws -> [BackupJob] {
        let path = "\(vaultID)/backupJobs"
        let jobs = try await arm.list(path: path, apiVersion: apiVersion, query: [("$filter", filter.odataFilter)]).map
        {
            try BackupJob($0, location: path)
        }
        return jobs.sorted { ($0.startTime ?? .distantPast) > ($1.startTime ?? .distantPast) }
    }
}
