import Foundation
@testable import NetConfigCapture
import RewireModel
import RewireTestSupport
import Testing

@Suite("Capture of Azure Backup protected items and guest-facts documents")
struct BackupAndGuestFactsCaptureTests {
    static let sub = "/subscriptions/3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53"
    static let vault = "\(sub)/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod-weu"
    static let web01 = "\(sub)/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web01"
    static let web02 = "\(sub)/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web02"

    static func itemID(_ group: String, _ vm: String, vault: String = vault) -> String {
        "\(vault)/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;\(group);\(vm)/protectedItems/VM;iaasvmcontainerv2;\(group);\(vm)"
    }

    /// One element of `GET {vault}/backupProtectedItems` (AzureIaaSComputeVMProtectedItem), as `az backup item
    /// list` also prints it (plus `resourceGroup`).
    static func armItem(vm: String, name: String, group: String = "rg-web", state: String = "Protected", vault: String = vault) -> String {
        """
        {"id": "\(itemID(group, name, vault: vault))", "name": "VM;iaasvmcontainerv2;\(group);\(name)",
         "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems", "resourceGroup": "rg-backup",
         "properties": {"backupManagementType": "AzureIaasVM", "containerName": "iaasvmcontainerv2;\(group);\(name)",
           "friendlyName": "\(name)", "healthStatus": "Passed", "lastBackupStatus": "Completed",
           "lastBackupTime": "2025-11-20T02:01:14.1234567Z", "lastRecoveryPoint": "2025-11-20T02:01:14.1234567Z",
           "policyId": "\(vault)/backupPolicies/DefaultPolicy", "policyName": "DefaultPolicy",
           "protectedItemType": "Microsoft.Compute/virtualMachines", "protectionState": "\(state)", "protectionStatus": "Healthy",
           "sourceResourceId": "\(vm)", "virtualMachineId": "\(vm)", "workloadType": "VM"}}
        """
    }

    func example(plus documents: [(String, String)], vms: [String] = []) throws -> Manifest {
        var capture = Capture(options: CaptureOptions(vmNames: vms))
        for file in exampleFiles("arm").sorted(by: { $0.path < $1.path }) {
            try capture.add(file: file.lastPathComponent, bytes: [UInt8](try Data(contentsOf: file)))
        }
        for (name, text) in documents { try capture.add(file: name, bytes: Array(text.utf8)) }
        return try capture.finish()
    }

    // MARK: protected items

