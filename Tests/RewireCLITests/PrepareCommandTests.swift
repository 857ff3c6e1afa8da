import Foundation
import RewireModel
import RewireTestSupport
import Testing

@Suite("rewire prepare, end to end")
struct PrepareCommandTests {
    /// Captures the example estate into `manifest.json` inside `directory`.
    static func captureExample(into directory: TemporaryDirectory) throws {
        let input = Paths.examples.appendingPathComponent("estate/arm").path
        let capture = try ProcessRunner.rewire(
            ["capture", input, "-o", "manifest.json"], currentDirectory: directory.url)
        #expect(capture.status == 0, "\(capture.stderr)")
    }

    /// The example manifest with web02 moved to another region.
    static func twoRegions(into directory: TemporaryDirectory) throws -> String {
        try captureExample(into: directory)
        var manifest = try Manifest.decode(
            [UInt8](try Data(contentsOf: directory.url.appendingPathComponent("manifest.json"))))
        let index = try #require(manifest.virtualMachines.firstIndex { $0.name == "web02" })
        manifest.virtualMachines[index].location = "northeurope"
        return try directory.write("two-regions.json", try JSONEncoder().encode(manifest))
    }

    @Test func helpDescribesTheOptions() throws {
        let result = try ProcessRunner.rewire(["prepare", "--help"])
        #expect(result.status == 0)
        for option in [
            "--vault-name", "--vault-prefix", "--redundancy", "--policy", "--proxy", "--resource-group", "-o",
        ] {
            #expect(result.stdout.contains(option), "\(option)")
        }
        #expect(try ProcessRunner.rewire(["--help"]).stdout.contains("prepare"))
    }

    /// The example estate: the golden prepare.ps1 and PREPARE.md, with check's limitations on top.
    @Test func writesTheGoldenFilesForTheExampleEstate() throws {
        let directory = try TemporaryDirectory()
        try Self.captureExample(into: directory)
        let result = try ProcessRunner.rewire(
            ["prepare", "manifest.json", "-o", "prepare"], currentDirectory: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout
                == "wrote prepare.ps1 and PREPARE.md to prepare: 1 vault(s), 2 VM(s) to protect, 0 NSG rule(s), 0 proxy step(s), 6 limitation(s), 0 blocker(s)\n"
        )
        #expect(directory.files() == ["manifest.json", "prepare/PREPARE.md", "prepare/prepare.ps1"])
        let golden = Paths.repository.appendingPathComponent("Tests/ScriptGenTests/Golden/prepare/example")
        for name in ["prepare.ps1", "PREPARE.md"] {
            let text = try String(contentsOfFile: directory.path("prepare/\(name)"), encoding: .utf8)
            let mismatch = try Golden.mismatch(text, golden: golden.appendingPathComponent(name))
            #expect(mismatch == nil, "\(mismatch ?? "")")
        }
        let findings = try PSCheck.findings([directory.path("prepare/prepare.ps1")])
        #expect(findings.isEmpty, "\(findings)")
        let report = try String(contentsOfFile: directory.path("prepare/PREPARE.md"), encoding: .utf8)
        // The limitations come from rewire check's preflight, not only from capture.
        #expect(report.contains("`restore.special.multipleNICs`") && report.contains("web01 has 2 NICs"))
    }

