import Foundation
import Restore
import RewireModel
import Testing

@Suite struct LocalVaultRestoreTests {
    @Test func vaultRoundTripRestoresEveryDiskVerifiedAndByteIdentical() async throws {
        try await withTemporaryDirectory { root in
            let vms = [Sample.vm("web01", dataDisks: 2), Sample.vm("web02", dataDisks: 0)]
            let vault = try Sample.vault(in: root, vms: vms)
            let backend = LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser)
            let engine = Sample.engine(backend, journal: root + "/restored.json.journal")
            let selections = try await engine.select(vms, selector: .latest, selectorText: "latest")
            let outcome = try await engine.run(selections, selectorText: "latest", manifestSHA256: nil)

            #expect(outcome.failures.isEmpty)
            #expect(outcome.report.isComplete)
            #expect(outcome.report.virtualMachines.map(\.name) == ["web01", "web02"])
            let web01 = try #require(outcome.report.virtualMachine(named: "web01"))
            #expect(web01.disks.map(\.name) == ["web01-os", "web01-data0", "web01-data1"])
            #expect(web01.disks.map(\.lun) == [nil, 0, 1])
            #expect(web01.jobId == "local-web01-rp1")
            #expect(web01.config?.vmSize == "from-blob")
            #expect(web01.target == RestoreTarget(kind: .folder, location: root + "/target/web01/rp1"))
            let sums = try vault.checksums(vm: "web01", recoveryPoint: "rp1")
            for disk in web01.disks {
                let path = try #require(disk.path)
                #expect(disk.verified)
                #expect(try sha256File(path) == sums[disk.name + ".vhd"])
                #expect(disk.sha256 == sums[disk.name + ".vhd"])
            }
            // The report is what `rewire script --restored` reads: canonical, versioned.
            let json = String(decoding: try CanonicalJSON.encode(outcome.report), as: UTF8.self)
            #expect(json.hasPrefix("{\n  \"schemaVersion\": 1,"))
        }
    }

    @Test func sparseDisksStaySparse() async throws {
        try await withTemporaryDirectory { root in
            let vms = [Sample.vm("web01", dataDisks: 0)]
            let vault = try Sample.vault(in: root, vms: vms, mib: 256)
            let source = vault.folder(vm: "web01", recoveryPoint: "rp1") + "/web01-os.vhd"
            // Only the file system can say whether it keeps holes; if the vault copy is not sparse, neither can the restore be.
            try #require(allocatedBytes(source) < 16 << 20, "the temp file system does not keep sparse files")
            let backend = LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser)
            let engine = Sample.engine(backend, journal: root + "/journal")
            let outcome = try await engine.run(
                try await engine.select(vms, selector: .latest, selectorText: "latest"), selectorText: "latest",
                manifestSHA256: nil)
            let restored = try #require(outcome.report.virtualMachines.first?.disks.first?.path)
            #expect(try FileManager.default.attributesOfItem(atPath: restored)[.size] as? Int == (256 << 20) + 512)
            #expect(allocatedBytes(restored) <= allocatedBytes(source))
            #expect(allocatedBytes(restored) < 16 << 20)
        }
    }

    @Test func aCorruptDiskFailsTheVMWithAHashMismatchAndLeavesNoFile() async throws {
        try await withTemporaryDirectory { root in
            let vms = [Sample.vm("web01"), Sample.vm("web02")]
            let vault = try Sample.vault(in: root, vms: vms)
            let disk = vault.folder(vm: "web01", recoveryPoint: "rp1") + "/web01-data0.vhd"
            let handle = try #require(FileHandle(forUpdatingAtPath: disk))
            try handle.seek(toOffset: 10)
            try handle.write(contentsOf: Data("X".utf8))
            try handle.close()

            let backend = LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser)
            let engine = Sample.engine(backend, journal: root + "/journal")
            let outcome = try await engine.run(
                try await engine.select(vms, selector: .latest, selectorText: "latest"), selectorText: "latest",
                manifestSHA256: nil)

            let failure = try #require(outcome.failures["web01"])
            #expect(failure.code == "vault.disk.hashMismatch")
            #expect(failure.kind == .badData)
            #expect(failure.path == disk)
            #expect(outcome.failures["web02"] == nil)
            #expect(outcome.report.virtualMachine(named: "web01")?.status == .failed)
            #expect(outcome.report.virtualMachine(named: "web02")?.status == .done)
            #expect(!FileManager.default.fileExists(atPath: root + "/target/web01/rp1/web01-data0.vhd"))
            #expect(!outcome.report.isComplete)
        }
    }

    @Test(arguments: [
        ("truncated", "vhd.footer.cookie"),
        ("badChecksum", "vhd.footer.checksum"),
    ])
    func aDamagedFooterIsDetected(damage: String, code: String) async throws {
        try await withTemporaryDirectory { root in
            let vms = [Sample.vm("web01", dataDisks: 0)]
            let vault = try Sample.vault(in: root, vms: vms)
            let disk = vault.folder(vm: "web01", recoveryPoint: "rp1") + "/web01-os.vhd"
            let size = try #require(try FileManager.default.attributesOfItem(atPath: disk)[.size] as? Int)
            let handle = try #require(FileHandle(forUpdatingAtPath: disk))
            if damage == "truncated" {
                try handle.truncate(atOffset: UInt64(size - 4096))
            } else {
                try handle.seek(toOffset: UInt64(size - 512 + 48))  // current size field
                try handle.write(contentsOf: Data([0x7F]))
            }
            try handle.close()
            let backend = LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser)
            let engine = Sample.engine(backend, journal: root + "/journal")
            let outcome = try await engine.run(
                try await engine.select(vms, selector: .latest, selectorText: "latest"), selectorText: "latest",
                manifestSHA256: nil)
            #expect(outcome.failures["web01"]?.code == code)
            #expect(outcome.failures["web01"]?.kind == .badData)
        }
    }

    @Test func recoveryPointsAreChosenByTimeAndRecordedInTheReport() async throws {
        try await withTemporaryDirectory { root in
            let vms = [Sample.vm("web01", dataDisks: 0)]
            let vault = try Sample.vault(
                in: root, vms: vms,
                points: [
                    ("rp1", "2025-11-18T02:00:00Z"), ("rp2", "2025-11-19T02:00:00Z"), ("rp3", "2025-11-20T02:00:00Z"),
                ])
            let backend = LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser)
            let engine = Sample.engine(backend, journal: root + "/journal")
            let selector = "2025-11-19T23:59:59Z"
            let selections = try await engine.select(
                vms, selector: RecoveryPointSelector(selector), selectorText: selector)
            #expect(selections.map(\.recoveryPoint.id) == ["rp2"])
            let outcome = try await engine.run(selections, selectorText: selector, manifestSHA256: "abc")
            #expect(outcome.report.recoveryPointSelector == selector)
            #expect(outcome.report.manifestSHA256 == "abc")
            #expect(
                outcome.report.virtualMachines.first?.recoveryPoint
                    == RecoveryPointReference(id: "rp2", time: "2025-11-19T02:00:00Z", type: "AppConsistent"))
        }
    }

    @Test func aVMMissingFromTheVaultStopsTheRunBeforeAnythingIsWritten() async throws {
        try await withTemporaryDirectory { root in
            let vault = try Sample.vault(in: root, vms: [Sample.vm("web01")])
            let backend = LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser)
            let engine = Sample.engine(backend, journal: root + "/journal")
            await #expect(throws: RestoreError.self) {
                try await engine.select(
                    [Sample.vm("web01"), Sample.vm("web03")], selector: .latest, selectorText: "latest")
            }
            #expect(!FileManager.default.fileExists(atPath: root + "/journal"))
            #expect(!FileManager.default.fileExists(atPath: root + "/target"))
        }
    }

    @Test func aRecoveryPointOfAnotherVMIsRefused() async throws {
        try await withTemporaryDirectory { root in
            let vault = try Sample.vault(in: root, vms: [Sample.vm("web01")])
            var impostor = Sample.vm("web01")
            impostor.id = impostor.id.replacingOccurrences(of: "rg-web", with: "rg-other")
            let backend = LocalVaultBackend(vault: vault, targetFolder: root + "/target", configParser: Sample.parser)
            await #expect {
                try await backend.recoveryPoints(for: impostor)
            } throws: { ($0 as? RestoreError)?.code == "vault.vmMismatch" }
        }
    }

    @Test func theVaultRefusesADuplicateRecoveryPointAndAFolderThatIsNotAVault() async throws {
        try await withTemporaryDirectory { root in
            let vm = Sample.vm("web01", dataDisks: 0)
            let vault = try Sample.vault(in: root, vms: [vm])
            let image = vault.folder(vm: "web01", recoveryPoint: "rp1") + "/web01-os.vhd"
            #expect {
                try LocalVaultWriter(vault: vault).addRecoveryPoint(
                    vm: vm, id: "rp1", time: Sample.time, diskImages: ["web01-os": image])
            } throws: { ($0 as? RestoreError)?.code == "vault.recoveryPoint.exists" }

            try FileManager.default.createDirectory(atPath: root + "/busy", withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: root + "/busy/notes.txt", contents: Data("x".utf8))
            #expect {
                try LocalVaultWriter(vault: LocalVault(root: root + "/busy")).create()
            } throws: { ($0 as? RestoreError)?.code == "vault.notEmpty" }
            #expect { try LocalVault(root: root + "/nothing").open() } throws: {
                ($0 as? RestoreError)?.kind == .unavailable
            }
        }
    }
}

