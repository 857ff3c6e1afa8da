import Foundation
import RewireTestSupport
import Testing

/// `rewire restore` without `--target-resource-group`: the disks stay VHD page blobs in the staging
/// account, and each one is checked there (Get Blob Properties) before the VM counts as done.
@Suite(.serialized) struct StagingRestoreCommandTests {
    static func arguments(_ manifest: String, output: String) -> [String] {
        [
            "restore", manifest, "--vault", FakeAzure.WebTier.vaultID, "--staging-storage-account",
            AzureRestoreCommandTests.staging, "--recovery-point", "latest", "-o", output, "--poll-interval", "0.05",
            "--vm", "web01", "--vm", "web02",
        ]
    }

    @Test func everyVHDIsCheckedInTheStagingAccount() async throws {
        let directory = try TemporaryDirectory("rewire-restore-staging")
        let manifest = try RestoreCommandTests.manifest(in: directory)
        try await RestoreFake.with(options: ["--time-scale", "0.01", "--blob-uri-style", "local"]) { fake in
            let output = directory.path("restored.json")
            let result = try ProcessRunner.rewire(
                Self.arguments(manifest, output: output), environment: AzureRestoreCommandTests.environment(fake))
            #expect(result.status == 0, "\(result.stderr.suffix(2000))")
            let vms = RestoreCommandTests.vms(try RestoreCommandTests.report(output))
            #expect(vms.map { $0["status"] as? String } == ["done", "done"])
            for vm in vms {
                let disks = try #require(vm["disks"] as? [[String: Any]])
                #expect(!disks.isEmpty)
                for disk in disks {
                    #expect((disk["vhdUri"] as? String)?.hasSuffix(".vhd") == true)
                    #expect(disk["managedDiskId"] == nil)
                    #expect(disk["verified"] as? Bool == true)
                    let size = try #require(disk["sizeBytes"] as? Int)
                    #expect(size > 0 && size % 512 == 0)
                }
            }
            // The disks were checked without downloading them.
            let log = String(decoding: try fake.control("GET", "/_fake/requests?kind=blob"), as: UTF8.self)
            #expect(log.contains("\"HEAD\""), "no Get Blob Properties in the request log")
        }
    }
}
