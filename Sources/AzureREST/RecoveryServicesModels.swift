public import Foundation

/// An Azure Backup protected item for an IaaS VM (`AzureIaaSComputeVMProtectedItem`), the fields a restore needs.
public struct BackupProtectedItem: Sendable, Equatable {
    /// ARM id, `.../protectionContainers/IaasVMContainer;iaasvmcontainerv2;{rg};{vm}/protectedItems/VM;...`.
    public var id: String
    public var name: String
    /// The VM's name.
    public var friendlyName: String?
    /// The protected VM's ARM id.
    public var sourceResourceID: String?
    /// `Protected`, `ProtectionStopped`, `IRPending`, ...
    public var protectionState: String?
    public var policyName: String?
    public var lastRecoveryPoint: Date?
    /// The item exactly as the service sent it.
    public var raw: Data

    init(_ resource: ARMResourceBody, location: String) throws {
        let object = try jsonObject(resource.body, what: "protected item", location: location)
        let properties = object.object("properties") ?? [:]
        id = object.string("id") ?? resource.id
        name = object.string("name") ?? ""
        friendlyName = properties.string("friendlyName")
        sourceResourceID = properties.string("sourceResourceId") ?? properties.string("virtualMachineId")
        protectionState = properties.string("protectionState")
        policyName =
            properties.string("policyName")
            ?? properties.string("policyId")?.split(separator: "/").last.map(String.init)
        lastRecoveryPoint = properties.date("lastRecoveryPoint")
        raw = resource.body
    }
}

/// A recovery point of an IaaS VM (`IaasVMRecoveryPoint`).
public struct BackupRecoveryPoint: Sendable, Equatable {
    public var id: String
    /// The recovery point id used in restore requests (e.g. `58658092164440`).
    public var name: String
    public var time: Date?
    /// `AppConsistent`, `CrashConsistent`, `FileSystemConsistent`, ...
    public var recoveryPointType: String?
    /// Tier → status, e.g. `["InstantRP": "Valid", "HardenedRP": "Valid"]`.
    public var tiers: [String: String]
    public var isManagedVirtualMachine: Bool?
    public var virtualMachineSize: String?
    public var osType: String?
    public var zones: [String]
    public var raw: Data

    init(_ resource: ARMResourceBody, location: String) throws {
        let object = try jsonObject(resource.body, what: "recovery point", location: location)
        let properties = object.object("properties") ?? [:]
        id = object.string("id") ?? resource.id
        name = object.string("name") ?? ""
        time = properties.date("recoveryPointTime")
        recoveryPointType = properties.string("recoveryPointType")
        var tiers: [String: String] = [:]
        for tier in properties["recoveryPointTierDetails"] as? [[String: Any]] ?? [] {
            if let type = tier.string("type") { tiers[type] = tier.string("status") ?? "" }
        }
        self.tiers = tiers
        isManagedVirtualMachine = properties.bool("isManagedVirtualMachine")
        virtualMachineSize = properties.string("virtualMachineSize")
        osType = properties.string("osType")
        zones = properties["zones"] as? [String] ?? []
        raw = resource.body
    }
}

/// What to restore where: a `RestoreDisks` `IaasVMRestoreRequest`.
///
/// Managed VMs: give ``targetResourceGroupID`` and the disks are created there as managed disks; the config and
/// template blobs still go to the staging account. Without it, the disks land as VHDs in the staging account.
public struct RestoreDisksRequest: Sendable, Equatable {
    /// The protected VM's ARM id (must equal the protected item's `sourceResourceId`).
    public var sourceVirtualMachineID: String
    /// The recovery point's name.
    public var recoveryPointID: String
    /// The vault's region, e.g. `westeurope` (a restore cannot cross regions through this call).
    public var region: String
    /// The staging storage account's ARM id (same region as the vault).
    public var stagingStorageAccountID: String
    /// Resource group id for managed disks (`/subscriptions/{s}/resourceGroups/{rg}`).
    public var targetResourceGroupID: String?
    /// Restore only these data-disk LUNs (selective backup); `nil` restores all.
    public var diskLUNs: [Int]?
    /// A user-assigned identity of the vault to reach the staging account; `nil` uses the vault's access.
    public var userAssignedIdentityID: String?
    /// Use the vault's system-assigned identity to reach the staging account.
    public var useSystemAssignedIdentity: Bool