    @Test func oneVaultPerRegionWithAPrefix() throws {
        let directory = try TemporaryDirectory()
        let manifest = try Self.twoRegions(into: directory)
        let result = try ProcessRunner.rewire([
            "prepare", manifest, "-o", directory.path("out"), "--vault-prefix", "rsv-dr-", "--redundancy",
            "LocallyRedundant",
            "--resource-group", "rg-backup",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let calls = try PSCheck.calls([directory.path("out/prepare.ps1")])
        let vaults = calls.filter { $0.resolved == "New-AzRecoveryServicesVault" }
        #expect(vaults.map { $0.value("Name")?.strings ?? [] } == [["rsv-dr-northeurope"], ["rsv-dr-westeurope"]])
        #expect(vaults.map { $0.value("Location")?.strings ?? [] } == [["northeurope"], ["westeurope"]])
        #expect(vaults.allSatisfy { $0.value("ResourceGroupName")?.strings == ["rg-backup"] })
        let redundancy = calls.filter { $0.resolved == "Set-AzRecoveryServicesBackupProperty" }
        #expect(redundancy.allSatisfy { $0.value("BackupStorageRedundancy")?.strings == ["LocallyRedundant"] })
        let firstEnable = try #require(
            calls.filter { $0.resolved == "Enable-AzRecoveryServicesBackupProtection" }.map(\.line).min())
        #expect(redundancy.count == 2 && redundancy.allSatisfy { $0.line < firstEnable })
    }

    @Test func proxyStepsForTheWindowsAndTheLinuxVM() throws {
        let directory = try TemporaryDirectory()
        try Self.captureExample(into: directory)
        let result = try ProcessRunner.rewire(
            ["prepare", "manifest.json", "-o", "out", "--proxy", "proxy.corp.example:3128"],
            currentDirectory: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        let path = directory.path("out/prepare.ps1")
        #expect(try PSCheck.findings([path]).isEmpty)
        let runs = try PSCheck.calls([path]).filter { $0.resolved == "Invoke-AzVMRunCommand" }
        #expect(runs.map { $0.value("VMName")?.strings ?? [] } == [["web01"], ["web02"]])
        #expect(runs.map { $0.value("CommandId")?.strings ?? [] } == [["RunPowerShellScript"], ["RunShellScript"]])
        #expect(runs.last?.value("ScriptString")?.strings.first?.contains("HttpProxy.Host=%s") == true)
    }

    /// A vault's protected-item list captured with the estate: web01 is protected by rsv-web. By
    /// default prepare adopts that vault and protects web02 only; with another vault named, web01 is
    /// reported and left alone.
    @Test func alreadyProtectedVMsFromACapturedProtectedItemList() throws {
        let directory = try TemporaryDirectory()
        let subscription = "/subscriptions/3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53"
        let vault = "\(subscription)/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-web"
        let items = """
            {"value": [{"id": "\(vault)/backupFabrics/Azure/protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg-web;web01/protectedItems/VM;iaasvmcontainerv2;rg-web;web01",
              "name": "VM;iaasvmcontainerv2;rg-web;web01",
              "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
              "properties": {"backupManagementType": "AzureIaasVM", "workloadType": "VM", "protectedItemType": "Microsoft.Compute/virtualMachines",
                "friendlyName": "web01", "protectionState": "Protected", "lastRecoveryPoint": "2026-12-05T22:00:41Z",
                "sourceResourceId": "\(subscription)/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web01"}}]}
            """
        _ = try directory.write("protected-items.json", items)
        let input = Paths.examples.appendingPathComponent("estate/arm").path
        let capture = try ProcessRunner.rewire(
            ["capture", input, "protected-items.json", "-o", "manifest.json"], currentDirectory: directory.url)
        #expect(capture.status == 0, "\(capture.stderr)")

        let adopted = try ProcessRunner.rewire(
            ["prepare", "manifest.json", "-o", "adopted"], currentDirectory: directory.url)
        #expect(adopted.status == 0, "\(adopted.stderr)")
        let calls = try PSCheck.calls([directory.path("adopted/prepare.ps1")])
        #expect(
            calls.filter { $0.resolved == "Get-AzRecoveryServicesVault" }.map { $0.value("Name")?.strings ?? [] } == [
                ["rsv-web"]
            ])
        #expect(
            calls.filter { $0.resolved == "Get-AzRecoveryServicesVault" }.first?.value("ResourceGroupName")?.strings
                == ["rg-backup"])
        #expect(
            calls.filter { $0.resolved == "Enable-AzRecoveryServicesBackupProtection" }.map {
                $0.value("Name")?.strings ?? []
            } == [["web02"]])
        let report = try String(contentsOfFile: directory.path("adopted/PREPARE.md"), encoding: .utf8)
        #expect(report.contains("| westeurope | rsv-web | rg-backup | GeoRedundant | DefaultPolicy | web02 | web01 |"))