@Suite struct VHDFooterTests {
    @Test func aWrittenFooterReadsBackWithAValidChecksum() throws {
        let footer = VHDFooter(currentSize: 64 << 20, uniqueID: Array(0..<16), timestamp: 12345)
        let bytes = footer.bytes
        #expect(bytes.count == 512)
        #expect(Array(bytes[0..<8]) == Array("conectix".utf8))
        let read = try VHDFooter(bytes: bytes)
        #expect(read == footer)
        try read.validateFixed(fileSize: (64 << 20) + 512)
    }

    @Test func everyFlippedByteIsCaughtByTheChecksumOrCookie() {
        let bytes = VHDFooter(currentSize: 1 << 20, uniqueID: [], timestamp: 0).bytes
        for index in [0, 9, 40, 50, 60, 70, 100, 511] {
            var damaged = bytes
            damaged[index] ^= 0x01
            #expect(throws: RestoreError.self) { try VHDFooter(bytes: damaged) }
        }
    }

    @Test func dynamicDisksAndSizeMismatchesAreRefusedForAzure() throws {
        var footer = VHDFooter(currentSize: 1 << 20, uniqueID: [], timestamp: 0)
        #expect { try footer.validateFixed(fileSize: (1 << 20) + 1024) } throws: {
            ($0 as? RestoreError)?.code == "vhd.sizeMismatch"
        }
        footer.diskType = 3
        #expect { try footer.validateFixed(fileSize: (1 << 20) + 512) } throws: {
            ($0 as? RestoreError)?.code == "vhd.notFixed"
        }
        let odd = VHDFooter(currentSize: 1000 * 512, uniqueID: [], timestamp: 0)
        #expect { try odd.validateFixed(fileSize: 1000 * 512 + 512) } throws: {
            ($0 as? RestoreError)?.code == "vhd.size.notMiB"
        }
    }
}

@Suite struct AzureConfigBlobEncoderTests {
    @Test func theBlobIsUTF16LEWithoutBOMWithCRLFAndNULPaddedTo512Characters() throws {
        let bytes = AzureConfigBlobEncoder.encode(Sample.vm("web01"))
        #expect(bytes.count % 1024 == 0)
        #expect(Array(bytes.prefix(4)) == [UInt8(ascii: "{"), 0, 0x0D, 0])
        #expect(bytes.last == 0)
        var units: [UInt16] = []
        for index in stride(from: 0, to: bytes.count, by: 2) {
            units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
        }
        while units.last == 0 { units.removeLast() }
        let text = String(decoding: units, as: UTF16.self)
        #expect(
            !text.contains("\n")
                || text.split(separator: "\n").allSatisfy {
                    $0.hasSuffix("\r") || $0 == text.split(separator: "\n").last
                })
        #expect(text.contains("\"properties.storageProfile\": {"))
        #expect(text.contains("\"properties.primary\": true"))
        #expect(text.contains("\"vmSize\": \"Standard_D2s_v3\""))
        #expect(text.contains("\"name\": \"web01-data0\""))
    }
}
