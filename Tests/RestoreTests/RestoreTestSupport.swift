import Foundation
import Restore
import RewireModel

/// A fresh temp folder per test, removed at the end.
func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rewire-restore-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try await body(path)
}

enum Sample {
    static let subscription = "/subscriptions/3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53"

    static func vm(_ name: String, dataDisks: Int = 1) -> VirtualMachine {
        VirtualMachine(
            id: "\(subscription)/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/\(name)", name: name,
            resourceGroup: "rg-web", subscriptionId: "3c9e5b1a-7d24-4f8e-a6b0-2d9c4e7f1a53", location: "westeurope",
            size: "Standard_D2s_v3", osType: .windows, tags: ["env": "prod"],
            osDisk: Disk(name: "\(name)-os", sizeGB: 127, caching: "ReadWrite", kind: .managed),
            dataDisks: (0..<dataDisks).map {
                Disk(name: "\(name)-data\($0)", lun: $0, sizeGB: 32, caching: "None", kind: .managed)
            },
            networkInterfaces: [
                NetworkInterfaceReference(
                    id:
                        "\(subscription)/resourceGroups/rg-web/providers/Microsoft.Network/networkInterfaces/nic-\(name)",
                    primary: true)
            ])
    }

    static let time = Timestamp(iso8601: "2025-11-20T02:01:14Z")!

    /// A vault at `root/vault` holding one recovery point per entry of `points` for each VM, disks of `mib` MiB.
    static func vault(
        in root: String, vms: [VirtualMachine],
        points: [(id: String, time: String)] = [("rp1", "2025-11-20T02:01:14Z")],
        mib: UInt64 = 4
    ) throws -> LocalVault {
        let vault = LocalVault(root: root + "/vault")
        let writer = LocalVaultWriter(vault: vault)
        try writer.create()
        let images = root + "/images"
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        for point in points {
            for vm in vms {
                var paths: [String: String] = [:]
                for disk in [vm.osDisk] + vm.dataDisks {
                    let path = "\(images)/\(disk.name)-\(point.id).vhd"
                    try SparseVHD.create(
                        at: path, virtualSize: mib << 20, label: "\(vm.name)/\(disk.name)/\(point.id)", time: time)
                    paths[disk.name] = path
                }
                try writer.addRecoveryPoint(
                    vm: vm, id: point.id, time: Timestamp(iso8601: point.time)!, diskImages: paths)
            }
        }
        return vault
    }

    /// Stands in for NetConfigCapture's `ConfigBlob.essentials` (Restore does not import it): records that the
    /// blob arrived as UTF-16LE without BOM.
    static let parser: @Sendable ([UInt8]) throws -> RestoredVMConfig = { bytes in
        guard bytes.count >= 2, bytes[1] == 0, bytes[0] == UInt8(ascii: "{") else {
            throw RestoreError(.badData, code: "test.blob", message: "not UTF-16LE JSON")
        }
        return RestoredVMConfig(format: .armDotted, vmSize: "from-blob")
    }

    static func engine(
        _ backend: any RecoveryPointBackend, journal: String, concurrency: Int = 4
    ) -> RestoreEngine {
        let ticks = TickClock()
        return RestoreEngine(
            backend: backend, journalPath: journal, clock: { ticks.next() }, maxConcurrentVMs: concurrency)
    }
}

/// A deterministic clock: one second per reading.
final class TickClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Timestamp(iso8601: "2026-01-01T00:00:00Z")!

    func next() -> Timestamp {
        lock.lock()
        defer { lock.unlock() }
        current = current.adding(seconds: 1)
        return current
    }
}

/// Counts copies and fails the copy numbered `failAt` (1-based), like a process dying between disks.
final class CountingCopier: DiskCopying, @unchecked Sendable {
    private let lock = NSLock()
    private let real = SparseDiskCopier()
    private let failAt: Int?
    private(set) var copied: [String] = []
    private var attempts = 0

    init(failAt: Int? = nil) {
        self.failAt = failAt
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return copied.count
    }

    func copy(
        from source: String, to destination: String, expectedSHA256: String?, progress: @Sendable (Int64) -> Void
    ) throws(RestoreError) -> DiskCopyResult {
        lock.lock()
        attempts += 1
        let attempt = attempts
        lock.unlock()
        if attempt == failAt {
            throw RestoreError(.internal, code: "test.crash", message: "simulated crash while copying \(source)")
        }
        let result = try real.copy(from: source, to: destination, expectedSHA256: expectedSHA256, progress: progress)
        lock.lock()
        copied.append(destination)
        lock.unlock()
        return result
    }
}

func sha256File(_ path: String) throws -> String {
    // Independent of the copier: shasum through a separate read.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sha256sum", path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
}

func allocatedBytes(_ path: String) -> Int64 {
    var info = stat()
    guard stat(path, &info) == 0 else { return -1 }
    return Int64(info.st_blocks) * 512
}
