import ArgumentParser
import AzureREST
import Foundation
import NetConfigCapture
import Restore
import RewireModel

struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore the VMs' disks from a recovery point and record where they landed.",
        discussion: """
            Restores every VM of the manifest (or those named with --vm) from a local vault folder or an \
            Azure Recovery Services vault, and writes RESTORED: per VM the recovery point, the job, every \
            disk (verified) and the config blob's essentials. `rewire script --restored RESTORED` then \
            writes scripts that rebuild the VMs around those disks.

            Progress is journaled in RESTORED.journal (write-ahead, fsynced). Re-run the same command after \
            a crash or Ctrl-C: it continues where it stopped, never starts a second restore of the same VM \
            and recovery point, and reports a VM as done only when every disk is present and verified.

              rewire restore manifest.json --vault vault/ --recovery-point latest -o restored.json
              rewire restore manifest.json --vault vault/ --recovery-point 2025-11-20T00:00:00Z --vm web01 -o r.json
              rewire restore manifest.json --vault /subscriptions/S/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv \\
                  --staging-storage-account /subscriptions/S/resourceGroups/rg-backup/providers/Microsoft.Storage/storageAccounts/st \\
                  --target-resource-group /subscriptions/S/resourceGroups/rg-restore --recovery-point latest -o restored.json

            Exit codes: 0 every VM done, 2 usage error, 65 bad data (a corrupt or truncated disk, no such \
            recovery point), 69 a service or vault was unavailable, 70 internal error.
            """
    )

    @Argument(help: "The manifest written by `rewire capture`.")
    var manifest: String

    @Option(help: "A local vault folder, or a Recovery Services vault's ARM id (/subscriptions/.../vaults/NAME).")
    var vault: String

    @Option(
        name: .customLong("recovery-point"),
        help:
            "latest, a recovery point id, or an ISO-8601 time such as 2025-11-20T02:00:00Z (the newest point at or before it)."
    )
    var recoveryPoint: String

    @Option(name: .customLong("vm"), help: "Restore only this VM (repeatable); default: every VM of the manifest.")
    var vmNames: [String] = []

    @Option(
        name: .shortAndLong,
        help: "Where to write the restore report (RESTORED); the journal goes beside it as RESTORED.journal.")
    var output: String

    @Flag(name: .customLong("dry-run"), help: "Print the copies or Azure calls a restore would make; write nothing.")
    var dryRun = false

    @Option(
        name: .customLong("target-folder"),
        help: "Local vault: folder receiving the disks (default: restored-disks beside RESTORED).")
    var targetFolder: String?

    @Option(
        name: .customLong("target-resource-group"),
        help:
            "Azure: resource group id (/subscriptions/S/resourceGroups/RG) receiving managed disks; without it, VHDs go to the staging account."
    )
    var targetResourceGroup: String?

    @Option(
        name: .customLong("staging-storage-account"),
        help: "Azure: the staging storage account's ARM id (same region as the vault).")
    var stagingStorageAccount: String?

    @Option(help: "How many VMs to restore at the same time.")
    var concurrency: Int = 4

    @Option(name: .customLong("poll-interval"), help: "Azure: seconds between polls of a running restore job.")
    var pollInterval: Double = 15

    @OptionGroup var azure: AzureEndpointOptions

    var isAzure: Bool { vault.lowercased().hasPrefix("/subscriptions/") }

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1.") }
        guard pollInterval >= 0 else { throw ValidationError("--poll-interval must not be negative.") }
        if isAzure {
            guard stagingStorageAccount != nil else {
                throw ValidationError("Restoring from a Recovery Services vault needs --staging-storage-account ID.")
            }
            guard targetFolder == nil else {
                throw ValidationError("--target-folder is for a local vault; use --target-resource-group.")
            }
        } else {
            guard targetResourceGroup == nil, stagingStorageAccount == nil else {
                throw ValidationError(
                    "--target-resource-group and --staging-storage-account need a Recovery Services vault id as --vault."
                )
            }
        }
    }

    func run() async throws {
        let manifestBytes = try FileIO.read(manifest)
        let loaded = try ManifestLoading.decode(manifestBytes, path: manifest)
        let vms = try ManifestLoading.select(vmNames, from: loaded, path: manifest)
        let backend = try makeBackend()
        let display = RestoreProgressDisplay(enabled: isatty(STDOUT_FILENO) != 0 && !dryRun, total: vms.count)
        let engine = RestoreEngine(
            backend: backend, journalPath: output + ".journal", clock: { RestoreClock.now() },
            maxConcurrentVMs: concurrency, progress: { display.handle($0) })
        let selections: [RestoreEngine.Selection]
        do {
            selections = try await engine.select(
                vms, selector: RecoveryPointSelector(recoveryPoint), selectorText: recoveryPoint)
        } catch {
            throw RestoreFailures.failure(error)
        }

        if dryRun {
            let plans: [(vm: String, actions: [String])]
            do {
                plans = try await engine.plan(selections)
            } catch {
                throw RestoreFailures.failure(error)
            }
            var lines: [String] = []
            for plan in plans {
                lines.append("\(plan.vm):")
                lines += plan.actions.map { "  \($0)" }
            }
            lines.append("dry run: nothing written (report would go to \(output))")
            print(lines.joined(separator: "\n"))
            return
        }

        let outcome: RestoreEngine.Outcome
        do {
            outcome = try await engine.run(
                selections, selectorText: recoveryPoint, manifestSHA256: sha256Hex(manifestBytes))
        } catch {
            throw RestoreFailures.failure(error)
        }
        display.finish()
        try FileIO.writeAtomically(try CanonicalJSON.encode(outcome.report), to: output)
        let done = outcome.report.virtualMachines.filter { $0.status == .done }.count
        if isatty(STDOUT_FILENO) != 0 || outcome.failures.isEmpty == false {
            print("restored \(done) of \(outcome.report.virtualMachines.count) VM(s) -> \(output)")
        }
        guard outcome.failures.isEmpty else {
            let ordered = outcome.failures.sorted { $0.key < $1.key }
            for (vm, error) in ordered.dropFirst() {
                FileHandle.standardError.write(Data("rewire: error: VM '\(vm)': \(error.description)\n".utf8))
            }
            let worst = ordered.map(\.value).max { RestoreFailures.rank($0.kind) < RestoreFailures.rank($1.kind) }!
            let first = ordered[0]
            throw CommandFailure(
                RestoreFailures.exitStatus(worst.kind), "VM '\(first.key)': \(first.value.description)")
        }
    }

    private func makeBackend() throws -> any RecoveryPointBackend {
        let parser: @Sendable ([UInt8]) throws -> RestoredVMConfig = { try ConfigBlob.essentials($0) }
        if isAzure {
            let connection = try azure.connection()
            let client = RecoveryServicesClient(arm: ARMClient(connection: connection), vaultID: vault)
            return AzureBackupBackend(
                client: client, blobs: BlobClient(connection: connection),
                stagingStorageAccountID: stagingStorageAccount!,
                targetResourceGroupID: targetResourceGroup, configParser: parser, jobPollInterval: pollInterval,
                operationPolling: PollingOptions(
                    defaultInterval: min(5, max(pollInterval, 0.05)), maximumInterval: 60, timeout: 6 * 3600))
        }
        let root = RestorePaths.absolute(vault)
        let localVault = LocalVault(root: root)
        do {
            try localVault.open()
        } catch {
            throw RestoreFailures.failure(error)
        }
        let target = RestorePaths.absolute(
            targetFolder
                ?? (URL(fileURLWithPath: RestorePaths.absolute(output)).deletingLastPathComponent().path
                    + "/restored-disks"))
        return LocalVaultBackend(vault: localVault, targetFolder: target, configParser: parser)
    }
}

