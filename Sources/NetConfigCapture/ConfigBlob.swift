public import RewireModel

/// Azure Backup's restore config blob (`config-<vm>-<job>.json`, a.k.a. `VMConfig.JSON`), read from its
/// bytes. See restore-procedures.md §1.7 and §6.2:
///
/// - UTF-16LE **without** a BOM, CRLF line ends, padded with NULs to a multiple of 512 bytes (a page
///   blob), which is why the docs read it with `Get-Content -Raw -Encoding Unicode` and `.TrimEnd([char]0x00)`.
///   A BOM or plain UTF-8 (a blob someone re-saved) is accepted too.
/// - ARM blobs are a .NET Compute SDK `VirtualMachine` serialised without the flattening converter, so the
///   top-level keys are literal dotted names (`"properties.storageProfile"`). Blobs before 2017 use the older
///   SDK's names (`HardwareProfile.VirtualMachineSize`, `StorageProfile.OSDisk.VirtualHardDisk.Uri`). Keys are
///   matched ignoring case, as PowerShell does (the docs themselves write `'properties.StorageProfile'`).
/// - Classic blobs are XML with root `PersistentVMRole`: recognised here, parsed by the classic reader.
public enum ConfigBlob {
    /// What a config blob holds.
    public enum Content: Sendable, Equatable {
        case arm(RestoredVMConfig)
        /// A classic (Service Management) blob: the decoded XML text, for the classic XML reader.
        case classic(xml: String)
    }

    /// Decodes and parses a config blob.
    public static func parse(_ bytes: [UInt8]) throws(ConfigBlobError) -> Content {
        let text = try decodeText(bytes)
        let start = text.firstIndex { !$0.isWhitespace } ?? text.endIndex
        if text[start...].hasPrefix("<") {
            guard text.contains("<PersistentVMRole") else {
                throw ConfigBlobError(
                    code: "configBlob.xml.unknownRoot",
                    message: "an XML config blob must have the root element PersistentVMRole (a classic VM's blob)")
            }
            return .classic(xml: String(text[start...]))
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(Array(text.utf8))
        } catch {
            throw ConfigBlobError(
                code: "configBlob.json.syntax", message: "the config blob is not valid JSON (\(error.description))",
                line: error.line)
        }
        return .arm(try essentials(of: json))
    }

    /// The essentials of any blob: ARM blobs read here, classic ones by the classic XML reader
    /// (`ClassicCapture.restoredVMConfig(fromXML:file:)`: role size, OS, VHDs, LUN 0 where `<Lun>` is omitted).
    public static func essentials(_ bytes: [UInt8]) throws(ConfigBlobError) -> RestoredVMConfig {
        switch try parse(bytes) {
        case .arm(let config): return config
        case .classic(let xml):
            do {
                return try ClassicCapture.restoredVMConfig(fromXML: xml, file: "config blob")
            } catch {
                throw ConfigBlobError(code: "configBlob.classic", message: error.message, line: error.location.line)
            }
        }
    }