        let other = try ProcessRunner.rewire(
            ["prepare", "manifest.json", "-o", "other", "--vault-name", "rsv-dr"], currentDirectory: directory.url)
        #expect(other.status == 0, "\(other.stderr)")
        let otherCalls = try PSCheck.calls([directory.path("other/prepare.ps1")])
        #expect(
            otherCalls.filter { $0.resolved == "Enable-AzRecoveryServicesBackupProtection" }.map {
                $0.value("Name")?.strings ?? []
            } == [["web02"]])
        let agentChecks = otherCalls.filter { $0.command == "Get-RewireAgentProblem" }.map {
            $0.value("Name")?.strings ?? []
        }
        #expect(agentChecks == [["web02"]])
        let warnings = otherCalls.filter { $0.resolved == "Write-Warning" }.flatMap {
            $0.positional.compactMap(\.value).flatMap(\.strings)
        }
        #expect(warnings.contains { $0.hasPrefix("web01: protected by another vault (\(vault))") })
    }

    /// The example with an outbound deny to the Internet on nsg-web: an allow to Storage.westeurope
    /// right above it, for 443 and 8443 (both VMs have managed disks).
    @Test func anOutboundDenyGetsAStorageAllowRule() throws {
        let directory = try TemporaryDirectory()
        let source = Paths.examples.appendingPathComponent("estate/arm")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) where name.hasSuffix(".json") {
            var data = try Data(contentsOf: source.appendingPathComponent(name))
            if name == "nsg-web.json" {
                var nsg = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                var properties = try #require(nsg["properties"] as? [String: Any])
                var rules = try #require(properties["securityRules"] as? [[String: Any]])
                rules.append([
                    "name": "deny-internet-out",
                    "properties": [
                        "protocol": "*", "sourcePortRange": "*", "destinationPortRange": "*",
                        "sourceAddressPrefix": "*",
                        "destinationAddressPrefix": "Internet", "access": "Deny", "priority": 4000,
                        "direction": "Outbound",
                    ],
                ])
                properties["securityRules"] = rules
                nsg["properties"] = properties
                data = try JSONSerialization.data(withJSONObject: nsg)
            }
            _ = try directory.write("estate/\(name)", data)
        }
        #expect(
            try ProcessRunner.rewire(["capture", "estate", "-o", "manifest.json"], currentDirectory: directory.url)
                .status == 0)
        let result = try ProcessRunner.rewire(
            ["prepare", "manifest.json", "-o", "out"], currentDirectory: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 NSG rule(s)"))
        let path = directory.path("out/prepare.ps1")
        #expect(try PSCheck.findings([path]).isEmpty)
        let add = try #require(try PSCheck.calls([path]).first { $0.resolved == "Add-AzNetworkSecurityRuleConfig" })
        #expect(add.value("Priority") == .number(3999))
        #expect(add.value("DestinationAddressPrefix")?.strings == ["Storage.westeurope"])
        #expect(add.value("DestinationPortRange")?.strings == ["443", "8443"])
        let report = try String(contentsOfFile: directory.path("out/PREPARE.md"), encoding: .utf8)
        #expect(
            report.contains(
                "blocked by deny-internet-out (priority 4000): prepare.ps1 adds rewire-allow-backup-storage"))
    }

    @Test(arguments: [
        (["--vault-name", "9lives"], "--vault-name: vault name '9lives' must start with a letter"),
        (["--vault-name", "rsv_prod"], "contains '_'"),
        (["--vault-name", "a"], "has 1 character(s); expected 2 to 50"),
        (["--vault-prefix", "rsv."], "--vault-prefix 'rsv.'"),
        (["--redundancy", "ZoneRedundant"], "--redundancy 'ZoneRedundant': expected GeoRedundant or LocallyRedundant"),
        (["--proxy", "http://10.0.0.4:3128"], "without a scheme"),
        (["--proxy", "10.0.0.4"], "expected HOST:PORT"),
        (["--vault-name", "rsv-a", "--vault-prefix", "rsv-"], "at most one of --vault-name and --vault-prefix"),
        (["--resource-group", "rg/backup"], "--resource-group 'rg/backup'"),
    ])
    func badOptionValuesExitTwoAndWriteNothing(arguments: [String], message: String) throws {
        let directory = try TemporaryDirectory()
        try Self.captureExample(into: directory)
        let result = try ProcessRunner.rewire(
            ["prepare", "manifest.json", "-o", "out"] + arguments, currentDirectory: directory.url)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
    }

    @Test func oneVaultNameForTwoRegionsExitsTwo() throws {
        let directory = try TemporaryDirectory()
        let manifest = try Self.twoRegions(into: directory)
        let result = try ProcessRunner.rewire([
            "prepare", manifest, "-o", directory.path("out"), "--vault-name", "rsv-prod",
        ])
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "rewire: error: --vault-name 'rsv-prod' names one vault, but the VMs are in 2 regions (northeurope, westeurope) and a vault protects only VMs of its own region; use --vault-prefix\n"
        )
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
    }

    /// --templates replaces a built-in template by name; a template without the pragma is refused (65).
    @Test func templatesOverrideReplacesPrepareMD() throws {
        let directory = try TemporaryDirectory()
        try Self.captureExample(into: directory)
        _ = try directory.write(
            "templates/PREPARE.md.mustache", "{{% CONTENT_TYPE: POWERSHELL}}\nOur checklist: {{{vaultCountCode}}} vault(s).\n")
        let result = try ProcessRunner.rewire(
            ["prepare", "manifest.json", "-o", "out", "--templates", "templates"], currentDirectory: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: directory.path("out/PREPARE.md"), encoding: .utf8) == "Our checklist: 1 vault(s).\n")
        #expect(try String(contentsOfFile: directory.path("out/prepare.ps1"), encoding: .utf8).contains("New-AzRecoveryServicesVault"))
        _ = try directory.write("templates/PREPARE.md.mustache", "{{vaultCountCode}}\n")
        let refused = try ProcessRunner.rewire(
            ["prepare", "manifest.json", "-o", "refused", "--templates", "templates"], currentDirectory: directory.url)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("PREPARE.md.mustache must start with"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("refused")))
    }

    @Test func badManifestExitsSixtyFive() throws {
        let directory = try TemporaryDirectory()
        let missing = try ProcessRunner.rewire(["prepare", directory.path("nope.json"), "-o", directory.path("out")])
        #expect(missing.status == 65)
        #expect(missing.stderr.contains("nope.json: no such file or folder"))
        let broken = try directory.write("broken.json", "{\"schemaVersion\": 1}")
        let result = try ProcessRunner.rewire(["prepare", broken, "-o", directory.path("out")])
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("rewire: error: \(broken): "))
    }
}
