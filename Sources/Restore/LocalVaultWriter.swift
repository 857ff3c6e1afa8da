import Crypto
public import RewireModel

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Creates local vaults and adds recovery points to them (`rewire vault`). A recovery point is assembled in a
/// hidden folder and renamed into place only when complete, so a vault never holds half a recovery point.
public struct LocalVaultWriter: Sendable {
    public let vault: LocalVault
    public let copier: any DiskCopying

    public init(vault: LocalVault, copier: any DiskCopying = SparseDiskCopier()) {
        self.vault = vault
        self.copier = copier
    }

    /// Makes `root` a vault: creates it and its marker, or accepts an existing vault. A non-empty folder that
    /// is not a vault is refused.
    public func create() throws(RestoreError) {
        let marker = FileIO.join(vault.root, LocalVault.markerFileName)
        if FileIO.exists(marker) {
            try vault.open()
            return
        }
        if FileIO.isDirectory(vault.root), !(try FileIO.listDirectory(vault.root)).isEmpty {
            throw RestoreError(
                .badData, code: "vault.notEmpty",
                message:
                    "the folder is not empty and not a vault (no \(LocalVault.markerFileName)); choose an empty or new folder",
                path: vault.root)
        }
        try FileIO.makeDirectories(vault.root)
        let bytes: [UInt8]
        do {
            bytes = try CanonicalJSON.encode(
                VaultMarker(schemaVersion: VaultMarker.currentSchemaVersion, format: LocalVault.format))
        } catch {
            throw RestoreError(.internal, code: "vault.encode", message: "\(error)")
        }
        try FileIO.writeAtomically(bytes, to: marker)
    }

    /// Adds one recovery point of `vm`: its config blob (Azure's format, from the manifest) and its disks,
    /// `diskImages[disk name]` being a fixed VHD file (copied sparse, footer checked). Every disk of the VM must
    /// have an image.
    @discardableResult
    public func addRecoveryPoint(
        vm: VirtualMachine, id: String, time: Timestamp, type: String = "AppConsistent", diskImages: [String: String]
    ) throws(RestoreError) -> LocalVaultRecoveryPoint {
        guard !id.isEmpty, !id.hasPrefix("."), !id.contains("/") else {
            throw RestoreError(
                .badData, code: "vault.recoveryPoint.id",
                message: "recovery point id '\(id)' must be a plain folder name")
        }
        let final = vault.folder(vm: vm.name, recoveryPoint: id)
        guard !FileIO.exists(final) else {
            throw RestoreError(
                .badData, code: "vault.recoveryPoint.exists",
                message: "VM '\(vm.name)' already has recovery point '\(id)'; give another --recovery-point-id",
                path: final)
        }
        let disks = [vm.osDisk] + vm.dataDisks.sorted { ($0.lun ?? 0) < ($1.lun ?? 0) }
        for disk in disks where diskImages[disk.name] == nil {
            throw RestoreError(
                .badData, code: "vault.diskImage.missing",
                message: "no disk image for disk '\(disk.name)' of VM '\(vm.name)'; expected \(disk.name).vhd")
        }
        try FileIO.makeDirectories(vault.folder(vm: vm.name))
        let staging = FileIO.join(vault.folder(vm: vm.name), ".\(id).partial-\(getpid())")
        FileIO.removeTree(staging)
        try FileIO.makeDirectories(staging)
        do throws(RestoreError) {
            var sums: [String: String] = [:]
            var entries: [LocalVaultDisk] = []
            for disk in disks {
                let file = disk.name + ".vhd"
                let result = try copier.copy(
                    from: diskImages[disk.name]!, to: FileIO.join(staging, file), expectedSHA256: nil,
                    progress: { _ in })
                sums[file] = result.sha256
                entries.append(LocalVaultDisk(name: disk.name, lun: disk.lun, file: file, sizeBytes: result.sizeBytes))
            }
            let blobName = "config-\(vm.name).json"
            let blob = AzureConfigBlobEncoder.encode(vm)
            try FileIO.writeAtomically(blob, to: FileIO.join(staging, blobName))
            sums[blobName] = sha256Hex(blob)
            try FileIO.writeAtomically(
                LocalVault.renderChecksums(sums), to: FileIO.join(staging, LocalVault.checksumFileName))
            let point = LocalVaultRecoveryPoint(
                id: id, time: time.iso8601, type: type, vmName: vm.name, vmId: vm.id, configBlob: blobName,
                disks: entries)
            let metadata: [UInt8]
            do {
                metadata = try CanonicalJSON.encode(point)
            } catch {
                throw RestoreError(.internal, code: "vault.encode", message: "\(error)")
            }
            try FileIO.writeAtomically(metadata, to: FileIO.join(staging, LocalVault.metadataFileName))
            try FileIO.commit(staging, to: final)
            return point
        } catch {
            FileIO.removeTree(staging)
            throw error
        }
    }
}

/// Small sparse fixed VHDs for examples and tests: a label and a pseudo-random block at the start and in the
/// middle (so every disk has its own hash), holes elsewhere, and a valid footer.
public enum SparseVHD {
    /// Creates `path` (atomically) holding a fixed VHD of `virtualSize` bytes (a whole number of MiB).
    public static func create(at path: String, virtualSize: UInt64, label: String, time: Timestamp) throws(RestoreError)
    {
        guard virtualSize >= 1 << 20, virtualSize % (1 << 20) == 0 else {
            throw RestoreError(
                .badData, code: "vhd.size.notMiB", message: "a VHD's size must be a whole, non-zero number of MiB",
                path: path)
        }
        let digest = Array(SHA256.hash(data: Array(label.utf8)))
        var block = Array("rewire example disk: \(label)\n".utf8)
        var seed = digest
        while block.count < 64 << 10 {
            seed = Array(SHA256.hash(data: seed))
            block += seed
        }
        let footer = VHDFooter(
            currentSize: virtualSize, uniqueID: Array(digest.prefix(16)), timestamp: VHDFooter.timestamp(for: time))
        let temporary = FileIO.temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIO.failure("create", temporary) }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(temporary) }
        }
        guard ftruncate(fd, off_t(virtualSize) + 512) == 0 else { throw FileIO.failure("size", temporary) }
        for (bytes, offset) in [(block, off_t(0)), (block, off_t(virtualSize / 2)), (footer.bytes, off_t(virtualSize))]
        {
            let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, offset) }
            guard written == bytes.count else { throw FileIO.failure("write", temporary) }
        }
        guard fsync(fd) == 0 else { throw FileIO.failure("fsync", temporary) }
        ok = true
        try FileIO.commit(temporary, to: path)
    }
}
