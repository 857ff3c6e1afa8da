import Foundation
import Testing

@testable import AzureREST

@Suite("Recovery Services calls (scripted)")
struct RecoveryServicesTests {
    let vault = "/subscriptions/s/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/v"
    let vm = "/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web01"

    func bodyData(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    @Test func restoreDisksBodyHasThePublishedShape() throws {
        let example = try fixture(
            "recoveryservicesbackup/2026-01-01/examples/AzureIaasVm/TriggerRestore_RestoreDisks_IaasVMRestoreRequest.json"
        )
        let published = try #require(
            ((example["parameters"] as? [String: Any])?["parameters"] as? [String: Any])?["properties"]
                as? [String: Any])
        let request = RestoreDisksRequest(
            sourceVirtualMachineID: vm, recoveryPointID: "58658092164440", region: "westeurope",
            stagingStorageAccountID:
                "/subscriptions/s/resourceGroups/rg-backup/providers/Microsoft.Storage/storageAccounts/st",
            targetResourceGroupID: "/subscriptions/s/resourceGroups/rg-restore")
        let sent = try #require(
            (try JSONSerialization.jsonObject(with: request.body()) as? [String: Any])?["properties"] as? [String: Any])
        // Every key we send is one the published RestoreDisks example uses (targetResourceGroupId comes from the
        // ALR example of the same schema), with the same discriminators.
        let knownKeys = Set(published.keys).union(["targetResourceGroupId", "restoreDiskLunList"])
        #expect(Set(sent.keys).isSubset(of: knownKeys))
        #expect(sent["objectType"] as? String == published["objectType"] as? String)
        #expect(sent["recoveryType"] as? String == "RestoreDisks")
        #expect(sent["storageAccountId"] as? String == request.stagingStorageAccountID)
        #expect(sent["targetResourceGroupId"] as? String == "/subscriptions/s/resourceGroups/rg-restore")
    }

    @Test func identityBasedRestorePutsTheAccountInItsOwnMember() throws {
        let request = RestoreDisksRequest(
            sourceVirtualMachineID: vm, recoveryPointID: "1", region: "westeurope", stagingStorageAccountID: "/sa",
            useSystemAssignedIdentity: true)
        let sent = try #require(
            (try JSONSerialization.jsonObject(with: request.body()) as? [String: Any])?["properties"] as? [String: Any])
        #expect(sent["storageAccountId"] == nil)
        #expect((sent["identityBasedRestoreDetails"] as? [String: Any])?["targetStorageAccountId"] as? String == "/sa")
        #expect((sent["identityInfo"] as? [String: Any])?["isSystemAssignedIdentity"] as? Bool == true)
    }

    @Test func findsTheProtectedItemBySourceResourceIDAcrossPages() async throws {
        let item = try fixture("recoveryservicesbackup/2025-08-01/examples/AzureIaasVm/Compute_ProtectedItem_Get.json")
        var body =
            try #require((item["responses"] as? [String: Any])?["200"] as? [String: Any])["body"] as! [String: Any]
        var properties = body["properties"] as! [String: Any]
        properties["sourceResourceId"] = vm.uppercased()  // ARM ids compare case-insensitively
        body["properties"] = properties
        let sender = ScriptedSender(responses: [
            armError(404, code: "BMSUserErrorItemNotFound", message: "not under the usual name"),
            json(
                #"{"value":[{"id":"/other","properties":{"sourceResourceId":"/subscriptions/s/x"}}],"nextLink":"https://management.example/next"}"#
            ),
            HTTPResponse(status: 200, body: try bodyData(["value": [body]])),
        ])
        let (arm, _) = makeARM(sender)
        let client = RecoveryServicesClient(arm: arm, vaultID: vault)
        let found = try await client.protectedItem(forVirtualMachine: vm)
        #expect(found.friendlyName == "iaasvm-1")
        #expect(found.protectionState == "Protected")
        #expect(found.policyName == "testPolicy1")
        #expect(sender.sent.count == 3)
        #expect(
            sender.sent[1].url.absoluteString.contains(
                "$filter=backupManagementType%20eq%20'AzureIaasVM'%20and%20itemType%20eq%20'VM'"))
    }

    @Test func getsTheProtectedItemByItsUsualNameInOneCall() async throws {
        let id = try #require(RecoveryServicesClient.protectedItemID(vaultID: vault, virtualMachineID: vm))
        #expect(
            id == vault + "/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-web;web01"
                + "/protectedItems/VM;iaasvmcontainerv2;rg-web;web01")
        let sender = ScriptedSender(responses: [
            json(
                #"{"id":"\#(id)","name":"VM;iaasvmcontainerv2;rg-web;web01","properties":{"sourceResourceId":"\#(vm)"}}"#
            )
        ])
        let (arm, _) = makeARM(sender)
        let item = try await RecoveryServicesClient(arm: arm, vaultID: vault).protectedItem(forVirtualMachine: vm)
        #expect(item.id == id)
        #expect(sender.sent.count == 1)
        #expect(RecoveryServicesClient.protectedItemID(vaultID: vault, virtualMachineID: "/subscriptions/s/x") == nil)
    }

    @Test func listsRecoveryPointsNewestFirst() async throws {
        let example = try fixture("recoveryservicesbackup/2025-08-01/examples/AzureIaasVm/RecoveryPoints_List.json")
        let body = try #require((example["responses"] as? [String: Any])?["200"] as? [String: Any])["body"]!
        let sender = ScriptedSender(responses: [HTTPResponse(status: 200, body: try bodyData(body))])
        let (arm, _) = makeARM(sender)
        let client = RecoveryServicesClient(arm: arm, vaultID: vault)
        let item = try BackupProtectedItem(
            ARMResourceBody(id: "/item", body: Data(#"{"id":"/item"}"#.utf8)), location: "")
        let points = try await client.recoveryPoints(of: item)
        #expect(points.map(\.name) == ["70477518625276", "22244821112382", "24977149827250"])
        #expect(points[0].time == ARMDate.parse("2023-09-22T20:02:00.1225746Z"))
        #expect(points[1].tiers == ["InstantRP": "Deleted", "HardenedRP": "Valid"])
        #expect(points[0].osType == "Windows")
    }

    @Test func triggersTheRestoreOnceAndFollowsTheOperationToTheJob() async throws {
        let item = try BackupProtectedItem(
            ARMResourceBody(
                id: "",
                body: Data(#"{"id":"\#(vault)/backupFabrics/Azure/protectionContainers/c/protectedItems/i"}"#.utf8)),
            location: "")
        let status = try fixture(
            "recoveryservicesbackup/2026-02-01/examples/AzureIaasVm/ProtectedItemOperationStatus.json")
        let succeeded = try #require((status["responses"] as? [String: Any])?["200"] as? [String: Any])["body"]!
        let sender = ScriptedSender(responses: [
            HTTPResponse(
                status: 202,
                headers: [
                    "Azure-AsyncOperation":
                        "https://management.example\(item.id)/operationsStatus/op-1?api-version=2025-08-01",
                    "Location": "https://management.example\(item.id)/operationResults/op-1?api-version=2025-08-01",
                    "Retry-After": "60",
                ]),
            json(#"{"id":"op-1","name":"op-1","status":"InProgress"}"#, headers: ["Retry-After": "60"]),
            HTTPResponse(status: 200, body: try bodyData(succeeded)),
        ])
        let clock = VirtualClock()
        let (arm, _) = makeARM(sender, clock: clock)
        let client = RecoveryServicesClient(arm: arm, vaultID: vault)
        let request = RestoreDisksRequest(
            sourceVirtualMachineID: vm, recoveryPointID: "123", region: "westeurope", stagingStorageAccountID: "/sa")
        let trigger = try await client.triggerRestoreDisks(item: item, request: request)
        #expect(trigger.operationID == "op-1")
        let jobID = try await client.waitForJobID(of: trigger, options: PollingOptions(maximumInterval: 30))
        #expect(jobID == "00000000-0000-0000-0000-000000000000")
        #expect(clock.sleeps == [30, 30])
        #expect(sender.sent.filter { $0.method == .post }.count == 1)
        #expect(sender.sent[0].url.path == "\(item.id)/recoveryPoints/123/restore")
        // The saved trigger survives a round trip through a journal.
        let saved = try JSONDecoder().decode(RestoreTrigger.self, from: JSONEncoder().encode(trigger))
        #expect(saved == trigger)
    }

    @Test func readsAJobWithItsPropertyBagAndTasks() async throws {
        let example = try fixture("recoveryservicesbackup/2025-08-01/examples/Common/GetJobDetails.json")
        let body = try #require((example["responses"] as? [String: Any])?["200"] as? [String: Any])["body"]!
        let sender = ScriptedSender(responses: [HTTPResponse(status: 200, body: try bodyData(body))])
        let (arm, _) = makeARM(sender)
        let job = try await RecoveryServicesClient(arm: arm, vaultID: vault).job(
            id: "00000000-0000-0000-0000-000000000000")
        #expect(job.propertyBag == ["VM Name": "testvm"])
        #expect(job.tasks.map(\.taskID) == ["Take Snapshot", "Transfer data to vault"])
        #expect(job.status == "InProgress")
        #expect(!job.isFinished)
        #expect(job.startTime == ARMDate.parse("2017-08-03T05:31:07.014604Z"))
    }

    @Test func readsTheTemplateURIUnderEitherKey() throws {
        func job(_ bag: String) throws -> BackupJob {
            try BackupJob(
                ARMResourceBody(
                    id: "",
                    body: Data(#"{"properties":{"status":"Completed","extendedInfo":{"propertyBag":{\#(bag)}}}}"#.utf8)),
                location: "")
        }
        #expect(try job(#""Template Blob Uri":"https://a/t1""#).templateBlobURI == "https://a/t1")
        #expect(try job(#""Create VM Template Blob Uri":"https://a/t2""#).templateBlobURI == "https://a/t2")
        #expect(try job(#""Config Blob Uri":"https://a/c""#).configBlobURI == "https://a/c")
        #expect(try job("").succeeded)
    }

    @Test func filtersJobsTheWayAzPowerShellDoes() {
        let filter = BackupJobFilter(
            operation: "Restore", startTime: ARMDate.parse("2025-11-20T14:01:14Z"),
            endTime: ARMDate.parse("2025-11-21T02:00:00Z"))
        #expect(
            filter.odataFilter
                == "backupManagementType eq 'AzureIaasVM' and operation eq 'Restore' and startTime eq '2025-11-20 02:01:14 PM' and endTime eq '2025-11-21 02:00:00 AM'"
        )
    }

    @Test(arguments: [
        ("2017-12-21T22:48:25.4353958Z", 1_513_896_505.4353958),
        ("2025-11-20T02:01:14Z", 1_763_604_074.0),
        ("2025-11-20T03:01:14+01:00", 1_763_604_074.0),
        ("2025-11-20T02:01:14.5", 1_763_604_074.5),
    ])
    func parsesARMTimestamps(text: String, epoch: Double) throws {
        let date = try #require(ARMDate.parse(text))
        #expect(abs(date.timeIntervalSince1970 - epoch) < 0.000_01)
    }
}