    public init(
        sourceVirtualMachineID: String,
        recoveryPointID: String,
        region: String,
        stagingStorageAccountID: String,
        targetResourceGroupID: String? = nil,
        diskLUNs: [Int]? = nil,
        userAssignedIdentityID: String? = nil,
        useSystemAssignedIdentity: Bool = false
    ) {
        self.sourceVirtualMachineID = sourceVirtualMachineID
        self.recoveryPointID = recoveryPointID
        self.region = region
        self.stagingStorageAccountID = stagingStorageAccountID
        self.targetResourceGroupID = targetResourceGroupID
        self.diskLUNs = diskLUNs
        self.userAssignedIdentityID = userAssignedIdentityID
        self.useSystemAssignedIdentity = useSystemAssignedIdentity
    }

    /// The JSON body, `{"properties": {...}}`, in the shape of the published `TriggerRestore_RestoreDisks_*`
    /// examples. Keys sorted so the body is byte-stable (the fake's request log and tests compare it).
    public func body() -> Data {
        var properties: [String: Any] = [
            "objectType": "IaasVMRestoreRequest",
            "recoveryType": "RestoreDisks",
            "sourceResourceId": sourceVirtualMachineID,
            "recoveryPointId": recoveryPointID,
            "region": region,
            "createNewCloudService": false,
            "originalStorageAccountOption": false,
            "encryptionDetails": ["encryptionEnabled": false],
        ]
        if let targetResourceGroupID { properties["targetResourceGroupId"] = targetResourceGroupID }
        if let diskLUNs { properties["restoreDiskLunList"] = diskLUNs }
        if useSystemAssignedIdentity || userAssignedIdentityID != nil {
            // Identity-based restore: the account goes in identityBasedRestoreDetails, not storageAccountId.
            properties["identityBasedRestoreDetails"] = ["targetStorageAccountId": stagingStorageAccountID]
            var identity: [String: Any] = ["isSystemAssignedIdentity": userAssignedIdentityID == nil]
            if let userAssignedIdentityID { identity["managedIdentityResourceId"] = userAssignedIdentityID }
            properties["identityInfo"] = identity
        } else {
            properties["storageAccountId"] = stagingStorageAccountID
        }
        let body: [String: Any] = ["properties": properties]
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
    }
}

/// A triggered restore: the operation to poll for the job id. `Codable` so a journal can save it before
/// polling (a crash after the trigger must not lead to a second trigger).
public struct RestoreTrigger: Sendable, Codable, Equatable {
    public var operation: LongRunningOperation
    /// The operation id (last path segment of the status URL), usable with `backupOperations/{id}`.
    public var operationID: String?

    public init(operation: LongRunningOperation, operationID: String?) {
        self.operation = operation
        self.operationID = operationID
    }
}

/// An Azure Backup job (`AzureIaaSVMJob`).
public struct BackupJob: Sendable, Equatable {
    public var id: String
    /// The job id (a GUID).
    public var name: String
    /// `Restore`, `Backup`, `ConfigureBackup`, ...
    public var operation: String?
    /// `InProgress`, `Completed`, `CompletedWithWarnings`, `Failed`, `Cancelled`, `Cancelling`.
    public var status: String?
    /// The VM's name.
    public var entityFriendlyName: String?
    public var startTime: Date?
    public var endTime: Date?
    public var activityID: String?
    /// `extendedInfo.propertyBag` (only in single-job answers). Keys are Azure's verbatim, including the trailing
    /// space of `"Recovery point time "`; the template key is `"Template Blob Uri"` or, since 2025,
    /// `"Create VM Template Blob Uri"`.
    public var propertyBag: [String: String]
    /// `extendedInfo.tasksList`: task id → status.
    public var tasks: [Task]
    /// `errorDetails` of a failed job.
    public var errors: [JobError]
    public var raw: Data

