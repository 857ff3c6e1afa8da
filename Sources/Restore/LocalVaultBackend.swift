public import RewireModel

/// Restores from a `LocalVault` into a folder: `TARGET/<vm>/<recovery point>/` receives the VM's VHDs and its
/// config blob, the same artifacts an Azure restore leaves in its staging account.
///
/// Every disk is copied sparse (holes kept), hashed during the copy and checked against SHA256SUMS, and
/// its VHD footer verified, before it is renamed into place; a VM's disks are copied in parallel. Each
/// verified disk is journaled at once, so a re-run copies only what is missing.
public struct LocalVaultBackend: RecoveryPointBackend {
    public let vault: LocalVault
    /// The folder receiving restored disks.
    public let targetFolder: String
    public let copier: any DiskCopying
    /// Turns the config blob's bytes into its essentials. Injected because `Restore` does not import the
    /// parser's module (NetConfigCapture): the CLI passes `ConfigBlob.essentials`.
    public let configParser: @Sendable ([UInt8]) throws -> RestoredVMConfig

    public init(
        vault: LocalVault, targetFolder: String, copier: any DiskCopying = SparseDiskCopier(),
        configParser: @escaping @Sendable ([UInt8]) throws -> RestoredVMConfig
    ) {
        self.vault = vault
        self.targetFolder = targetFolder
        self.copier = copier
        self.configParser = configParser
    }

    public var descriptor: RestoreBackend { RestoreBackend(kind: .localVault, location: vault.root) }

    public func recoveryPoints(for vm: VirtualMachine) async throws -> [RecoveryPointReference] {
        try vault.recoveryPoints(vm: vm.name).map { point throws(RestoreError) in
            guard ResourceID.key(point.vmId) == ResourceID.key(vm.id) else {
                throw RestoreError(
                    .badData, code: "vault.vmMismatch",
                    message:
                        "recovery point '\(point.id)' is of VM \(point.vmId), but the manifest's '\(vm.name)' is \(vm.id)",
                    path: vault.folder(vm: vm.name, recoveryPoint: point.id))
            }
            return point.reference
        }
    }

    public func target(for vm: VirtualMachine, recoveryPoint: RecoveryPointReference) -> RestoreTarget {
        RestoreTarget(kind: .folder, location: folder(vm: vm.name, recoveryPoint: recoveryPoint.id))
    }

    func folder(vm: String, recoveryPoint: String) -> String {
        FileIO.join(targetFolder, vm, recoveryPoint)
    }

    public func plannedActions(for vm: VirtualMachine, recoveryPoint: RecoveryPointReference) async throws -> [String] {
        let point = try vault.recoveryPoint(vm: vm.name, id: recoveryPoint.id)
        let source = vault.folder(vm: vm.name, recoveryPoint: point.id)
        let destination = folder(vm: vm.name, recoveryPoint: point.id)
        var lines = ["copy \(FileIO.join(source, point.configBlob)) -> \(FileIO.join(destination, point.configBlob))"]
        for disk in point.disks {
            lines.append(
                "copy and verify \(FileIO.join(source, disk.file)) -> \(FileIO.join(destination, disk.file)) (\(disk.sizeBytes) bytes, SHA-256 and VHD footer)"
            )
        }
        return lines
    }

