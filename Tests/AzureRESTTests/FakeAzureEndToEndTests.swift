import AzureREST
import Foundation
import Logging
import RewireTestSupport
import Testing

/// Against the real fake server (`../shared/tools/fakeazure`), through AsyncHTTPClient.
@Suite("End to end against fake Azure", .serialized)
struct FakeAzureEndToEndTests {
    typealias WebTier = FakeAzure.WebTier
    static let fast = ["--time-scale", "0", "--blob-uri-style", "local", "--retry-after", "0"]
    static let web01 =
        "/subscriptions/\(WebTier.subscriptionID)/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web01"
    static let staging =
        "/subscriptions/\(WebTier.subscriptionID)/resourceGroups/rg-backup/providers/Microsoft.Storage/storageAccounts/stwebrestore01"
    static let targetGroup = "/subscriptions/\(WebTier.subscriptionID)/resourceGroups/rg-restore"
    /// Real sleeps, but short backoffs: tests stay fast while 429 Retry-After is still honoured in full.
    static let policy = RetryPolicy(maximumRetries: 8, initialDelay: 0.05, maximumDelay: 0.5, requestTimeout: 20)

    static func servicePrincipal(secret: String = WebTier.clientSecret) -> [String: String] {
        [
            "AZURE_TENANT_ID": WebTier.tenantID, "AZURE_CLIENT_ID": WebTier.clientID, "AZURE_CLIENT_SECRET": secret,
            "PATH": "",
        ]
    }

    static func connect(_ fake: FakeAzure, environment: [String: String] = servicePrincipal()) throws -> AzureConnection
    {
        try AzureConnection.make(
            environment: environment, armEndpoint: fake.baseURL.absoluteString,
            authorityHost: fake.baseURL.absoluteString, retryPolicy: policy, logger: Logger(label: "e2e"))
    }

    /// The whole restore flow, from finding the item to reading the config blob.
    static func restoreWeb01(_ connection: AzureConnection, fake: FakeAzure) async throws -> (BackupJob, Data) {
        let arm = ARMClient(connection: connection)
        let backup = RecoveryServicesClient(arm: arm, vaultID: WebTier.vaultID)
        let region = try await backup.vaultLocation()
        let item = try await backup.protectedItem(forVirtualMachine: web01)
        let points = try await backup.recoveryPoints(of: item)
        #expect(points.count == 3)
        let times: [Date] = points.map { $0.time ?? .distantPast }
        #expect(times == times.sorted(by: >))
        let request = RestoreDisksRequest(
            sourceVirtualMachineID: web01, recoveryPointID: points[0].name, region: region,
            stagingStorageAccountID: staging, targetResourceGroupID: targetGroup)
        let job = try await restoreJob(backup, item: item, request: request)
        #expect(job.succeeded)
        let configURI = try #require(job.configBlobURI.flatMap(URL.init(string:)))
        #expect(configURI.absoluteString.hasPrefix(fake.baseURL.absoluteString))
        let config = try await BlobClient(connection: connection).download(configURI)
        #expect(config.blobType == "PageBlob")
        return (job, config.data)
    }

    /// Triggers the restore and polls its job (every 50 ms, at most 10 s) until it finishes.
    static func restoreJob(_ backup: RecoveryServicesClient, item: BackupProtectedItem, request: RestoreDisksRequest)
        async throws -> BackupJob
    {
        let trigger = try await backup.triggerRestoreDisks(item: item, request: request)
        let jobID = try await backup.waitForJobID(of: trigger, options: PollingOptions(defaultInterval: 0.05))
        var job = try await backup.job(id: jobID)
        for _ in 0..<200 where !job.isFinished {
            try await Task.sleep(nanoseconds: 50_000_000)
            job = try await backup.job(id: jobID)
        }
        return job
    }

    static func decodeConfigBlob(_ data: Data) -> String {
        let units = stride(from: 0, to: data.count - 1, by: 2).map { UInt16(data[$0]) | UInt16(data[$0 + 1]) << 8 }
        var text = String(decoding: units, as: UTF16.self)
        while text.hasSuffix("\u{0}") { text.removeLast() }
        return text
    }

    @Test func restoresDisksAndReadsTheConfigAndTemplateBlobs() async throws {
        try await FakeAzure.with(options: Self.fast) { fake in
            let connection = try Self.connect(fake)
            let (job, config) = try await Self.restoreWeb01(connection, fake: fake)
            #expect(config.count % 512 == 0)
            let text = Self.decodeConfigBlob(config)
            #expect(text.contains("\"properties.storageProfile\""))
            #expect(text.contains("nic-web01"))
            let templateURI = try #require(job.templateBlobURI.flatMap(URL.init(string:)))
            let template = try await BlobClient(connection: connection).download(templateURI)
            #expect(String(decoding: template.data, as: UTF8.self).contains("VirtualMachineName"))
            #expect(job.propertyBag["Target resource group"] == "rg-restore")

            let backup = RecoveryServicesClient(arm: ARMClient(connection: connection), vaultID: WebTier.vaultID)
            let restores = try await backup.jobs(matching: BackupJobFilter(operation: "Restore"))
            #expect(restores.map(\.name) == [job.name])

            let state = try fake.controlJSON("GET", "/_fake/state")
            let counts = state["restoreTriggersByVm"] as? [String: [String: Int]] ?? [:]
            let web01 = counts.first { $0.key.caseInsensitiveCompare(Self.web01) == .orderedSame }?.value
            #expect(web01?["accepted"] == 1)
        }
    }

