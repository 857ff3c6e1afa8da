import Foundation
import RewireModel
import RewireTestSupport
import Testing

@Suite("rewire capture --live against the fake Azure", .serialized)
struct LiveCaptureTests {
    static func environment(_ fake: FakeAzure) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["AZURE_TENANT_ID"] = FakeAzure.WebTier.tenantID
        environment["AZURE_CLIENT_ID"] = FakeAzure.WebTier.clientID
        environment["AZURE_CLIENT_SECRET"] = FakeAzure.WebTier.clientSecret
        environment["AZURE_RESOURCE_MANAGER_ENDPOINT"] = fake.baseURL.absoluteString
        environment["AZURE_AUTHORITY_HOST"] = fake.baseURL.absoluteString
        return environment
    }

    /// The seed's resources written out one file each, as an export would.
    static func seedAsFiles(into directory: TemporaryDirectory) throws -> String {
        let seed = try JSONSerialization.jsonObject(with: Data(contentsOf: FakeAzure.seed("web-tier"))) as? [String: Any]
        let resources = try #require(seed?["resources"] as? [[String: Any]])
        for (index, resource) in resources.enumerated() {
            _ = try directory.write("export/\(index).json", try JSONSerialization.data(withJSONObject: resource))
        }
        return directory.path("export")
    }

    @Test func liveCaptureGivesTheSameManifestAsCapturingTheSameResourcesFromFiles() throws {
        let fake = try FakeAzure(options: ["--page-size", "2"])
        defer { fake.stop() }
        let directory = try TemporaryDirectory()
        let live = directory.path("live.json")
        let result = try ProcessRunner.rewire(
            ["capture", "--live", "--subscription", FakeAzure.WebTier.subscriptionID, "-o", live], environment: Self.environment(fake))
        #expect(result.status == 0, "\(result.stderr)")
        let files = directory.path("files.json")
        #expect(try ProcessRunner.rewire(["capture", try Self.seedAsFiles(into: directory), "-o", files]).status == 0)

        var fromAzure = try Manifest.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: live))))
        var fromFiles = try Manifest.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: files))))
        #expect(fromAzure.virtualMachines.count == 4)
        // Findings name their source (arm:<id> or a file path); everything else is the same.
        fromAzure.findings = fromAzure.findings.filter { $0.code != "input.resource-type-ignored" }.map { var f = $0; f.location = nil; return f }
        fromFiles.findings = fromFiles.findings.filter { $0.code != "input.resource-type-ignored" }.map { var f = $0; f.location = nil; return f }
        #expect(fromAzure == fromFiles)
    }

    @Test func liveCaptureOfOneVMKeepsWhatItUses() throws {
        let fake = try FakeAzure()
        defer { fake.stop() }
        let directory = try TemporaryDirectory()
        let result = try ProcessRunner.rewire(
            ["capture", "--live", "--subscription", FakeAzure.WebTier.subscriptionID, "--vm", "web01", "-o", directory.path("m.json")],
            environment: Self.environment(fake))
        #expect(result.status == 0, "\(result.stderr)")
        let manifest = try Manifest.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.path("m.json")))))
        #expect(manifest.virtualMachines.map(\.name) == ["web01"])
        #expect(manifest.networkInterfaces.map(\.name).sorted() == ["nic-web01", "nic-web01-mgmt"])
        #expect(manifest.loadBalancers.map(\.name) == ["lb-web"])
    }

    @Test func unreachableAzureExits69AndWrongSecretNeverShowsTheSecret() throws {
        let fake = try FakeAzure()
        defer { fake.stop() }
        var environment = Self.environment(fake)
        environment["AZURE_CLIENT_SECRET"] = "not-the-secret-42"
        let directory = try TemporaryDirectory()
        let result = try ProcessRunner.rewire(
            ["capture", "--live", "--subscription", FakeAzure.WebTier.subscriptionID, "-o", directory.path("m.json")],
            environment: environment)
        #expect(result.status == 69)
        #expect(!result.stderr.contains("not-the-secret-42"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("m.json")))
    }

    @Test func liveNeedsASubscriptionAndNoInputs() throws {
        #expect(try ProcessRunner.rewire(["capture", "--live", "-o", "m.json"]).status == 2)
        #expect(try ProcessRunner.rewire(["capture", "--live", "--subscription", "s", "x.json", "-o", "m.json"]).status == 2)
    }
}