    public struct Task: Sendable, Equatable {
        public var taskID: String
        public var status: String?
    }

    public struct JobError: Sendable, Equatable {
        /// `errorTitle` (e.g. `UserErrorStorageAccountNotFound`), else the numeric `errorCode`.
        public var code: String
        public var message: String
        public var recommendations: [String]
    }

    /// Whether the job reached a final status.
    public var isFinished: Bool {
        guard let status = status?.lowercased() else { return false }
        return ["completed", "completedwithwarnings", "failed", "cancelled", "canceled"].contains(status)
    }

    /// Whether the job finished successfully.
    public var succeeded: Bool {
        guard let status = status?.lowercased() else { return false }
        return status == "completed" || status == "completedwithwarnings"
    }

    /// The template blob URI under either documented key.
    public var templateBlobURI: String? {
        propertyBag["Template Blob Uri"] ?? propertyBag["Create VM Template Blob Uri"]
    }

    /// The config blob URI.
    public var configBlobURI: String? { propertyBag["Config Blob Uri"] }

    init(_ resource: ARMResourceBody, location: String) throws {
        let object = try jsonObject(resource.body, what: "backup job", location: location)
        let properties = object.object("properties") ?? [:]
        id = object.string("id") ?? resource.id
        name = object.string("name") ?? ""
        operation = properties.string("operation")
        status = properties.string("status")
        entityFriendlyName = properties.string("entityFriendlyName")
        startTime = properties.date("startTime")
        endTime = properties.date("endTime")
        activityID = properties.string("activityId")
        let extended = properties.object("extendedInfo") ?? [:]
        var bag: [String: String] = [:]
        for (key, value) in extended.object("propertyBag") ?? [:] {
            bag[key] = value as? String ?? "\(value)"
        }
        propertyBag = bag
        tasks = (extended["tasksList"] as? [[String: Any]] ?? []).map {
            Task(taskID: $0.string("taskId") ?? "", status: $0.string("status"))
        }
        errors = (properties["errorDetails"] as? [[String: Any]] ?? []).map {
            JobError(
                code: $0.string("errorTitle") ?? jsonNumber($0["errorCode"]).map { String(Int($0)) } ?? "",
                message: $0.string("errorString") ?? "",
                recommendations: $0["recommendations"] as? [String] ?? [])
        }
        raw = resource.body
    }
}

/// Which jobs to list (`$filter` on the vault's `backupJobs`).
public struct BackupJobFilter: Sendable, Equatable {
    public var operation: String?
    public var status: String?
    /// Jobs started at or after this time.
    public var startTime: Date?
    /// Jobs started at or before this time.
    public var endTime: Date?

    public init(operation: String? = "Restore", status: String? = nil, startTime: Date? = nil, endTime: Date? = nil) {
        self.operation = operation
        self.status = status
        self.startTime = startTime
        self.endTime = endTime
    }

    /// `backupManagementType eq 'AzureIaasVM' and operation eq 'Restore' and startTime eq '2025-11-20 02:01:14 AM'`
    /// (dates in UTC, the `yyyy-MM-dd hh:mm:ss tt` form Az PowerShell sends).
    public var odataFilter: String {
        var clauses = ["backupManagementType eq 'AzureIaasVM'"]
        if let operation { clauses.append("operation eq '\(operation.replacingOccurrences(of: "'", with: "''"))'") }
        if let status { clauses.append("status eq '\(status.replacingOccurrences(of: "'", with: "''"))'") }
        if let startTime { clauses.append("startTime eq '\(Self.format(startTime))'") }
        if let endTime { clauses.append("endTime eq '\(Self.format(endTime))'") }
        return clauses.joined(separator: " and ")
    }

    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd hh:mm:ss a"
        return formatter.string(from: date)
    }
}