    /// The blob's text: UTF-16LE (with or without BOM) or UTF-8, trailing NULs removed, CRLF kept (JSON and
    /// XML both treat it as whitespace).
    static func decodeText(_ bytes: [UInt8]) throws(ConfigBlobError) -> String {
        var body = bytes[...]
        let utf8: [UInt8]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) {
            utf8 = Array(body.dropFirst(3))
        } else if body.starts(with: [0xFF, 0xFE]) || looksLikeUTF16LE(body) {
            if body.starts(with: [0xFF, 0xFE]) { body = body.dropFirst(2) }
            // The padding is whole NUL code units (a 512-byte boundary is even); drop them before decoding.
            while body.count >= 2, body[body.endIndex - 1] == 0, body[body.endIndex - 2] == 0 {
                body = body.dropLast(2)
            }
            do {
                utf8 = try TextDecoding.transcodeUTF16(body, littleEndian: true)
            } catch {
                throw ConfigBlobError(
                    code: "configBlob.encoding", message: "the config blob is not valid UTF-16LE: \(error.message)")
            }
        } else {
            utf8 = Array(body)
        }
        var end = utf8.endIndex
        while end > 0, utf8[end - 1] == 0 { end -= 1 }
        guard end > 0 else {
            throw ConfigBlobError(code: "configBlob.empty", message: "the config blob is empty (only NUL padding)")
        }
        guard let text = String(validating: utf8[..<end], as: UTF8.self) else {
            throw ConfigBlobError(code: "configBlob.encoding", message: "the config blob is neither UTF-16LE nor UTF-8")
        }
        return text
    }

    /// UTF-16LE text of ASCII-range JSON or XML starts with a character byte followed by a zero byte.
    private static func looksLikeUTF16LE(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= 2 else { return false }
        let first = bytes[bytes.startIndex]
        return first != 0 && bytes[bytes.startIndex + 1] == 0
    }

    // MARK: - Essentials

    static func essentials(of json: JSONValue) throws(ConfigBlobError) -> RestoredVMConfig {
        guard let members = json.members else {
            throw ConfigBlobError(
                code: "configBlob.shape",
                message: "the config blob must be a JSON object, found \(json.kindDescription)")
        }
        let dotted = members.contains { $0.key.lowercased().hasPrefix("properties.") }
        if dotted { return dottedEssentials(json) }
        if json.member(ignoringCase: "HardwareProfile") != nil || json.member(ignoringCase: "StorageProfile") != nil {
            return legacyEssentials(json)
        }
        throw ConfigBlobError(
            code: "configBlob.shape",
            message:
                "the config blob has neither dotted keys ('properties.storageProfile') nor older keys ('StorageProfile')"
        )
    }

    private static func dottedEssentials(_ json: JSONValue) -> RestoredVMConfig {
        let hardware = json.member(ignoringCase: "properties.hardwareProfile")
        let storage = json.member(ignoringCase: "properties.storageProfile")
        let network = json.member(ignoringCase: "properties.networkProfile")
        let osDisk = storage?.member(ignoringCase: "osDisk").flatMap(nonNull)
        var config = RestoredVMConfig(format: .armDotted)
        config.vmSize = hardware?.member(ignoringCase: "vmSize")?.stringValue
        config.osType = osDisk?.member(ignoringCase: "osType")?.stringValue
        config.osDisk = osDisk.map(dottedDisk)
        config.dataDisks = (storage?.member(ignoringCase: "dataDisks")?.arrayValue ?? []).map(dottedDisk)
            .sorted { ($0.lun ?? 0) < ($1.lun ?? 0) }
        config.networkInterfaces = (network?.member(ignoringCase: "networkInterfaces")?.arrayValue ?? []).compactMap {
            nic in
            guard let id = nic.member(ignoringCase: "id")?.stringValue else { return nil }
            // The NIC reference is itself an SDK object: its `primary` is written as "properties.primary".
            let primary =
                nic.member(ignoringCase: "properties.primary")?.boolValue
                ?? nic.member(ignoringCase: "primary")?.boolValue ?? false
            return NetworkInterfaceReference(id: id, primary: primary)
        }
        config.location = json.member(ignoringCase: "location")?.stringValue
        config.tags = tags(json.member(ignoringCase: "tags"))
        return config
    }

    private static func dottedDisk(_ disk: JSONValue) -> RestoredVMConfigDisk {
        RestoredVMConfigDisk(
            name: disk.member(ignoringCase: "name")?.stringValue,
            lun: disk.member(ignoringCase: "lun")?.intValue,
            vhdUri: nonEmpty(disk.member(ignoringCase: "vhd")?.member(ignoringCase: "uri")?.stringValue),
            managedDiskId: nonEmpty(disk.member(ignoringCase: "managedDisk")?.member(ignoringCase: "id")?.stringValue),
            sizeGB: disk.member(ignoringCase: "diskSizeGB")?.intValue,
            caching: disk.member(ignoringCase: "caching")?.stringValue)
    }

    /// The Aug-2016 docs read `$obj.HardwareProfile.VirtualMachineSize`, `StorageProfile.OSDisk.VirtualHardDisk.Uri`,
    /// `OSDisk.OperatingSystemType` and `DataDisks[].VirtualHardDisk.Uri` (restore-procedures.md §1.7).
    private static func legacyEssentials(_ json: JSONValue) -> RestoredVMConfig {
        let storage = json.member(ignoringCase: "StorageProfile")
        let osDisk = storage?.member(ignoringCase: "OSDisk").flatMap(nonNull)
        var config = RestoredVMConfig(format: .armLegacy)
        config.vmSize =
            json.member(ignoringCase: "HardwareProfile")?.member(ignoringCase: "VirtualMachineSize")?.stringValue
        config.osType = osDisk?.member(ignoringCase: "OperatingSystemType")?.stringValue
        config.osDisk = osDisk.map(legacyDisk)
        config.dataDisks = (storage?.member(ignoringCase: "DataDisks")?.arrayValue ?? []).map(legacyDisk)
            .sorted { ($0.lun ?? 0) < ($1.lun ?? 0) }
        let nics =
            json.member(ignoringCase: "NetworkProfile")?.member(ignoringCase: "NetworkInterfaces")?.arrayValue ?? []
        config.networkInterfaces = nics.compactMap { nic in
            guard let id = (nic.member(ignoringCase: "ReferenceUri") ?? nic.member(ignoringCase: "Id"))?.stringValue
            else {
                return nil
            }
            return NetworkInterfaceReference(id: id, primary: nic.member(ignoringCase: "Primary")?.boolValue ?? false)
        }
        config.location = json.member(ignoringCase: "Location")?.stringValue
        config.tags = tags(json.member(ignoringCase: "Tags"))
        return config
    }

    private static func legacyDisk(_ disk: JSONValue) -> RestoredVMConfigDisk {
        RestoredVMConfigDisk(
            name: disk.member(ignoringCase: "Name")?.stringValue,
            lun: disk.member(ignoringCase: "Lun")?.intValue,
            vhdUri: nonEmpty(disk.member(ignoringCase: "VirtualHardDisk")?.member(ignoringCase: "Uri")?.stringValue),
            sizeGB: disk.member(ignoringCase: "DiskSizeGB")?.intValue,
            caching: disk.member(ignoringCase: "Caching")?.stringValue)
    }

    private static func nonNull(_ value: JSONValue) -> JSONValue? { value.isNull ? nil : value }

    private static func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.isEmpty else { return nil }
        return text
    }

    private static func tags(_ value: JSONValue?) -> [String: String] {
        var result: [String: String] = [:]
        for member in value?.members ?? [] {
            if let text = member.value.stringValue { result[member.key] = text }
        }
        return result
    }
}

/// A config blob that cannot be read, with what to do about it.
public struct ConfigBlobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable, dotted identifier (`configBlob.json.syntax`).
    public var code: String
    public var message: String
    /// The line of the decoded text, for syntax errors.
    public var line: Int?

    public init(code: String, message: String, line: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
    }

    public var description: String {
        var text = message
        if let line { text = "line \(line): " + text }
        return text
            + " (expected Azure Backup's restore config blob: UTF-16LE JSON or PersistentVMRole XML, NUL-padded)"
    }
}