    @Test func matchesProtectedItemsToVMsIgnoringCaseAndReportsItemsForOtherVMs() throws {
        let other = "\(Self.sub)/resourceGroups/rg-identity/providers/Microsoft.Compute/virtualMachines/dc01"
        let list = """
            {"value": [\(Self.armItem(vm: Self.web01.uppercased(), name: "web01")), \(Self.armItem(vm: other, name: "dc01", group: "rg-identity"))]}
            """
        let manifest = try example(plus: [("items.json", list)])
        let web01 = try #require(manifest.virtualMachines.first { $0.name == "web01" })
        #expect(
            web01.backup
                == BackupProtection(
                    vaultId: Self.vault, policyId: "\(Self.vault)/backupPolicies/DefaultPolicy", protectionState: "Protected",
                    lastRecoveryPoint: "2025-11-20T02:01:14.1234567Z"))
        #expect(manifest.virtualMachines.first { $0.name == "web02" }?.backup == nil)
        let foreign = manifest.findings.filter { $0.code == "backup.vm-not-in-input" }
        #expect(foreign.count == 1 && foreign[0].severity == .info && foreign[0].message.contains("dc01"))
        #expect(foreign[0].location?.path == "$.value[1]")
    }

    /// The published `ProtectedItems_Get` example: its vault id is the item id's prefix.
    @Test func readsThePublishedProtectedItemExample() throws {
        let url = ARMFixtures.root.appendingPathComponent("recoveryservicesbackup/2025-08-01/examples/AzureIaasVm/Compute_ProtectedItem_Get.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let body = ((object?["responses"] as? [String: Any])?["200"] as? [String: Any])?["body"]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: try #require(body)), as: UTF8.self)
        let manifest = try capture([("item.json", text)])
        let finding = try #require(manifest.findings.first { $0.code == "backup.vm-not-in-input" })
        #expect(finding.message.contains("'PySDKBackupTestRsVault'"))
        #expect(finding.message.contains("virtualMachines/iaasvm-1"))
    }

    /// `Get-AzRecoveryServicesBackupItem -WorkloadType AzureVM | ConvertTo-Json` in Windows PowerShell 5.1
    /// (`AzureVmItem`): flat, `LatestRecoveryPoint` as `/Date(ms)/`, `ProtectionState` as the cmdlets' enum number.
    @Test func readsPowerShellBackupItems() throws {
        let item = """
            [{"VirtualMachineId": "\(Self.web02)", "ProtectionStatus": 1, "ProtectionState": 3, "LastBackupStatus": "Completed",
              "LastBackupTime": "\\/Date(1763604074000)\\/", "ProtectionPolicyName": "DefaultPolicy",
              "PolicyId": "\(Self.vault)/backupPolicies/DefaultPolicy", "HealthStatus": "Passed", "DeleteState": 2,
              "Name": "VM;iaasvmcontainerv2;rg-web;web02", "Id": "\(Self.itemID("rg-web", "web02"))",
              "LatestRecoveryPoint": "\\/Date(1763604074000)\\/", "SourceResourceId": "\(Self.web02)",
              "WorkloadType": 1, "ContainerName": "iaasvmcontainerv2;rg-web;web02", "ContainerType": 1, "BackupManagementType": 1}]
            """
        let manifest = try example(plus: [("ps-items.json", item)])
        let web02 = try #require(manifest.virtualMachines.first { $0.name == "web02" })
        #expect(web02.backup?.protectionState == "Protected")
        #expect(web02.backup?.lastRecoveryPoint == "2025-11-20T02:01:14.000Z")
        #expect(web02.backup?.vaultId == Self.vault)
    }

    @Test func convertsPowerShellDatesToUTC() {
        #expect(CivilCalendar.iso8601(millisecondsSinceEpoch: 0, fraction: .always) == "1970-01-01T00:00:00.000Z")
        #expect(CivilCalendar.iso8601(millisecondsSinceEpoch: 951_782_400_123, fraction: .always) == "2000-02-29T00:00:00.123Z")
        #expect(CivilCalendar.iso8601(millisecondsSinceEpoch: -1, fraction: .always) == "1969-12-31T23:59:59.999Z")
    }

    @Test func skipsItemsThatProtectSomethingOtherThanTheVM() throws {
        let sql = """
            {"id": "\(Self.vault)/backupFabrics/Azure/protectionContainers/VMAppContainer;compute;rg-web;web01/protectedItems/SQLDataBase;mssqlserver;appdb",
             "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
             "properties": {"backupManagementType": "AzureWorkload", "workloadType": "SQLDataBase", "protectedItemType": "AzureVmWorkloadSQLDatabase",
                            "sourceResourceId": "\(Self.web01)", "protectionState": "Protected"}}
            """
        let manifest = try example(plus: [("sql.json", sql)])
        #expect(manifest.virtualMachines.allSatisfy { $0.backup == nil })
        #expect(manifest.findings.contains { $0.code == "input.resource-type-ignored" && $0.message.contains("not a virtual machine") })
    }

    @Test func aVMWithSeveralItemsGetsTheActiveOneAndAWarning() throws {
        let oldVault = "\(Self.sub)/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-old"
        let manifest = try example(plus: [
            ("old.json", Self.armItem(vm: Self.web01, name: "web01", state: "ProtectionStopped", vault: oldVault)),
            ("new.json", Self.armItem(vm: Self.web01, name: "web01", state: "Protected")),
        ])
        #expect(manifest.virtualMachines.first { $0.name == "web01" }?.backup?.vaultId == Self.vault)
        let warning = try #require(manifest.findings.first { $0.code == "backup.several-protected-items" })
        #expect(warning.vm == "web01" && warning.message.contains("rsv-old: ProtectionStopped"))
    }

    @Test func itemsOfVMsLeftOutByVMNamesAreNotReported() throws {
        let manifest = try example(plus: [("items.json", Self.armItem(vm: Self.web01, name: "web01"))], vms: ["web02"])
        #expect(manifest.findings.filter { $0.code.hasPrefix("backup.") }.isEmpty)
    }

    // MARK: guest facts

    static let facts = """
        {"rewireGuestFacts": 1, "vm": "WEB01", "collectedAt": "2025-11-20T09:00:00Z",
         "networkDrives": ["Z: \\\\\\\\files01\\\\share"], "clusterSharedVolumes": false, "scaleOutFileServer": false,
         "proxy": "", "osCaption": "Microsoft Windows Server 2022 Datacenter Azure Edition"}
        """

    @Test func attachesAGuestFactsDocumentToTheVMItNames() throws {
        let manifest = try example(plus: [("facts/web01.json", Self.facts)])
        let web01 = try #require(manifest.virtualMachines.first { $0.name == "web01" })
        #expect(
            web01.guest
                == GuestFacts(
                    networkDrives: [#"Z: \\files01\share"#], clusterSharedVolumes: false, scaleOutFileServer: false, proxy: "",
                    osCaption: "Microsoft Windows Server 2022 Datacenter Azure Edition"))
        #expect(web01.guest?.luksVolumes == nil)  // not collected
        #expect(manifest.findings.filter { $0.code.hasPrefix("guestFacts.") }.isEmpty)
    }

    @Test func matchesByARMIDOrByTheVMsGUIDAndReadsAnArrayOfDocuments() throws {
        let documents = """
            [{"rewireGuestFacts": 1, "vmId": "\(Self.web02.uppercased())", "luksVolumes": ["/dev/sdc1"], "agentProxy": "proxy.corp:3128"},
             {"rewireGuestFacts": 1, "vmId": "683E8EA6-8B03-5E5D-8D66-97D75FC39899", "proxy": "http://proxy.corp:3128"}]
            """
        let manifest = try example(plus: [("facts.json", documents)])
        #expect(manifest.virtualMachines.first { $0.name == "web02" }?.guest == GuestFacts(luksVolumes: ["/dev/sdc1"], agentProxy: "proxy.corp:3128"))
        #expect(manifest.virtualMachines.first { $0.name == "web01" }?.guest?.proxy == "http://proxy.corp:3128")
    }

    @Test func reportsDocumentsForUnknownOrAmbiguousVMsAndUnknownFields() throws {
        let unknown = #"{"rewireGuestFacts": 1, "vm": "web99", "proxy": ""}"#
        let typo = #"{"rewireGuestFacts": 1, "vm": "web02", "networkDrive": ["Z:"], "luksVolumes": []}"#
        let manifest = try example(plus: [("unknown.json", unknown), ("typo.json", typo)])
        let missing = try #require(manifest.findings.first { $0.code == "guestFacts.vm-not-in-input" })
        #expect(missing.severity == .warning && missing.message.contains("web99") && missing.location?.file == "unknown.json")
        let field = try #require(manifest.findings.first { $0.code == "guestFacts.unknown-field" })
        #expect(field.message.contains("networkDrive"))
        #expect(manifest.virtualMachines.first { $0.name == "web02" }?.guest == GuestFacts(luksVolumes: []))

        let twin = """
            {"id": "\(Self.sub)/resourceGroups/rg-other/providers/Microsoft.Compute/virtualMachines/web01", "type": "Microsoft.Compute/virtualMachines",
             "properties": {"hardwareProfile": {"vmSize": "A1"}, "storageProfile": {"osDisk": {"osType": "Linux"}}}}
            """
        let ambiguous = try example(plus: [("twin.json", twin), ("facts.json", Self.facts)])
        #expect(ambiguous.findings.contains { $0.code == "guestFacts.vm-ambiguous" })
        #expect(ambiguous.virtualMachines.allSatisfy { $0.guest == nil })
        let scoped = Self.facts.replacingOccurrences(of: #""vm": "WEB01""#, with: #""vm": "web01", "resourceGroup": "RG-WEB""#)
        let resolved = try example(plus: [("twin.json", twin), ("facts.json", scoped)])
        #expect(resolved.virtualMachines.filter { $0.guest != nil }.map(\.resourceGroup) == ["rg-web"])
    }

    @Test func aSecondDocumentForTheSameVMIsReportedAndTheFirstKept() throws {
        let second = #"{"rewireGuestFacts": 1, "vm": "web01", "proxy": "http://other:8080"}"#
        let manifest = try example(plus: [("a.json", Self.facts), ("b.json", second)])
        #expect(manifest.virtualMachines.first { $0.name == "web01" }?.guest?.proxy == "")
        #expect(manifest.findings.contains { $0.code == "guestFacts.duplicate" && $0.location?.file == "b.json" })
    }

    @Test(arguments: [InputFormat.auto, .arm, .azcli])
    func everyJSONFormatRecognisesTheDocument(_ format: InputFormat) throws {
        var capture = Capture(options: CaptureOptions(format: format))
        try capture.add(file: "facts.json", bytes: Array(Self.facts.utf8))
        let manifest = try capture.finish()
        #expect(manifest.findings.contains { $0.code == "guestFacts.vm-not-in-input" })
    }

    // MARK: wrong types

    @Test(arguments: [
        (#"{"rewireGuestFacts": 2, "vm": "web01"}"#, ["$.rewireGuestFacts", "version 2", "reads version 1"]),
        (#"{"rewireGuestFacts": "1", "vm": "web01"}"#, ["$.rewireGuestFacts", "as a number", "found a string"]),
        (#"{"rewireGuestFacts": null, "vm": "web01"}"#, ["$.rewireGuestFacts", "found null"]),
        (#"{"rewireGuestFacts": 1}"#, ["\"vm\"", "\"vmId\""]),
        (#"{"rewireGuestFacts": 1, "vm": "web01", "networkDrives": "Z: \\\\files\\share"}"#, ["$.networkDrives", "expected an array, found a string"]),
        (#"{"rewireGuestFacts": 1, "vm": "web01", "luksVolumes": ["/dev/sdc1", 2]}"#, ["$.luksVolumes[1]", "expected a string, found a number"]),
        (#"{"rewireGuestFacts": 1, "vm": "web01", "clusterSharedVolumes": "false"}"#, ["$.clusterSharedVolumes", "expected true or false, found a string"]),
        (#"{"rewireGuestFacts": 1, "vm": 42}"#, ["$.vm", "expected a string, found a number"]),
        (
            #"{"id": "\#(sub)/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupFabrics/Azure/protectionContainers/c/protectedItems/i", "properties": {"protectionState": "Protected"}}"#,
            ["sourceResourceId or virtualMachineId"]
        ),
        (
            #"{"id": "\#(sub)/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupFabrics/Azure/protectionContainers/c/protectedItems/i", "properties": {"sourceResourceId": "\#(web01)", "protectionState": {"value": 3}}}"#,
            ["$.properties.protectionState", "expected a string, found an object"]
        ),
        (
            #"{"id": "\#(sub)/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupFabrics/Azure/protectionContainers/c/protectedItems/i", "properties": {"sourceResourceId": "\#(web01)", "lastRecoveryPoint": "/Date(soon)/"}}"#,
            ["$.properties.lastRecoveryPoint", "expected a date"]
        ),
    ])
    func wrongTypesStopCaptureWithTheFileAndJSONPath(text: String, mentions: [String]) throws {
        var capture = Capture()
        let error = try #require(throws: CaptureError.self) {
            try capture.add(file: "exports/bad.json", bytes: Array(text.utf8))
        }
        #expect(error.code == .shape)
        #expect(error.description.hasPrefix("exports/bad.json"))
        for mention in mentions { #expect(error.description.contains(mention), "\(error.description)") }
    }
}
