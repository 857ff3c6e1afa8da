import Foundation
public import RewireModel

/// A local vault: the embedded default backend (docs/local-vault.md). One folder per VM, one folder per
/// recovery point inside it:
///
/// ```
/// VAULT/vault.json                              {"format": "rewire-local-vault", "schemaVersion": 1}
/// VAULT/<vm>/<recovery point id>/recoverypoint.json
/// VAULT/<vm>/<recovery point id>/config-<vm>.json  the config blob, in Azure's format (UTF-16LE, NUL-padded)
/// VAULT/<vm>/<recovery point id>/<disk>.vhd        fixed VHDs, usually sparse
/// VAULT/<vm>/<recovery point id>/SHA256SUMS        `sha256sum` format, every file but itself and the metadata
/// ```
public struct LocalVault: Sendable {
    public static let markerFileName = "vault.json"
    public static let metadataFileName = "recoverypoint.json"
    public static let checksumFileName = "SHA256SUMS"
    public static let format = "rewire-local-vault"

    /// The vault folder (absolute, as the CLI resolved it).
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func folder(vm: String) -> String { FileIO.join(root, vm) }

    public func folder(vm: String, recoveryPoint: String) -> String { FileIO.join(root, vm, recoveryPoint) }

    /// Checks that `root` is a vault (has the marker file of a known version).
    public func open() throws(RestoreError) {
        let marker = FileIO.join(root, LocalVault.markerFileName)
        guard FileIO.isDirectory(root) else {
            throw RestoreError(
                .unavailable, code: "vault.missing",
                message:
                    "no local vault here (not a directory); create one with `rewire vault MANIFEST --vault PATH ...`",
                path: root)
        }
        let bytes = try FileIO.readFile(marker)
        let info: VaultMarker
        do {
            info = try JSONDecoder().decode(VaultMarker.self, from: Data(bytes))
        } catch {
            throw RestoreError(
                .badData, code: "vault.marker",
                message: "expected {\"format\": \"\(LocalVault.format)\", \"schemaVersion\": 1}", path: marker)
        }
        guard info.format == LocalVault.format, info.schemaVersion == VaultMarker.currentSchemaVersion else {
            throw RestoreError(
                .badData, code: "vault.version",
                message:
                    "vault format '\(info.format)' version \(info.schemaVersion); this rewire reads '\(LocalVault.format)' version \(VaultMarker.currentSchemaVersion)",
                path: marker)
        }
    }

    /// Every recovery point of a VM, in folder-name order. A VM with no folder has none.
    public func recoveryPoints(vm: String) throws(RestoreError) -> [LocalVaultRecoveryPoint] {
        let vmFolder = folder(vm: vm)
        guard FileIO.isDirectory(vmFolder) else { return [] }
        var points: [LocalVaultRecoveryPoint] = []
        for name in try FileIO.listDirectory(vmFolder) where !name.hasPrefix(".") {
            let metadataPath = FileIO.join(vmFolder, name, LocalVault.metadataFileName)
            guard FileIO.exists(metadataPath) else { continue }
            let point = try recoveryPoint(at: metadataPath)
            guard point.id == name, point.vmName == vm else {
                throw RestoreError(
                    .badData, code: "vault.metadata.mismatch",
                    message: "describes recovery point '\(point.id)' of VM '\(point.vmName)' but lies in \(vm)/\(name)",
                    path: metadataPath)
            }
            points.append(point)
        }
        return points
    }

    public func recoveryPoint(vm: String, id: String) throws(RestoreError) -> LocalVaultRecoveryPoint {
        try recoveryPoint(at: FileIO.join(folder(vm: vm, recoveryPoint: id), LocalVault.metadataFileName))
    }

