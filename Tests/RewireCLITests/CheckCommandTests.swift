import Foundation
import RewireModel
import RewireTestSupport
import Testing

@Suite("rewire check, end to end")
struct CheckCommandTests {
    static let sub = "/subscriptions/3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53"
    static let arm = Paths.examples.appendingPathComponent("estate/arm")

    /// Captures `inputs` into a manifest in `directory` and returns its path.
    private func capture(_ inputs: [String], in directory: TemporaryDirectory, name: String = "manifest.json") throws
        -> String
    {
        let manifest = directory.path(name)
        let result = try ProcessRunner.rewire(["capture"] + inputs + ["-o", manifest])
        #expect(result.status == 0, "\(result.stderr)")
        return manifest
    }

    /// A target-environment folder holding copies of some of the example exports, plus extra documents.
    private func environment(_ directory: TemporaryDirectory, copying files: [String], extra: [String: String] = [:])
        throws -> String
    {
        for file in files {
            _ = try directory.write("target/\(file)", try Data(contentsOf: Self.arm.appendingPathComponent(file)))
        }
        for (name, text) in extra { _ = try directory.write("target/\(name)", text) }
        return directory.path("target")
    }

    private func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    private func findings(_ result: ProcessResult) throws -> [[String: Any]] {
        try #require(try json(result)["findings"] as? [[String: Any]])
    }

    @Test func helpDescribesProfilesTargetEnvironmentAndExitCodes() throws {
        let result = try ProcessRunner.rewire(["check", "--help"])
        #expect(result.status == 0)
        for text in [
            "--target-environment", "--profile", "classic-2015", "--vault-name", "--json", "1 at least one blocker",
        ] {
            #expect(result.stdout.contains(text), "\(text)")
        }
        #expect(try ProcessRunner.rewire(["--help"]).stdout.contains("check"))
    }