    public func restore(
        _ vm: VirtualMachine, journal: RestoreJournalHandle, progress: @escaping @Sendable (RestoreEvent) -> Void
    ) async throws {
        let entry = try await journal.entry()
        let point = try vault.recoveryPoint(vm: vm.name, id: entry.recoveryPoint.id)
        let sums = try vault.checksums(vm: vm.name, recoveryPoint: point.id)
        let source = vault.folder(vm: vm.name, recoveryPoint: point.id)
        let destination = folder(vm: vm.name, recoveryPoint: point.id)
        try FileIO.makeDirectories(destination)
        // Only this run writes here (the engine holds the journal's lock): temp files are a killed run's leftovers.
        FileIO.removeStaleTemporaries(in: destination)
        let jobId = "local-\(vm.name)-\(point.id)"
        if entry.jobId != jobId { try await journal.update { $0.jobId = jobId } }

        // The config blob: verify, copy, parse.
        let blobSource = FileIO.join(source, point.configBlob)
        let blobBytes = try FileIO.readFile(blobSource)
        guard let blobSum = sums[point.configBlob] else {
            throw RestoreError(
                .badData, code: "vault.checksums.missing", message: "SHA256SUMS has no line for \(point.configBlob)",
                path: source)
        }
        guard sha256Hex(blobBytes) == blobSum else {
            throw RestoreError(
                .badData, code: "vault.configBlob.hashMismatch",
                message: "SHA-256 does not match SHA256SUMS: the config blob is corrupt", path: blobSource)
        }
        let config: RestoredVMConfig
        do {
            config = try configParser(blobBytes)
        } catch {
            throw RestoreError(.badData, code: "vault.configBlob.unreadable", message: "\(error)", path: blobSource)
        }
        let blobDestination = FileIO.join(destination, point.configBlob)
        try FileIO.writeAtomically(blobBytes, to: blobDestination)
        try await journal.update {
            $0.config = config
            $0.configBlob = blobDestination
        }

        // The disks: skip the ones a previous run verified and that are still there, copy the rest in parallel.
        let already = entry.disks
        var pending: [LocalVaultDisk] = []
        for disk in point.disks {
            let path = FileIO.join(destination, disk.file)
            if let done = already.first(where: { $0.name == disk.name }), done.verified, done.path == path,
                FileIO.size(path) == disk.sizeBytes
            {
                continue
            }
            guard sums[disk.file] != nil else {
                throw RestoreError(
                    .badData, code: "vault.checksums.missing", message: "SHA256SUMS has no line for \(disk.file)",
                    path: source)
            }
            pending.append(disk)
        }
        let toCopy = pending
        if !toCopy.isEmpty {
            // A disk dropped from the journal must not count as verified while it is copied again.
            try await journal.update { entry in
                entry.phase = .started
                for disk in toCopy {
                    if let index = entry.disks.firstIndex(where: { $0.name == disk.name }) {
                        entry.disks[index].verified = false
                    }
                }
            }
        }
        let copier = self.copier
        let vmName = vm.name
        try await withThrowingTaskGroup(of: Void.self) { group in
            for disk in toCopy {
                let from = FileIO.join(source, disk.file)
                let to = FileIO.join(destination, disk.file)
                let expected = sums[disk.file]
                group.addTask {
                    let result = try await runBlocking { () throws(RestoreError) -> DiskCopyResult in
                        try copier.copy(from: from, to: to, expectedSHA256: expected) { done in
                            progress(
                                .diskProgress(vm: vmName, disk: disk.name, bytesDone: done, bytesTotal: disk.sizeBytes))
                        }
                    }
                    guard result.sizeBytes == disk.sizeBytes else {
                        throw RestoreError(
                            .badData, code: "vault.disk.size",
                            message:
                                "the disk has \(result.sizeBytes) bytes, recoverypoint.json says \(disk.sizeBytes): it is truncated or padded",
                            path: from)
                    }
                    try await journal.update {
                        $0.upsert(
                            RestoredDisk(
                                name: disk.name, lun: disk.lun, path: to, sizeBytes: result.sizeBytes,
                                sha256: result.sha256,
                                verified: true))
                    }
                    progress(.diskVerified(vm: vmName, disk: disk.name))
                }
            }
            try await group.waitForAll()
        }

        let names = Set(point.disks.map(\.name))
        try await journal.update { entry in
            entry.disks.removeAll { !names.contains($0.name) }
            if entry.disks.count == names.count && entry.disks.allSatisfy(\.verified) {
                entry.phase = .done
                entry.error = nil
            }
        }
    }
}