    func recoveryPoint(at path: String) throws(RestoreError) -> LocalVaultRecoveryPoint {
        let bytes = try FileIO.readFile(path)
        do {
            let point = try JSONDecoder().decode(LocalVaultRecoveryPoint.self, from: Data(bytes))
            guard point.schemaVersion == LocalVaultRecoveryPoint.currentSchemaVersion else {
                throw RestoreError(
                    .badData, code: "vault.metadata.version",
                    message:
                        "schemaVersion \(point.schemaVersion); this rewire reads \(LocalVaultRecoveryPoint.currentSchemaVersion)",
                    path: path)
            }
            return point
        } catch let error as RestoreError {
            throw error
        } catch let error as DecodingError {
            throw RestoreError(.badData, code: "vault.metadata", message: LocalVault.describe(error), path: path)
        } catch {
            throw RestoreError(.badData, code: "vault.metadata", message: "\(error)", path: path)
        }
    }

    /// The SHA256SUMS of a recovery point: file name → lower-case hex.
    public func checksums(vm: String, recoveryPoint: String) throws(RestoreError) -> [String: String] {
        let path = FileIO.join(folder(vm: vm, recoveryPoint: recoveryPoint), LocalVault.checksumFileName)
        return try LocalVault.parseChecksums(FileIO.readFile(path), path: path)
    }

    static func parseChecksums(_ bytes: [UInt8], path: String) throws(RestoreError) -> [String: String] {
        var sums: [String: String] = [:]
        let text = String(decoding: bytes, as: UTF8.self)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, fields[0].count == 64, fields[0].allSatisfy(\.isHexDigit) else {
                throw RestoreError(
                    .badData, code: "vault.checksums",
                    message: "line \(index + 1): expected '<64 hex digits>  <file name>' (sha256sum format)", path: path
                )
            }
            var name = fields[1]
            if name.hasPrefix(" ") || name.hasPrefix("*") { name = name.dropFirst() }
            sums[String(name)] = fields[0].lowercased()
        }
        return sums
    }

    static func renderChecksums(_ sums: [String: String]) -> [UInt8] {
        Array(sums.keys.sorted().map { "\(sums[$0]!)  \($0)\n" }.joined().utf8)
    }

    /// `$.disks[0].sizeBytes: expected a number`.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("$") { text, key in
                if let index = key.intValue { return text + "[\(index)]" }
                return text + "." + key.stringValue
            }
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context.codingPath)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context.codingPath)): expected \(type), found null"
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): missing"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.underlyingError.map { "\($0)" } ?? context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

struct VaultMarker: Codable {
    static let currentSchemaVersion = 1
    var schemaVersion: Int
    var format: String
}

/// `recoverypoint.json`: one recovery point of one VM.
public struct LocalVaultRecoveryPoint: Codable, Sendable, Equatable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var id: String
    /// ISO-8601 UTC.
    public var time: String
    /// `AppConsistent`, `CrashConsistent`, `FileSystemConsistent`.
    public var type: String?
    public var vmName: String
    /// The source VM's ARM id.
    public var vmId: String
    /// File name of the config blob in this folder.
    public var configBlob: String
    /// OS disk first, then data disks by LUN.
    public var disks: [LocalVaultDisk]

    public init(
        schemaVersion: Int = LocalVaultRecoveryPoint.currentSchemaVersion, id: String, time: String, type: String?,
        vmName: String, vmId: String, configBlob: String, disks: [LocalVaultDisk]
    ) {
        self.schemaVersion = schemaVersion
        self.id = id
        self.time = time
        self.type = type
        self.vmName = vmName
        self.vmId = vmId
        self.configBlob = configBlob
        self.disks = disks
    }

    public var reference: RecoveryPointReference { RecoveryPointReference(id: id, time: time, type: type) }
}

public struct LocalVaultDisk: Codable, Sendable, Equatable {
    /// The disk's name in the manifest.
    public var name: String
    /// nil for the OS disk.
    public var lun: Int?
    /// File name in the recovery point folder.
    public var file: String
    public var sizeBytes: Int64

    public init(name: String, lun: Int?, file: String, sizeBytes: Int64) {
        self.name = name
        self.lun = lun
        self.file = file
        self.sizeBytes = sizeBytes
    }
}
