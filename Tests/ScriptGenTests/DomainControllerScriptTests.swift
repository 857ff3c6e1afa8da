import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import ScriptGen
import Testing

/// The scripts of domain controllers: one DC of several (restored like any VM, address pinned, VNet
/// DNS back on the DCs) and the last DC of its domain (forest recovery: DSRM boot and its undoing).
@Suite struct DomainControllerScriptTests {
    static let fixtures = Paths.repository.appendingPathComponent("Tests/NetConfigCaptureTests/Fixtures/dc")
    static let golden = Paths.repository.appendingPathComponent("Tests/ScriptGenTests/Golden/dc")

    static func manifest(_ folder: String, vms: [String] = [], extra: [URL] = []) throws -> Manifest {
        let directory = fixtures.appendingPathComponent(folder)
        var capture = Capture(options: CaptureOptions(vmNames: vms))
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().map {
            directory.appendingPathComponent($0)
        }
        for url in files + extra {
            try capture.add(file: "\(folder)/\(url.lastPathComponent)", bytes: [UInt8](try Data(contentsOf: url)))
        }
        return try capture.finish()
    }

    /// Generates, checks every script with pscheck, compares the named files with their goldens and
    /// returns the files by name with the pscheck calls of `callsOf`.
    static func generateChecked(
        _ manifest: Manifest, restored: RestoreReport? = nil, goldenCase: String, goldens: [String]
    ) throws -> (files: [String: String], calls: [PSCheck.Call]) {
        let generator = try ScriptGenerator(
            options: ScriptOptions(regenerateCommand: "rewire script manifest.json -o restore"))
        let files = try generator.generate(manifest, restored: restored)
        let directory = try TemporaryDirectory()
        let scripts = try write(files, into: directory)
        #expect(try PSCheck.findings(scripts) == "")
        for name in goldens {
            let file = try #require(files.first { $0.name == name }, "no \(name) generated")
            if let mismatch = try Golden.mismatch(
                file.contents, golden: golden.appendingPathComponent("\(goldenCase)/\(name)"))
            {
                Issue.record(Comment(rawValue: mismatch))
            }
        }
        let calls = try PSCheck.calls(scripts.filter { goldens.contains(URL(fileURLWithPath: $0).lastPathComponent) })
        return (Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.contents) }), calls)
    }

    @Test func oneDCOfSeveralIsRestoredLikeAnyVMWithItsAddressAndTheVNetDNS() throws {
        let manifest = try Self.manifest("corp", vms: ["vm-dc02"])
        #expect(manifest.virtualMachines.map(\.name) == ["vm-dc02"])
        let (files, calls) = try Self.generateChecked(manifest, goldenCase: "one-of-several", goldens: ["vm-dc02.ps1"])
        let script = try #require(files["vm-dc02.ps1"])
        #expect(script.contains("restore like any VM"))
        // No DSRM on this path.
        #expect(!calls.contains { $0.command == "Invoke-AzVMRunCommand" })
        #expect(!script.contains("$LeaveDsrm"))
        // The NIC is created with the captured address (Static), and pinned again after the VM exists.
        let ipConfig = try #require(calls.first { $0.command == "New-AzNetworkInterfaceIpConfig" })
        #expect(ipConfig.value("PrivateIpAddress")?.strings.first == "10.10.2.5")
        #expect(script.contains("$dcIpConfig.PrivateIpAddress = '10.10.2.5'"))
        // The VNet's DNS servers go back to the DCs, compared first (idempotent).
        let dns = try #require(
            calls.first { $0.command == "Get-AzVirtualNetwork" && $0.value("Name")?.strings.first == "vnet-prod" })
        #expect(dns.value("ResourceGroupName")?.strings.first == "rg-network")
        #expect(calls.contains { $0.command == "Set-AzVirtualNetwork" })
        #expect(script.contains("$dcDnsServers = @('10.10.2.4', '10.10.2.5')"))
        // The tombstone check against the chosen point at run time.
        #expect(script.contains("[int] $TombstoneLifetimeDays = 60,"))
        #expect(script.contains("$point.RecoveryPointTime.ToUniversalTime()"))
    }

    @Test func theLastDCIsAForestRecoveryWithDSRMAndItsUndoingAndNoPassword() throws {
        let manifest = try Self.manifest("lab")
        let (files, calls) = try Self.generateChecked(manifest, goldenCase: "last-dc", goldens: ["lab-dc.ps1"])
        let script = try #require(files["lab-dc.ps1"])
        let runCommands = calls.filter { $0.command == "Invoke-AzVMRunCommand" }
        #expect(runCommands.count == 2)
        #expect(runCommands.allSatisfy { $0.value("CommandId")?.strings.first == "RunPowerShellScript" })
        let scriptsRun = runCommands.compactMap { $0.value("ScriptString")?.strings.first }
        #expect(scriptsRun.contains { $0.hasPrefix("bcdedit /deletevalue safeboot;") })
        #expect(scriptsRun.contains { $0.hasPrefix("bcdedit /set safeboot dsrepair;") })
        // The undoing comes first in the file (it runs on the second run, before the "VM exists" refusal).
        #expect(runCommands[0].value("ScriptString")?.strings.first?.hasPrefix("bcdedit /deletevalue") == true)
        #expect(script.contains("[switch] $LeaveDsrm,"))
        #expect(script.contains("[switch] $SkipDsrm,"))
        // No DSRM password or prompt anywhere: the in-guest restore is a documented manual step.
        #expect(!calls.contains { $0.command == "Read-Host" || $0.command == "ConvertTo-SecureString" })
        #expect(!script.lowercased().contains("password ="))
        // The VNet of the lab is not in the manifest: no DNS change, a note instead.
        #expect(!calls.contains { $0.command == "Set-AzVirtualNetwork" })
        #expect(script.contains("# virtual network vnet-lab is not in the manifest"))
        // Dynamic on Azure, but a DC keeps its address.
        let ipConfig = try #require(calls.first { $0.command == "New-AzNetworkInterfaceIpConfig" })
        #expect(ipConfig.value("PrivateIpAddress")?.strings.first == "10.50.0.4")
        #expect(
            script.contains("FSMO roles SchemaMaster, DomainNamingMaster, PDCEmulator, RIDMaster, InfrastructureMaster")
        )
    }

    @Test func aRestoreReportOlderThanTheTombstoneLifetimeWarnsAtGenerationAndRunTime() throws {
        let manifest = try Self.manifest("lab")
        let vm = manifest.virtualMachines[0]
        let report = RestoreReport(
            backend: RestoreBackend(kind: .localVault, location: "/vault"), recoveryPointSelector: "latest",
            virtualMachines: [
                RestoredVirtualMachine(
                    name: vm.name, sourceId: vm.id,
                    recoveryPoint: RecoveryPointReference(id: "rp-old", time: "2026-08-01T02:00:00Z"),
                    jobId: "local-1", target: RestoreTarget(kind: .folder, location: "/restore/lab-dc"),
                    disks: [
                        RestoredDisk(name: vm.osDisk.name, path: "/restore/lab-dc/os.vhd", verified: true),
                        RestoredDisk(
                            name: vm.dataDisks[0].name, lun: 0, path: "/restore/lab-dc/ntds.vhd", verified: true),
                    ],
                    status: .done, startedAt: "2026-12-06T10:00:00Z", finishedAt: "2026-12-06T10:30:00Z")
            ])
        let (files, _) = try Self.generateChecked(
            manifest, restored: report, goldenCase: "last-dc-restored", goldens: ["lab-dc.ps1"])
        let script = try #require(files["lab-dc.ps1"])
        #expect(
            script.contains(
                "# blocker: the recovery point of domain controller 'lab-dc' is 127 days old, older than the tombstone lifetime (60 days) when it was restored."
            ))
        #expect(script.contains("([datetime]'2026-08-01T02:00:00Z')"))
    }

    @Test func everyDCOfTheDomainRestoredTogetherThePDCRecoversFirst() throws {
        // Only the two captured DCs in the export: the domain has no DC outside this restore.
        let export = try String(contentsOf: Self.fixtures.appendingPathComponent("corp/dcs-corp.xml"), encoding: .utf8)
        let twoDCs = export.replacingOccurrences(
            of: #"(?s)  <Obj RefId="11">.*</Obj>\n</Objs>"#, with: "</Objs>", options: .regularExpression)
        let directory = try TemporaryDirectory()
        let exportFile = try directory.write("dcs-corp.xml", twoDCs)
        var capture = Capture()
        for name in ["nic-dc01.json", "nic-dc02.json", "vm-dc01.json", "vm-dc02.json", "vnet-prod.json"] {
            try capture.add(
                file: name, bytes: [UInt8](try Data(contentsOf: Self.fixtures.appendingPathComponent("corp/\(name)"))))
        }
        try capture.add(file: "dcs-corp.xml", bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: exportFile))))
        let manifest = try capture.finish()
        #expect(manifest.virtualMachines.allSatisfy { $0.domainController?.domainControllerCount == 2 })
        let (files, calls) = try Self.generateChecked(
            manifest, goldenCase: "whole-domain", goldens: ["vm-dc01.ps1", "vm-dc02.ps1"])
        #expect(try #require(files["vm-dc01.ps1"]).contains("[switch] $LeaveDsrm,"))
        let second = try #require(files["vm-dc02.ps1"])
        #expect(!second.contains("$LeaveDsrm"))
        #expect(
            second.contains(
                "Write-Warning ('Start {0} only after {1} is back and healthy: it replicates from it.' -f $VMName, 'vm-dc01')"
            ))
        #expect(calls.filter { $0.command == "Invoke-AzVMRunCommand" }.allSatisfy { $0.file.hasSuffix("vm-dc01.ps1") })
    }

    @Test func restoreAllRunsDomainControllersFirst() throws {
        var manifest = try exampleManifest()
        let dcs = try Self.manifest("corp")
        manifest.virtualMachines =
            dcs.virtualMachines.map { vm in
                var renamed = vm
                renamed.name = "zz-" + vm.name  // sorts after the web VMs by name
                return renamed
            } + manifest.virtualMachines
        manifest.virtualMachines.sort { $0.name < $1.name }
        manifest.networkInterfaces += dcs.networkInterfaces
        manifest.virtualNetworks += dcs.virtualNetworks.filter { network in
            !manifest.virtualNetworks.contains { $0.id == network.id }
        }
        let files = try generate(manifest)
        let all = try #require(files.first { $0.name == "restore-all.ps1" }).contents
        let order = ["zz-vm-dc01", "zz-vm-dc02", "web01", "web02"].map {
            all.range(of: "-ChildPath '\($0).ps1'")?.lowerBound
        }
        #expect(order.allSatisfy { $0 != nil })
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted())
        #expect(!files.contains { $0.name == "web01.ps1" && $0.contents.contains("Domain controller") })
    }

    @Test func aClassicDCKeepsItsAddressAndCarriesTheDecision() throws {
        let fixture = Paths.shared.appendingPathComponent("fixtures/classic/xplat-get-deployment-multi-nic.xml")
        var capture = Capture(options: CaptureOptions(domainControllers: ["ClitestVmVnet7436"]))
        try capture.add(file: fixture.lastPathComponent, bytes: [UInt8](try Data(contentsOf: fixture)))
        let manifest = try capture.finish()
        let generator = try ScriptGenerator(
            options: ScriptOptions(regenerateCommand: "rewire script manifest.json -o restore"))
        let files = try generator.generate(manifest)
        let script = try #require(files.first { $0.name == "ClitestVmVnet7436.ps1" }).contents
        // Dynamic when captured; a DC gets its current address pinned.
        #expect(script.contains("Set-AzureStaticVNetIP -IPAddress '10.0.0.4'"))
        #expect(
            script.contains(
                "# warning: VM 'ClitestVmVnet7436' is a domain controller of its domain, and how many DCs the domain has is not known"
            ))
        #expect(script.contains("bcdedit /set safeboot dsrepair"))
        let directory = try TemporaryDirectory()
        #expect(try PSCheck.findings(try write(files, into: directory)) == "")
        // Without the role, the address stays dynamic.
        var plain = manifest
        plain.virtualMachines[0].domainController = nil
        let ordinary = try #require(try generator.generate(plain).first { $0.name == "ClitestVmVnet7436.ps1" }).contents
        #expect(!ordinary.contains("Set-AzureStaticVNetIP"))
    }
}