/// The CLI's clock, injected into the core.
enum RestoreClock {
    static func now() -> Timestamp {
        Timestamp(millisecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
    }
}

enum RestorePaths {
    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }
}

/// Restore errors to exit statuses (DESIGN.md): bad data 65, unavailable 69, internal 70.
enum RestoreFailures {
    static func exitStatus(_ kind: RestoreError.Kind) -> ExitStatus {
        switch kind {
        case .badData: .dataError
        case .unavailable: .unavailable
        case .internal: .internalError
        }
    }

    /// Which failure decides the exit status when several VMs fail: internal beats unavailable beats bad data.
    static func rank(_ kind: RestoreError.Kind) -> Int {
        switch kind {
        case .badData: 0
        case .unavailable: 1
        case .internal: 2
        }
    }

    static func failure(_ error: any Error) -> any Error {
        switch error {
        case let failure as CommandFailure: failure
        case let error as RestoreError: CommandFailure(exitStatus(error.kind), error.description)
        case let error as AzureRESTError: CommandFailure(.unavailable, error.description)
        default: CommandFailure(.internalError, "\(error)")
        }
    }
}

/// One status line on a terminal: VMs done, the disk being copied and its percentage. Silent when stdout is
/// not a terminal (DESIGN.md).
final class RestoreProgressDisplay: @unchecked Sendable {
    private let lock = NSLock()
    private let enabled: Bool
    private let total: Int
    private var finished = 0
    private var lastLine = ""
    private var lastPercent: [String: Int64] = [:]

    init(enabled: Bool, total: Int) {
        self.enabled = enabled
        self.total = total
    }

    func handle(_ event: RestoreEvent) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .vmStarted(let vm, let point):
            show("\(vm): restoring recovery point \(point)")
        case .diskProgress(let vm, let disk, let done, let total):
            let percent = total > 0 ? done * 100 / total : 100
            let key = vm + "/" + disk
            guard lastPercent[key] != percent else { return }
            lastPercent[key] = percent
            show("\(vm): \(disk) \(percent)%")
        case .diskVerified(let vm, let disk):
            show("\(vm): \(disk) verified")
        case .step(let vm, let message):
            show("\(vm): \(message)")
        case .vmFinished(let vm, let status):
            finished += 1
            write("\r\u{1B}[K\(vm): \(status.rawValue)\n")
            lastLine = ""
        }
    }

    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if !lastLine.isEmpty { write("\r\u{1B}[K") }
    }

    private func show(_ text: String) {
        let line = "[\(finished)/\(total)] \(text)"
        guard line != lastLine else { return }
        lastLine = line
        write("\r\u{1B}[K" + line)
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
