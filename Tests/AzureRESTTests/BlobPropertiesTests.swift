import AzureREST
import Foundation
import RewireTestSupport
import Testing

/// Get Blob Properties (`HEAD`): how restored VHDs in the staging account are checked.
extension FakeAzureEndToEndTests {
    @Test func readsTheSizeAndTypeOfTheRestoredVHDsWithoutDownloadingThem() async throws {
        try await FakeAzure.with(options: Self.fast) { fake in
            let connection = try Self.connect(fake)
            let arm = ARMClient(connection: connection)
            let backup = RecoveryServicesClient(arm: arm, vaultID: WebTier.vaultID)
            let item = try await backup.protectedItem(forVirtualMachine: Self.web01)
            let point = try #require(try await backup.recoveryPoints(of: item).first)
            // No target resource group: the disks stay VHD page blobs in the staging account.
            let request = RestoreDisksRequest(
                sourceVirtualMachineID: Self.web01, recoveryPointID: point.name, region: try await backup.vaultLocation(),
                stagingStorageAccountID: Self.staging)
            let job = try await Self.restoreJob(backup, item: item, request: request)
            let configURI = try #require(job.configBlobURI.flatMap(URL.init(string:)))
            let config = Self.decodeConfigBlob(try await BlobClient(connection: connection).download(configURI).data)
            let vhds = config.components(separatedBy: "\"").filter { $0.hasSuffix(".vhd") && $0.hasPrefix("http") }
            #expect(!vhds.isEmpty, "the config blob names no VHD: \(config.prefix(400))")
            for vhd in vhds {
                let properties = try await BlobClient(connection: connection).properties(try #require(URL(string: vhd)))
                #expect(properties.blobType == "PageBlob")
                let size = try #require(properties.contentLength)
                #expect(size > 0 && size % 512 == 0)
            }
            // A blob that is not there: the storage error code comes from the header (HEAD has no body).
            let missing = fake.baseURL.appendingPathComponent("stwebrestore01/nothing/here.vhd")
            let error = try await #require(throws: AzureRESTError.self) {
                _ = try await BlobClient(connection: connection).properties(missing)
            }
            #expect(error.status == 404)
            #expect(["ContainerNotFound", "BlobNotFound"].contains(error.code))
        }
    }
}
