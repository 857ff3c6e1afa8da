import ArgumentParser
import Foundation
import Restore
import RewireModel

struct VaultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Create a local vault, or add a recovery point of the manifest's VMs to one.",
        discussion: """
            A local vault is a folder of recovery points that `rewire restore --vault PATH` restores from, \
            the way it restores from an Azure Recovery Services vault (format: docs/local-vault.md). Each \
            recovery point holds the VM's config blob in Azure's own format (generated from the manifest), \
            its disks as fixed VHDs (copied sparse) and their SHA-256 list.

            Disk images come from --disk-images DIR (a fixed VHD per disk, named <disk name>.vhd), or are \
            generated small and sparse with --generate-disks (for examples and rehearsals).

              rewire vault manifest.json --vault vault/ --generate-disks --time 2025-11-20T02:01:14Z
              rewire vault manifest.json --vault vault/ --vm web01 --disk-images exported-vhds/ --recovery-point-id 58658092164440
            """
    )

    @Argument(help: "The manifest written by `rewire capture`.")
    var manifest: String

    @Option(help: "The vault folder (created when missing).")
    var vault: String

    @Option(name: .customLong("vm"), help: "Add only this VM (repeatable); default: every VM of the manifest.")
    var vmNames: [String] = []

    @Option(name: .customLong("disk-images"), help: "Folder holding one fixed VHD per disk, named <disk name>.vhd.")
    var diskImages: String?

    @Flag(name: .customLong("generate-disks"), help: "Generate small sparse fixed VHDs instead of reading disk images.")
    var generateDisks = false

    @Option(
        name: .customLong("disk-size-mib"),
        help: "Size of generated disks in MiB (with --generate-disks; default: the manifest's size, capped at this).")
    var diskSizeMiB: Int = 64

    @Option(help: "The recovery point's time, ISO-8601 UTC (default: now).")
    var time: String?

    @Option(
        name: .customLong("recovery-point-id"),
        help: "The recovery point's id (default: the time's digits, e.g. 20251120020114).")
    var recoveryPointID: String?

    @Option(name: .customLong("recovery-point-type"), help: "AppConsistent, CrashConsistent or FileSystemConsistent.")
    var recoveryPointType: String = "AppConsistent"

    func validate() throws {
        guard generateDisks != (diskImages != nil) else {
            throw ValidationError("Give exactly one of --disk-images DIR and --generate-disks.")
        }
        guard diskSizeMiB >= 1 else { throw ValidationError("--disk-size-mib must be at least 1.") }
        if let time, Timestamp(iso8601: time) == nil {
            throw ValidationError("--time '\(time)' is not an ISO-8601 time with a zone (e.g. 2025-11-20T02:01:14Z).")
        }
    }

    func run() async throws {
        let loaded = try ManifestLoading.read(manifest)
        let vms = try ManifestLoading.select(vmNames, from: loaded, path: manifest)
        let when = time.flatMap(Timestamp.init(iso8601:)) ?? RestoreClock.now()
        let id = recoveryPointID ?? String(when.iso8601.filter(\.isNumber).prefix(14))
        let writer = LocalVaultWriter(vault: LocalVault(root: RestorePaths.absolute(vault)))
        var lines: [String] = []
        var scratch: String?
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        do {
            try writer.create()
            for vm in vms {
                var images: [String: String] = [:]
                for disk in [vm.osDisk] + vm.dataDisks {
                    if let diskImages {
                        images[disk.name] = (diskImages as NSString).appendingPathComponent(disk.name + ".vhd")
                    } else {
                        let folder = scratch ?? RestorePaths.absolute(vault) + "/.generated-\(getpid())"
                        scratch = folder
                        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                        let path = folder + "/" + disk.name + ".vhd"
                        let manifestMiB = disk.sizeGB.map { $0 * 1024 } ?? diskSizeMiB
                        let size = UInt64(min(manifestMiB, diskSizeMiB)) << 20
                        try SparseVHD.create(
                            at: path, virtualSize: size, label: "\(vm.name)/\(disk.name)/\(id)", time: when)
                        images[disk.name] = path
                    }
                }
                let point = try writer.addRecoveryPoint(
                    vm: vm, id: id, time: when, type: recoveryPointType, diskImages: images)
                lines.append("\(vm.name): recovery point \(point.id) (\(point.time)), \(point.disks.count) disk(s)")
            }
        } catch let error as RestoreError {
            throw RestoreFailures.failure(error)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(.internalError, "\(vault): \(error.localizedDescription)")
        }
        lines.append("vault: \(RestorePaths.absolute(vault))")
        print(lines.joined(separator: "\n"))
    }
}