    @Test func exampleEstatePassesWithTheSpecialConfigurationsListed() throws {
        let directory = try TemporaryDirectory()
        let manifest = try capture([Self.arm.path], in: directory)
        let result = try ProcessRunner.rewire(["check", manifest])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("SEVERITY  CODE") == true)
        #expect(lines.contains { $0.hasPrefix("info      restore.special.loadBalancer  web01") })
        #expect(lines.contains { $0.contains("restore.special.publicIP") && $0.contains("pip-web02 20.61.15.20") })
        #expect(lines.contains { $0.contains("-> Restore web01 with the scripts from 'rewire script'") })
        #expect(lines.last == "0 blocker(s), 0 warning(s), 6 info (profile current)")
    }

    @Test func olderProfilesTurnTheSpecialConfigurationsIntoWarnings() throws {
        let directory = try TemporaryDirectory()
        let manifest = try capture([Self.arm.path], in: directory)
        let result = try ProcessRunner.rewire(["check", manifest, "--profile", "arm-2018", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try json(result)
        #expect(document["profile"] as? String == "arm-2018")
        #expect(try findings(result).allSatisfy { $0["severity"] as? String == "warning" })
    }

    @Test func jsonHasTheDocumentedShapeAndCountsMatch() throws {
        let directory = try TemporaryDirectory()
        let manifest = try capture([Self.arm.path], in: directory)
        let result = try ProcessRunner.rewire([
            "check", manifest, "--json", "--vault-name", "rsv_prod", "--vault-location", "northeurope",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let document = try json(result)
        #expect(Set(document.keys) == ["schemaVersion", "manifest", "profile", "summary", "findings"])
        let summary = try #require(document["summary"] as? [String: Int])
        let all = try findings(result)
        for severity in ["blocker", "warning", "info"] {
            #expect(summary[severity] == all.filter { $0["severity"] as? String == severity }.count)
        }
        // Blockers first: the vault name (estate-wide), then the region of each VM.
        #expect(
            all.prefix(3).map { "\($0["code"]!) \($0["vm"] ?? "-")" } == [
                "vault.name.invalid -", "vault.region.mismatch web01", "vault.region.mismatch web02",
            ])
        #expect(
            all.allSatisfy {
                ["preflight", "capture"].contains($0["source"] as? String) && $0["message"] is String
                    && $0["action"] is String
            })
    }

    @Test func targetWhereTheVMsStillExistBlocksAndExitsOne() throws {
        let directory = try TemporaryDirectory()
        let manifest = try capture([Self.arm.path], in: directory)
        let result = try ProcessRunner.rewire(["check", manifest, "--target-environment", Self.arm.path, "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let blockers = try findings(result).filter { $0["severity"] as? String == "blocker" }
        #expect(
            blockers.map { "\($0["code"]!) \($0["vm"]!)" } == [
                "target.vm.nameTaken web01", "target.vm.nameTaken web02",
            ])
        #expect(try json(result)["targetEnvironment"] as? [String] == [Self.arm.path])
        // The same inventory exported with the Azure CLI (flattened shapes) reads the same.
        let azcli = Paths.examples.appendingPathComponent("estate/azcli").path
        let flattened = try ProcessRunner.rewire(["check", manifest, "--target-environment", azcli, "--json"])
        #expect(flattened.status == 1, "\(flattened.stderr)")
        #expect(
            try findings(flattened).filter { $0["severity"] as? String == "blocker" }.compactMap {
                $0["code"] as? String
            }
                == ["target.vm.nameTaken", "target.vm.nameTaken"])
    }

    @Test func targetThatLostAPublicIPWarnsThatItsAddressIsGone() throws {
        let directory = try TemporaryDirectory()
        let manifest = try capture([Self.arm.path], in: directory)
        let target = try environment(
            directory, copying: ["vnet-prod.json", "lb-web.json", "pip-lb-web.json", "nsg-web.json"])
        let result = try ProcessRunner.rewire(["check", manifest, "--target-environment", target])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("target.publicIP.missing") })
        #expect(line.contains("web02") && line.contains("its address 20.61.15.20 is lost for good"))
        #expect(
            !result.stdout.contains("target.loadBalancer.missing") && !result.stdout.contains("target.subnet.missing"))
    }

    @Test func targetNICHoldingACapturedStaticIPBlocks() throws {
        let directory = try TemporaryDirectory()
        let manifest = try capture([Self.arm.path], in: directory)
        let intruder = """
            {"id": "\(Self.sub)/resourceGroups/rg-jump/providers/Microsoft.Network/networkInterfaces/nic-jump01",
             "name": "nic-jump01", "type": "Microsoft.Network/networkInterfaces", "location": "westeurope",
             "properties": {"ipConfigurations": [{"name": "ipconfig1", "properties": {"primary": true,
               "privateIPAddress": "10.10.3.11", "privateIPAllocationMethod": "Dynamic",
               "subnet": {"id": "\(Self.sub)/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/snet-mgmt"}}}]}}
            """
        let target = try environment(
            directory, copying: ["vnet-prod.json", "lb-web.json", "pip-lb-web.json", "pip-web02.json"],
            extra: ["nic-jump01.json": intruder])
        let result = try ProcessRunner.rewire(["check", manifest, "--target-environment", target, "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let blockers = try findings(result).filter { $0["severity"] as? String == "blocker" }
        #expect(blockers.map { $0["code"] as? String } == ["target.ip.inUse"])
        #expect(blockers.first?["setting"] as? String == "nic-web01-mgmt/ipconfig2.privateIPAddress")
        #expect((blockers.first?["message"] as? String)?.contains("NIC 'nic-jump01'") == true)
    }

    @Test func guestFactsFromCaptureReachTheCheck() throws {
        let directory = try TemporaryDirectory()
        let facts = try directory.write(
            "guest/web01.json",
            #"{"rewireGuestFacts": 1, "vm": "web01", "networkDrives": ["Z: \\\\files01\\share"], "clusterSharedVolumes": true}"#
        )
        let manifest = try capture([Self.arm.path, facts], in: directory)
        let current = try ProcessRunner.rewire(["check", manifest, "--json"])
        #expect(current.status == 1, "\(current.stderr)")
        let web01 = try findings(current).filter {
            $0["vm"] as? String == "web01" && !(($0["code"] as? String)?.hasPrefix("restore.special.") ?? false)
        }
        #expect(
            web01.map { "\($0["severity"]!) \($0["code"]!)" } == [
                "blocker limit.guest.clusterSharedVolumes", "warning limit.guest.networkDrives",
            ])
        // Cluster shared volumes were "not recommended" before the 2026 matrix: a warning, not a blocker.
        let legacy = try ProcessRunner.rewire(["check", manifest, "--json", "--profile", "classic-2015"])
        #expect(
            try findings(legacy).first { $0["code"] as? String == "limit.guest.clusterSharedVolumes" }?["severity"]
                as? String == "warning")
    }

    @Test func classicFixtureIsCheckedAgainstTheClassicEraWithItsCaptureFindings() throws {
        let directory = try TemporaryDirectory()
        let fixture = Paths.shared.appendingPathComponent(
            "fixtures/classic/constructed-get-deployment-lbset-ilb-multivip-pip-nics.xml"
        ).path
        let manifest = try capture([fixture], in: directory)
        let result = try ProcessRunner.rewire(["check", manifest, "--profile", "classic-2015", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let all = try findings(result)
        #expect(
            Set(
                all.filter { $0["vm"] as? String == "web01" && $0["source"] as? String == "preflight" }.compactMap {
                    $0["code"] as? String
                }) == [
                    "restore.special.loadBalancer", "restore.special.multipleIPs", "restore.special.multipleNICs",
                    "restore.special.publicIP",
                    "restore.special.staticIP",
                ])
        // A cloud service that still holds the roles: classic names collide too.
        let taken = try ProcessRunner.rewire([
            "check", manifest, "--profile", "classic-2015", "--target-environment", fixture,
        ])
        #expect(taken.status == 1)
        #expect(taken.stdout.split(separator: "\n").filter { $0.hasPrefix("blocker   target.vm.nameTaken") }.count == 2)
        // The manifest's own capture findings come along, marked as such.
        #expect(
            all.contains { $0["source"] as? String == "capture" && $0["code"] as? String == "classic.nic.public-ip" })
    }

    @Test func publishedARMExampleIsCheckedAgainstVaultRegionAndCrossRegionRestore() throws {
        let directory = try TemporaryDirectory()
        var inputs: [String] = []
        for name in ["VirtualMachine_Get.json", "NetworkInterfaceGet.json"] {
            let example = try #require(ARMFixtures.resourceExamples().first { $0.lastPathComponent == name })
            inputs.append(try directory.write("in/\(name)", try ARMFixtures.body(of: example)))
        }
        let manifest = try capture(inputs, in: directory)
        let same = try ProcessRunner.rewire(["check", manifest, "--vault-location", "westus", "--json"])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(try findings(same).allSatisfy { $0["source"] as? String == "capture" })
        let moved = try ProcessRunner.rewire([
            "check", manifest, "--vault-location", "eastus", "--target-location", "eastus", "--profile", "arm-2018",
        ])
        #expect(moved.status == 1)
        #expect(moved.stdout.contains("vault.region.mismatch") && moved.stdout.contains("restore.crossRegion"))

        // The image says 2016; the guest, asked directly, says 2008: the guest wins.
        let facts = try directory.write(
            "in/facts.json",
            #"{"rewireGuestFacts": 1, "vm": "myVM", "osCaption": "Microsoft Windows Server 2008 Standard"}"#)
        let old = try capture(inputs + [facts], in: directory, name: "old.json")
        let result = try ProcessRunner.rewire(["check", old, "--json"])
        #expect(result.status == 1)
        let blocker = try #require(try findings(result).first { $0["code"] as? String == "limit.os.windowsVersion" })
        #expect((blocker["message"] as? String)?.contains("Windows Server 2008 Standard") == true)
    }

    @Test func badInputsGetOneLineErrorsAndTheDocumentedExitCodes() throws {
        let directory = try TemporaryDirectory()
        let broken = try directory.write("broken.json", #"{"schemaVersion": 1, "virtualMachines": 3}"#)
        let bad = try ProcessRunner.rewire(["check", broken])
        #expect(bad.status == 65)
        #expect(
            bad.stderr.hasPrefix("rewire: error: \(broken): $.virtualMachines")
                && bad.stderr.split(separator: "\n").count == 1)
        #expect(try ProcessRunner.rewire(["check", directory.path("missing.json")]).status == 65)

        let manifest = try capture([Self.arm.path], in: directory)
        let notAzure = try directory.write("env/odd.json", #"{"hello": "world"}"#)
        let env = try ProcessRunner.rewire(["check", manifest, "--target-environment", notAzure])
        #expect(env.status == 65 && env.stderr.contains("--target-environment") && env.stderr.contains("odd.json"))
        // Valid JSON that holds no Azure resource is not an empty target: everything would look missing.
        let nothing = try directory.write("env2/nothing.json", #"{"id": 5}"#)
        let empty = try ProcessRunner.rewire(["check", manifest, "--target-environment", nothing])
        #expect(empty.status == 65 && empty.stderr.contains("no Azure resources found"), "\(empty.stderr)")

        let profile = try ProcessRunner.rewire(["check", manifest, "--profile", "arm-2020"])
        #expect(profile.status == 2 && profile.stderr.contains("classic-2015, arm-2018 or current"))
    }
}
