import RewireModel

/// An Azure Backup protected item of a virtual machine, before it is matched to its VM.
struct ProtectedItem: Sendable, Equatable {
    var id: String
    /// The protected VM's id: `sourceResourceId`, else `virtualMachineId`.
    var virtualMachineId: String
    var protection: BackupProtection
}

/// Reads protected items in the shapes they are exported in:
///
/// - ARM (`GET {vault}/backupProtectedItems`, `ProtectedItems_Get`) and `az backup item list` / `show`, which keep
///   the `properties` wrapper: `properties.sourceResourceId`, `virtualMachineId`, `policyId`, `protectionState`,
///   `lastRecoveryPoint` (`AzureIaaSComputeVMProtectedItem`);
/// - PowerShell `Get-AzRecoveryServicesBackupItem | ConvertTo-Json` (`AzureVmItem`): flat, `LatestRecoveryPoint`
///   instead of `lastRecoveryPoint`, `ProtectionState` as the number of the cmdlets' own enum, dates as
///   `/Date(ms)/` in Windows PowerShell 5.1.
///
/// The vault is not a field of the item: it is the item id's prefix up to `vaults/{name}`.
extension AzureResourceReader {
    /// The item, or nil when it protects something other than a VM (SQL in a VM, a file share): those are
    /// skipped like any other resource type capture does not use.
    func protectedItem() throws(CaptureError) -> ProtectedItem? {
        guard try Self.isVirtualMachineBackup(node) else { return nil }
        guard let vault = Self.vaultID(of: id) else {
            throw node.shapeError("expected a protected item id under its vault (.../Microsoft.RecoveryServices/vaults/{vault}/backupFabrics/...)")
        }
        var machine = try node.optionalString("sourceResourceId")
        if machine == nil { machine = try node.optionalString("virtualMachineId") }
        guard let machine else {
            throw node.shapeError("expected sourceResourceId or virtualMachineId on protected item '\(try name())'")
        }
        return ProtectedItem(
            id: id, virtualMachineId: machine,
            protection: BackupProtection(
                vaultId: vault, policyId: try node.optionalString("policyId"),
                protectionState: try Self.protectionState(node.field("protectionState")),
                lastRecoveryPoint: try Self.timestamp(node.field("lastRecoveryPoint", "latestRecoveryPoint"))))
    }

    /// `backupManagementType` AzureIaasVM (ARM) or AzureVM (PowerShell), `workloadType` VM, `protectedItemType`
    /// `Microsoft.(Classic)Compute/virtualMachines`. Numbers (PowerShell enums) and absent fields do not rule an item out.
    static func isVirtualMachineBackup(_ node: ResourceNode) throws(CaptureError) -> Bool {
        func text(_ name: String) -> String? { node.field(name)?.value.stringValue?.lowercased() }
        if let management = text("backupManagementType"), !["azureiaasvm", "azurevm"].contains(management) { return false }
        if let workload = text("workloadType"), !["vm", "azurevm"].contains(workload) { return false }
        if let type = text("protectedItemType"), !type.hasSuffix("/virtualmachines") { return false }
        return true
    }

    /// `/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v`, spelled as in `id`.
    static func vaultID(of id: String) -> String? {
        guard let parsed = ResourceID(id), parsed.providerNamespace?.lowercased() == "microsoft.recoveryservices",
            let first = parsed.segments.first, first.type.lowercased() == "vaults"
        else { return nil }
        let parts = id.split(separator: "/", omittingEmptySubsequences: true)
        // subscriptions/{s}[/resourceGroups/{rg}]/providers/Microsoft.RecoveryServices/vaults/{vault}/...
        let providers = parts.count > 2 && parts[2].lowercased() == "resourcegroups" ? 4 : 2
        guard parts.count > providers + 3 else { return nil }
        return "/" + parts[...(providers + 3)].joined(separator: "/")
    }

    /// PowerShell's `ItemProtectionState`: IRPending 1, ProtectionError 2, Protected 3, ProtectionStopped 4,
    /// BackupsSuspended 5 (Az.RecoveryServices `Models/Enums.cs`). Other numbers are left unread.
    static func protectionState(_ node: ResourceNode?) throws(CaptureError) -> String? {
        guard let node else { return nil }
        if case .number = node.value {
            let names = [1: "IRPending", 2: "ProtectionError", 3: "Protected", 4: "ProtectionStopped", 5: "BackupsSuspended"]
            return names[try node.int()]
        }
        let text = try node.string()
        return text.isEmpty ? nil : text
    }

    /// ISO 8601 as ARM writes it, or Windows PowerShell 5.1's `/Date(1511353532048)/` turned into ISO 8601 (UTC).
    static func timestamp(_ node: ResourceNode?) throws(CaptureError) -> String? {
        guard let node else { return nil }
        let text = try node.string()
        guard text.hasPrefix("/Date("), text.hasSuffix(")/") else { return text.isEmpty ? nil : text }
        var digits = text.dropFirst(6).dropLast(2)
        // "/Date(1511353532048+0100)/": the offset only says how to display it; the milliseconds are UTC.
        if let sign = digits.dropFirst().firstIndex(where: { $0 == "+" || $0 == "-" }) { digits = digits[..<sign] }
        guard let milliseconds = Int64(digits) else {
            throw node.shapeError("expected a date, found '\(text)'")
        }
        return CivilCalendar.iso8601(millisecondsSinceEpoch: milliseconds, fraction: .always)
    }
}