    @Test func restoresThroughThrottlingServerErrorsAndSlowAnswers() async throws {
        let faults =
            "429:every=4,times=3,retry_after=1;503:every=5,times=3,retry_after=none,method=GET;latency:ms=300,every=6,times=3"
        try await FakeAzure.with(options: Self.fast + ["--faults", faults, "--fault-seed", "7"]) { fake in
            let connection = try Self.connect(fake)
            let inventory = try await LiveInventoryFetcher(arm: ARMClient(connection: connection))
                .fetch(subscriptionID: WebTier.subscriptionID)
            #expect(inventory.resources.count == 17)  // 14 compute and network resources, vnet-prod, 2 storage accounts
            _ = try await Self.restoreWeb01(connection, fake: fake)

            let log = try fake.requestLog(kind: "arm")
            let throttled = log.indices.filter { log[$0]["status"] as? Int == 429 }
            let failed = log.indices.filter { log[$0]["status"] as? Int == 503 }
            #expect(throttled.count == 3)
            #expect(failed.count == 3)
            // Each throttled request was sent again, no sooner than its Retry-After of 1 s.
            for index in throttled {
                let path = log[index]["path"] as? String
                let retry = try #require(log[(index + 1)...].first { $0["path"] as? String == path })
                let gap = try #require(Self.time(retry)).timeIntervalSince(try #require(Self.time(log[index])))
                #expect(gap >= 0.95, "retried \(path ?? "") after \(gap) s")
            }
            for index in failed {
                let path = log[index]["path"] as? String
                #expect(log[(index + 1)...].contains { $0["path"] as? String == path && $0["status"] as? Int == 200 })
            }
            let restores = try fake.controlJSON("GET", "/_fake/restores")["triggers"] as? [[String: Any]] ?? []
            #expect(restores.filter { $0["accepted"] as? Bool == true }.count == 1)
        }
    }

