import Foundation
import RewireModel
import RewireTestSupport
import Testing

@Suite("rewire script --restored")
struct ScriptRestoredTests {
    /// Captures the example, fills a local vault, restores it, and returns the paths.
    static func restoredExample(_ directory: TemporaryDirectory) throws -> (manifest: String, report: String) {
        let manifest = directory.path("manifest.json")
        let report = directory.path("restored.json")
        let steps: [[String]] = [
            ["capture", Paths.examples.appendingPathComponent("estate/arm").path, "-o", manifest],
            ["vault", manifest, "--vault", directory.path("vault"), "--generate-disks", "--time", "2025-11-20T02:00:00Z"],
            ["restore", manifest, "--vault", directory.path("vault"), "--recovery-point", "latest", "-o", report],
        ]
        for step in steps {
            let result = try ProcessRunner.rewire(step)
            #expect(result.status == 0, "\(step[0]): \(result.stderr)")
        }
        return (manifest, report)
    }

    @Test func rebuildsFromTheRestoredDisksWithoutRestoringAgain() throws {
        let directory = try TemporaryDirectory()
        let (manifest, reportPath) = try Self.restoredExample(directory)
        let out = directory.path("out")
        let result = try ProcessRunner.rewire(["script", manifest, "--restored", reportPath, "-o", out])
        #expect(result.status == 0, "\(result.stderr)")
        let scripts = ["web01.ps1", "web02.ps1", "restore-all.ps1"].map { "\(out)/\($0)" }
        let findings = try PSCheck.findings(scripts)
        #expect(findings.isEmpty, "\(findings)")
        let calls = try PSCheck.calls(scripts)
        #expect(!calls.contains { $0.resolved == "Restore-AzRecoveryServicesBackupItem" })
        let report = try JSONDecoder().decode(RestoreReport.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        let uploads = calls.filter { $0.resolved == "Add-AzVhd" }
        for vm in report.virtualMachines {
            for disk in vm.disks {
                let upload = uploads.first { $0.value("LocalFilePath")?.strings == [disk.path ?? ""] }
                #expect(upload != nil, "\(vm.name): \(disk.name) is not uploaded")
                #expect(upload?.value("DiskName")?.strings.first?.hasSuffix("-restored-\(vm.recoveryPoint.id)") == true)
                #expect(upload?.has("DiskOsType") == (disk.lun == nil))
            }
        }
        #expect(uploads.count == report.virtualMachines.reduce(0) { $0 + $1.disks.count })
        // The rebuild itself is unchanged: NICs, pools and the VM.
        #expect(calls.contains { $0.resolved == "New-AzNetworkInterface" && $0.value("Name")?.strings == ["nic-web01-mgmt"] })
        #expect(calls.filter { $0.resolved == "New-AzVM" }.count == 2)
    }

    @Test func refusesAReportWithAVMThatIsNotDone() throws {
        let directory = try TemporaryDirectory()
        let (manifest, reportPath) = try Self.restoredExample(directory)
        var report = try JSONDecoder().decode(RestoreReport.self, from: Data(contentsOf: URL(fileURLWithPath: reportPath)))
        report.virtualMachines[0].status = .incomplete
        _ = try directory.write("incomplete.json", Data(try CanonicalJSON.encode(report)))
        let result = try ProcessRunner.rewire(["script", manifest, "--restored", directory.path("incomplete.json"), "-o", directory.path("out")])
        #expect(result.status == 65)
        #expect(result.stderr.contains("is incomplete in the restore report"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
    }
}
