import Foundation
import RewireModel
import RewireTestSupport
import Testing

@Suite("rewire diff")
struct DiffCommandTests {
    static func example(_ directory: TemporaryDirectory) throws -> (path: String, manifest: Manifest) {
        let path = directory.path("old.json")
        let result = try ProcessRunner.rewire([
            "capture", Paths.examples.appendingPathComponent("estate/arm").path, "-o", path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        return (path, try Manifest.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))))
    }

    @Test func equalManifestsExitZero() throws {
        let directory = try TemporaryDirectory()
        let (old, _) = try Self.example(directory)
        let result = try ProcessRunner.rewire(["diff", old, old])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "no drift: the manifests hold the same settings\n")
        let json = try ProcessRunner.rewire(["diff", old, old, "--json"])
        #expect(json.status == 0)
        #expect(json.stdout.contains(#""equal": true"#))
    }

    @Test func driftExitsOneAndSaysWhereItIs() throws {
        let directory = try TemporaryDirectory()
        let (old, manifest) = try Self.example(directory)
        var changed = manifest
        changed.virtualMachines[0].size = "Standard_D4s_v3"
        let mgmt = try #require(changed.networkInterfaces.firstIndex { $0.name == "nic-web01-mgmt" })
        changed.networkInterfaces[mgmt].ipConfigurations[1].privateIPAddress = "10.10.3.12"
        let web02 = try #require(changed.networkInterfaces.firstIndex { $0.name == "nic-web02" })
        changed.networkInterfaces[web02].ipConfigurations[0].loadBalancerInboundNatRuleIds = []
        changed.virtualMachines.removeAll { $0.name == "web02" }
        let new = try directory.write("new.json", Data(try CanonicalJSON.encode(changed)))

        let result = try ProcessRunner.rewire(["diff", old, new])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("VM web01:\n"))
        #expect(result.stdout.contains("  ~ size: Standard_D2s_v3 -> Standard_D4s_v3\n"))
        #expect(
            result.stdout.contains(
                "  ~ networkInterfaces[nic-web01-mgmt].ipConfigurations[ipconfig2].staticPrivateIPAddress: 10.10.3.11 -> 10.10.3.12\n"
            ))
        #expect(result.stdout.contains("VM web02: removed\n"))
        #expect(result.stdout.hasSuffix("3 change(s) in 2 resource(s)\n"))

        let json = try ProcessRunner.rewire(["diff", old, new, "--json"])
        #expect(json.status == 1)
        struct Report: Decodable {
            var equal: Bool
            var changes: [ManifestDiff.Change]
            var notes: [String]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        #expect(!report.equal)
        #expect(report.changes.count == 3)
        #expect(report.changes.contains(ManifestDiff.Change(scope: .virtualMachine, resource: "web02", kind: .removed)))
        #expect(
            report.changes.contains {
                $0.resource == "web01" && $0.setting == "size" && $0.old == "Standard_D2s_v3"
                    && $0.new == "Standard_D4s_v3" && $0.kind == .changed
            })
    }

    @Test func readsAnOlderManifestWithoutNetworks() throws {
        let directory = try TemporaryDirectory()
        let (oldPath, manifest) = try Self.example(directory)
        // The example has no network exports; give NEW a network, and strip the keys from OLD entirely.
        var new = manifest
        new.virtualNetworks = [
            VirtualNetwork(
                id:
                    "/subscriptions/3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-prod",
                name: "vnet-prod", resourceGroup: "rg-network", subscriptionId: "3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53",
                location: "westeurope",
                addressPrefixes: ["10.10.0.0/16"])
        ]
        let newPath = try directory.write("new.json", Data(try CanonicalJSON.encode(new)))
        var object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: oldPath))) as? [String: Any])
        object["virtualNetworks"] = nil
        object["storageAccounts"] = nil
        let stripped = try directory.write("stripped.json", try JSONSerialization.data(withJSONObject: object))
        let result = try ProcessRunner.rewire(["diff", stripped, newPath])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("note: virtual networks not compared: only NEW records them"))
    }

    @Test(arguments: [
        (["diff", "--help"], ["OLD", "--json", "0 the same, 1 different"]),
        (["rehearse", "--help"], ["--vault", "--execute-azure", "rehearsal.md", "0 no blockers, 1"]),
        (["script", "--help"], ["--rehearsal", "--suffix", "--isolated-vnet", "--rehearsal-id"]),
    ])
    func helpScreensSayWhatTheOptionsDo(_ arguments: [String], _ phrases: [String]) throws {
        let result = try ProcessRunner.rewire(arguments)
        #expect(result.status == 0)
        for phrase in phrases { #expect(result.stdout.contains(phrase), "\(arguments): \(phrase)") }
    }

    @Test(arguments: [
        (#"{"schemaVersion": 1, "virtualMachines": {}}"#, "$.virtualMachines"),
        (#"{"schemaVersion": 99}"#, "$.schemaVersion"),
        ("not json", "$"),
    ])
    func anUnreadableManifestIs65WithFileAndPath(_ text: String, _ path: String) throws {
        let directory = try TemporaryDirectory()
        let (old, _) = try Self.example(directory)
        let bad = try directory.write("bad.json", text)
        let result = try ProcessRunner.rewire(["diff", old, bad])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("rewire: error: \(bad): \(path)"), "\(result.stderr)")
        let missing = try ProcessRunner.rewire(["diff", directory.path("nope.json"), old])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("nope.json: no such file"))
    }
}