    @Test func aLostRestoreAnswerIsNotSentAgainAndTheJobCanBeFound() async throws {
        // The first restore POST is carried out, then answered 500: the answer is lost, the restore is not.
        let faults = "500:every=1,times=1,method=POST,match=/restore$,phase=after"
        try await FakeAzure.with(options: Self.fast + ["--faults", faults]) { fake in
            let backup = RecoveryServicesClient(
                arm: ARMClient(connection: try Self.connect(fake)), vaultID: WebTier.vaultID)
            let item = try await backup.protectedItem(forVirtualMachine: Self.web01)
            let point = try #require(try await backup.recoveryPoints(of: item).first)
            let request = RestoreDisksRequest(
                sourceVirtualMachineID: Self.web01, recoveryPointID: point.name, region: "westeurope",
                stagingStorageAccountID: Self.staging, targetResourceGroupID: Self.targetGroup)
            let error = try await #require(throws: AzureRESTError.self) {
                _ = try await backup.triggerRestoreDisks(item: item, request: request)
            }
            #expect(error.kind == .outcomeUnknown)
            #expect(error.status == 500)
            let jobs = try await backup.jobs(matching: BackupJobFilter(operation: "Restore"))
            #expect(jobs.count == 1)
            #expect(jobs.first?.entityFriendlyName == "web01")
            let posts = try fake.requestLog(kind: "arm").filter { $0["method"] as? String == "POST" }
            #expect(posts.count == 1)
        }
    }

    @Test func retriesTokenAndBlobRequestsThatFailTransiently() async throws {
        let faults = "503:every=1,times=1,scope=auth,retry_after=none;503:every=1,times=1,scope=blob,retry_after=none"
        try await FakeAzure.with(options: Self.fast + ["--faults", faults]) { fake in
            let connection = try Self.connect(fake)
            _ = try await Self.restoreWeb01(connection, fake: fake)
            let auth = try fake.requestLog(kind: "auth").compactMap { $0["status"] as? Int }
            let blob = try fake.requestLog(kind: "blob").compactMap { $0["status"] as? Int }
            #expect(auth == [503, 200, 200])  // ARM token (after one retry), then the storage token
            #expect(blob == [503, 200])
        }
    }

    @Test func usesTheManagedIdentityWhenNoServicePrincipalIsConfigured() async throws {
        try await FakeAzure.with(options: Self.fast) { fake in
            let environment = ["AZURE_POD_IDENTITY_AUTHORITY_HOST": fake.baseURL.absoluteString, "PATH": ""]
            let arm = ARMClient(connection: try Self.connect(fake, environment: environment))
            let body = try await arm.get(path: "/subscriptions/\(WebTier.subscriptionID)", apiVersion: "2022-12-01")
            #expect(String(decoding: body, as: UTF8.self).contains(WebTier.subscriptionID))
            #expect(try fake.requestLog(kind: "imds").count == 1)
            #expect(try fake.requestLog(kind: "auth").isEmpty)
        }
    }

    @Test func explainsAWrongClientSecretWithoutRepeatingIt() async throws {
        try await FakeAzure.with(options: Self.fast) { fake in
            let secret = "not-the-right-secret"
            let arm = ARMClient(connection: try Self.connect(fake, environment: Self.servicePrincipal(secret: secret)))
            let error = try await #require(throws: AzureRESTError.self) {
                _ = try await arm.get(path: "/subscriptions/\(WebTier.subscriptionID)", apiVersion: "2022-12-01")
            }
            #expect(error.kind == .authentication)
            #expect(error.code == "invalid_client")
            #expect(error.message.contains("AADSTS7000215"))
            #expect(!error.description.contains(secret))
            #expect(error.status == 401)
        }
    }

    @Test func fetchesANewTokenWhenARMSaysItExpired() async throws {
        try await FakeAzure.with(options: Self.fast) { fake in
            let arm = ARMClient(connection: try Self.connect(fake))
            let path = "/subscriptions/\(WebTier.subscriptionID)"
            _ = try await arm.get(path: path, apiVersion: "2022-12-01")
            try fake.advanceClock(seconds: 4000)  // the fake's tokens live 3599 s; ours still thinks it is valid
            _ = try await arm.get(path: path, apiVersion: "2022-12-01")
            #expect(try fake.requestLog(kind: "auth").count == 2)
            let statuses = try fake.requestLog(kind: "arm").compactMap { $0["status"] as? Int }
            #expect(statuses == [200, 401, 200])
        }
    }

    @Test func liveInventoryReturnsEachResourceAsTheSeedHasIt() async throws {
        try await FakeAzure.with(options: Self.fast) { fake in
            let fetcher = LiveInventoryFetcher(arm: ARMClient(connection: try Self.connect(fake)))
            let inventory = try await fetcher.fetch(subscriptionID: WebTier.subscriptionID)
            let seed =
                try JSONSerialization.jsonObject(with: Data(contentsOf: FakeAzure.seed("web-tier"))) as? [String: Any]
            let seeded = (seed?["resources"] as? [[String: Any]] ?? []).filter {
                InventoryResourceType.allCases.map { $0.rawValue.lowercased() }.contains(
                    (($0["id"] as? String ?? "").split(separator: "/").dropFirst(5).prefix(2).joined(separator: "/"))
                        .lowercased())
            }
            #expect(inventory.resources.count == seeded.count)
            for resource in inventory.resources {
                let mine = try JSONSerialization.jsonObject(with: resource.body) as? NSDictionary
                let theirs = seeded.first { ($0["id"] as? String)?.lowercased() == resource.id.lowercased() }
                #expect(mine == theirs.map { NSDictionary(dictionary: $0) }, "\(resource.id)")
            }
        }
    }

    @Test func liveInventoryForOneVMKeepsOnlyWhatItUses() async throws {
        try await FakeAzure.with(options: Self.fast) { fake in
            let fetcher = LiveInventoryFetcher(arm: ARMClient(connection: try Self.connect(fake)))
            let inventory = try await fetcher.fetch(
                subscriptionID: WebTier.subscriptionID, resourceGroup: "rg-web", virtualMachineNames: ["WEB01"])
            let names = { (type: InventoryResourceType) in
                inventory.resources(of: type).map { $0.id.split(separator: "/").last.map(String.init) ?? "" }
            }
            #expect(names(.virtualMachines) == ["web01"])
            #expect(names(.networkInterfaces) == ["nic-web01", "nic-web01-mgmt"])
            #expect(names(.loadBalancers) == ["lb-web"])
            #expect(names(.publicIPAddresses) == ["pip-lb-web"])
            #expect(!names(.networkSecurityGroups).contains("nsg-identity"))

            let error = try await #require(throws: AzureRESTError.self) {
                _ = try await fetcher.fetch(subscriptionID: WebTier.subscriptionID, virtualMachineNames: ["web09"])
            }
            #expect(error.code == "VirtualMachineNotFound")
            #expect(error.message.contains("dc01, dc02, web01, web02"))
        }
    }

    @Test func reportsAMissingBlobWithTheStorageErrorCode() async throws {
        try await FakeAzure.with(options: Self.fast) { fake in
            let url = fake.baseURL.appendingPathComponent("stwebrestore01/nothing/here.json")
            let error = try await #require(throws: AzureRESTError.self) {
                _ = try await BlobClient(connection: try Self.connect(fake)).download(url)
            }
            #expect(error.status == 404)
            #expect(["ContainerNotFound", "BlobNotFound"].contains(error.code))
        }
    }

    static func time(_ entry: [String: Any]) -> Date? {
        (entry["time"] as? String).flatMap { text in
            // 2025-11-20T02:01:14.123456Z
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return formatter.date(
                from: text.replacingOccurrences(of: #"(\.\d{3})\d+"#, with: "$1", options: .regularExpression))
        }
    }
}
