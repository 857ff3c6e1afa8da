import Foundation
import RewireModel
import RewireTestSupport
import Testing

@Suite("rewire rehearse and script --rehearsal")
struct RehearseCommandTests {
    /// Captures the example estate and builds its local vault, exactly as the README does.
    static func exampleWithVault(_ directory: TemporaryDirectory) throws -> (manifest: String, vault: String) {
        let manifest = directory.path("manifest.json")
        let vault = directory.path("vault")
        for step in [
            ["capture", Paths.examples.appendingPathComponent("estate/arm").path, "-o", manifest],
            ["vault", manifest, "--vault", vault, "--generate-disks", "--time", "2025-11-20T02:00:00Z"],
        ] {
            let result = try ProcessRunner.rewire(step)
            #expect(result.status == 0, "\(step[0]): \(result.stderr)")
        }
        return (manifest, vault)
    }

    @Test func rehearsesTheExampleEndToEndOffline() throws {
        let directory = try TemporaryDirectory()
        let (manifest, vault) = try Self.exampleWithVault(directory)
        let out = directory.path("rehearsal")
        let result = try ProcessRunner.rewire([
            "rehearse", manifest, "--vault", vault, "-o", out, "--rehearsal-id", "e2e",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("check: 0 blocker(s)"))
        #expect(result.stdout.contains("restore: 2 VM(s), 3 disk(s) restored and verified"))
        #expect(result.stdout.contains("rehearsal e2e: report in"))
        #expect(result.stderr.contains("warning: rehearsal.hostname-collision:"))

        let report = try JSONDecoder().decode(
            RehearsalReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/rehearsal.json")))
        #expect(report.id == "e2e")
        #expect(report.steps.map(\.name) == [.check, .restore, .scripts])
        #expect(report.steps.allSatisfy { $0.status == .done && $0.durationMilliseconds >= 0 })
        #expect(report.restored.map(\.name) == ["web01", "web02"])
        #expect(report.restored.allSatisfy { $0.status == .done && $0.disks.allSatisfy(\.verified) })
        #expect(report.blockers == 0)
        #expect(report.generatedFiles.contains("scripts/cleanup.ps1"))
        #expect(report.resources.contains { $0.kind == .virtualNetwork && $0.name == "vnet-prod-rehearsal-e2e" })
        #expect(report.checkFindings.contains { $0.code == "restore.special.loadBalancer" })
        let markdown = try String(contentsOfFile: out + "/rehearsal.md", encoding: .utf8)
        #expect(markdown.hasPrefix("# Rehearsal `e2e`"))
        #expect(markdown.contains("| restore | done |"))
        #expect(markdown.contains("| web01 | `20251120020000` |"))

        let scripts = report.generatedFiles.filter { $0.hasSuffix(".ps1") }.map { out + "/" + $0 }
        #expect(scripts.count == 4)
        let findings = try PSCheck.findings(scripts)
        #expect(findings.isEmpty, "\(findings)")
        // The restored disks are uploaded into the rehearsal's own resource group, never a production one.
        let uploads = try PSCheck.calls(scripts).filter { $0.resolved == "Add-AzVhd" }
        #expect(uploads.count == 3)
        #expect(
            uploads.allSatisfy {
                ($0.value("LocalFilePath")?.strings.first ?? "").hasPrefix(
                    RestorePath.absolute(out) + "/restored-disks/")
            })
        let web01 = try String(contentsOfFile: out + "/scripts/web01-rehearsal-e2e.ps1", encoding: .utf8)
        #expect(web01.contains("[string] $TargetResourceGroupName = 'rg-web-rehearsal-e2e'"))
    }

    @Test func exitsOneAndStillWritesTheReportWhenBlockersAreFound() throws {
        let directory = try TemporaryDirectory()
        let (manifestPath, vault) = try Self.exampleWithVault(directory)
        var manifest = try Manifest.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: manifestPath))))
        manifest.networkInterfaces.removeAll { $0.name == "nic-web01-mgmt" }
        let broken = try directory.write("broken.json", Data(try CanonicalJSON.encode(manifest)))
        let out = directory.path("rehearsal")
        let result = try ProcessRunner.rewire(["rehearse", broken, "--vault", vault, "-o", out, "--rehearsal-id", "b1"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("blocker: rehearsal.nic.not-captured:"))
        #expect(result.stderr.contains("blocker(s) found; see"))
        let report = try JSONDecoder().decode(
            RehearsalReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/rehearsal.json")))
        #expect(report.blockers >= 1)
        #expect(FileManager.default.fileExists(atPath: out + "/rehearsal.md"))
    }

    @Test func exitsOneWhenTheCheckFindsABlockerAndStillRehearses() throws {
        let directory = try TemporaryDirectory()
        let (manifestPath, vault) = try Self.exampleWithVault(directory)
        var manifest = try Manifest.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: manifestPath))))
        manifest.virtualMachines[0].agent = GuestAgent(version: "Unknown", status: "Not Ready")
        let noAgent = try directory.write("no-agent.json", Data(try CanonicalJSON.encode(manifest)))
        let out = directory.path("rehearsal")
        let result = try ProcessRunner.rewire([
            "rehearse", noAgent, "--vault", vault, "-o", out, "--rehearsal-id", "b2",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("check: 1 blocker(s)"))
        #expect(result.stderr.contains("blocker: agent.missing:"))
        let report = try JSONDecoder().decode(
            RehearsalReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/rehearsal.json")))
        #expect(report.blockers == 1)
        #expect(report.checkFindings.contains { $0.code == "agent.missing" && $0.severity == .blocker })
        #expect(report.steps.map(\.status) == [.done, .done, .done])
        let markdown = try String(contentsOfFile: out + "/rehearsal.md", encoding: .utf8)
        #expect(markdown.contains("1 blocker(s): the restore cannot succeed as captured"))
        #expect(markdown.contains("| blocker | `agent.missing` |"))
    }

    @Test func anAzureVaultIsADryRunThatNeedsAStagingAccount() throws {
        let directory = try TemporaryDirectory()
        let (manifest, _) = try Self.exampleWithVault(directory)
        let vaultID =
            "/subscriptions/3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv"
        let result = try ProcessRunner.rewire(["rehearse", manifest, "--vault", vaultID, "-o", directory.path("out")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--staging-storage-account"))
        let local = try ProcessRunner.rewire([
            "rehearse", manifest, "--vault", directory.path("vault"), "-o", directory.path("out"), "--execute-azure",
        ])
        #expect(local.status == 2)
    }

    /// An Azure vault without --execute-azure: recovery points are looked up, nothing is restored,
    /// and the scripts restore into the rehearsal's own groups themselves.
    @Test func anAzureVaultIsADryRunUnlessAskedOtherwise() throws {
        let fake = try FakeAzure()
        defer { fake.stop() }
        let directory = try TemporaryDirectory()
        let manifest = try RestoreCommandTests.manifest(in: directory)
        let out = directory.path("out")
        let result = try ProcessRunner.rewire(
            [
                "rehearse", manifest, "--vault", FakeAzure.WebTier.vaultID, "--staging-storage-account",
                AzureRestoreCommandTests.staging,
                "-o", out, "--rehearsal-id", "az1", "--vm", "web01",
            ], environment: LiveCaptureTests.environment(fake))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("restore: dry run: 1 VM(s)"))
        let report = try JSONDecoder().decode(
            RehearsalReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/rehearsal.json")))
        #expect(report.steps.map(\.status) == [.done, .dryRun, .done])
        #expect(report.restored.isEmpty)
        #expect(!report.dryRunActions.isEmpty && report.dryRunActions.allSatisfy { $0.hasPrefix("web01: ") })
        #expect(!FileManager.default.fileExists(atPath: out + "/restored.json"))
        let state = try fake.controlJSON("GET", "/_fake/state")
        #expect((state["restoreTriggersByVm"] as? [String: Any] ?? [:]).isEmpty)
        let scripts = report.generatedFiles.filter { $0.hasSuffix(".ps1") }.map { out + "/" + $0 }
        #expect(try PSCheck.findings(scripts).isEmpty)
        let restores = try PSCheck.calls(scripts).filter { $0.resolved == "Restore-AzRecoveryServicesBackupItem" }
        #expect(restores.count == 1)
        let web01 = try String(contentsOfFile: out + "/scripts/web01-rehearsal-az1.ps1", encoding: .utf8)
        #expect(web01.contains("[string] $TargetResourceGroupName = 'rg-web-rehearsal-az1'"))
        #expect(web01.contains("-FriendlyName 'web01' -VaultId"))
    }

    /// With --execute-azure the restore really runs (one trigger), and the rehearsal copy is built
    /// around the disks Azure restored into the given group; cleanup takes the tagged ones there.
    @Test func executeAzureRestoresAndBuildsAroundTheRestoredDisks() async throws {
        let directory = try TemporaryDirectory()
        let manifest = try RestoreCommandTests.manifest(in: directory)
        let out = directory.path("out")
        try await RestoreFake.with(options: ["--time-scale", "0.01", "--blob-uri-style", "local"]) { fake in
            let result = try ProcessRunner.rewire(
                [
                    "rehearse", manifest, "--vault", FakeAzure.WebTier.vaultID, "--staging-storage-account",
                    AzureRestoreCommandTests.staging, "--target-resource-group", AzureRestoreCommandTests.target,
                    "--execute-azure",
                    "-o", out, "--rehearsal-id", "ax1", "--vm", "web01",
                ], environment: AzureRestoreCommandTests.environment(fake))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try AzureRestoreCommandTests.accepted(fake) == ["web01": 1])
        }
        let report = try JSONDecoder().decode(
            RehearsalReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/rehearsal.json")))
        #expect(report.steps.map(\.status) == [.done, .done, .done])
        #expect(report.restored.map(\.name) == ["web01"])
        #expect(report.resources.first { $0.kind == .virtualMachine }?.resourceGroup == "rg-restore")
        let scripts = report.generatedFiles.filter { $0.hasSuffix(".ps1") }.map { out + "/" + $0 }
        #expect(try PSCheck.findings(scripts).isEmpty)
        let calls = try PSCheck.calls(scripts)
        #expect(!calls.contains { $0.resolved == "Restore-AzRecoveryServicesBackupItem" })
        #expect(
            calls.contains {
                $0.resolved == "Remove-AzDisk" && $0.value("ResourceGroupName")?.strings == ["rg-restore"]
            })
        let web01 = try String(contentsOfFile: out + "/scripts/web01-rehearsal-ax1.ps1", encoding: .utf8)
        #expect(web01.contains("[string] $TargetResourceGroupName = 'rg-restore'"))
    }

    @Test func aMissingVaultIsUnavailableAndTheReportSaysSo() throws {
        let directory = try TemporaryDirectory()
        let (manifest, _) = try Self.exampleWithVault(directory)
        let out = directory.path("out")
        let result = try ProcessRunner.rewire(["rehearse", manifest, "--vault", directory.path("missing"), "-o", out])
        #expect(result.status == 69, "\(result.stderr)")
        let report = try JSONDecoder().decode(
            RehearsalReport.self, from: Data(contentsOf: URL(fileURLWithPath: out + "/rehearsal.json")))
        #expect(report.steps.map(\.name) == [.check, .restore])
        #expect(report.steps.last?.status == .failed)
        #expect(report.generatedFiles.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out + "/scripts"))
    }

    @Test func aBadManifestIsBadData() throws {
        let directory = try TemporaryDirectory()
        let bad = try directory.write("bad.json", #"{"schemaVersion": 1, "virtualMachines": 3}"#)
        let result = try ProcessRunner.rewire([
            "rehearse", bad, "--vault", directory.path("vault"), "-o", directory.path("out"),
        ])
        #expect(result.status == 65)
        #expect(result.stderr.contains("bad.json: $.virtualMachines"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("out/rehearsal.json")))
    }

    @Test func scriptRehearsalIsStableAndWritesCleanup() throws {
        let directory = try TemporaryDirectory()
        let (manifest, _) = try Self.exampleWithVault(directory)
        let first = try ProcessRunner.rewire(["script", manifest, "-o", directory.path("a"), "--rehearsal"])
        #expect(first.status == 0, "\(first.stderr)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: manifest))
        let id = String(sha256(bytes).prefix(8))
        #expect(
            first.stdout.contains(
                "wrote 5 file(s) to \(directory.path("a")): web01-rehearsal-\(id).ps1, web02-rehearsal-\(id).ps1, restore-all.ps1, cleanup.ps1, RUNBOOK.md"
            ))
        #expect(first.stdout.contains("rehearsal \(id): 10 resource(s) tagged rewire-rehearsal=\(id)"))
        let names = ["web01-rehearsal-\(id).ps1", "cleanup.ps1", "RUNBOOK.md"]
        let before = try names.map { try Data(contentsOf: URL(fileURLWithPath: directory.path("a/\($0)"))) }
        let second = try ProcessRunner.rewire(["script", manifest, "-o", directory.path("a"), "--rehearsal"])
        #expect(second.status == 0)
        #expect(try names.map { try Data(contentsOf: URL(fileURLWithPath: directory.path("a/\($0)"))) } == before)
        let named = try ProcessRunner.rewire([
            "script", manifest, "-o", directory.path("c"), "--rehearsal", "--suffix=-drill", "--isolated-vnet",
            "vnet-drill",
        ])
        #expect(named.status == 0, "\(named.stderr)")
        let calls = try PSCheck.calls([directory.path("c/web01-drill.ps1")])
        #expect(calls.contains { $0.resolved == "New-AzVirtualNetwork" && $0.value("Name")?.strings == ["vnet-drill"] })
        // A suffix starting with '-' is a value, also without '='.
        let spaced = try ProcessRunner.rewire([
            "script", manifest, "-o", directory.path("d"), "--rehearsal", "--suffix", "-drill",
        ])
        #expect(spaced.status == 0, "\(spaced.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path("d/web01-drill.ps1")))
    }

    @Test(arguments: [
        (["--suffix=-x1"], "--suffix needs --rehearsal"),
        (["--rehearsal", "--suffix=-bad_suffix"], "--suffix: a rehearsal suffix"),
        (["--rehearsal", "--rehearsal-id", "NOT-OK"], "--rehearsal-id: a rehearsal id"),
        (["--rehearsal", "--automation"], "--rehearsal and --automation"),
    ])
    func scriptRehearsalOptionsAreChecked(_ extra: [String], _ message: String) throws {
        let directory = try TemporaryDirectory()
        let (manifest, _) = try Self.exampleWithVault(directory)
        let result = try ProcessRunner.rewire(["script", manifest, "-o", directory.path("out")] + extra)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
    }
}

enum RestorePath {
    static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
}

/// SHA-256 (hex) through the system's sha256sum, so the test does not share rewire's code for it.
func sha256(_ data: Data) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sha256sum"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try? process.run()
    input.fileHandleForWriting.write(data)
    try? input.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return String(text.prefix(64))
}
