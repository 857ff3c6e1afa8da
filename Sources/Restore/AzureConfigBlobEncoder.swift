public import RewireModel

/// Writes a VM's restore config blob the way Azure Backup does (restore-procedures.md §6.2): the .NET
/// Compute SDK's `VirtualMachine` with literal dotted top-level keys, most members null, the network
/// section only NIC ids and primary flags, as UTF-16LE without BOM, CRLF line ends, NUL-padded to a
/// multiple of 512 characters (1024 bytes, which is also a multiple of the 512-byte page size). The local
/// vault stores this so that restoring from it exercises the same reader as an Azure restore.
public enum AzureConfigBlobEncoder {
    public static func encode(_ vm: VirtualMachine) -> [UInt8] {
        func disk(_ disk: Disk, os: Bool) -> JSONValue {
            var members: [JSONMember] = []
            if let lun = disk.lun, !os { members.append(JSONMember("lun", .number(String(lun)))) }
            if os { members.append(JSONMember("osType", .string(vm.osType.rawValue))) }
            if os { members.append(JSONMember("encryptionSettings", .null)) }
            members += [
                JSONMember("name", .string(disk.name)),
                JSONMember("vhd", .object([JSONMember("uri", .string(disk.vhdUri ?? ""))])),
                JSONMember("image", .null),
                JSONMember("caching", disk.caching.map(JSONValue.string) ?? .null),
                JSONMember("writeAcceleratorEnabled", .bool(disk.writeAcceleratorEnabled)),
                JSONMember("createOption", .string("Attach")),
                JSONMember("diskSizeGB", disk.sizeGB.map { .number(String($0)) } ?? .null),
                // A managed restore leaves managedDisk null: the new disk is found by name (§6.2).
                JSONMember("managedDisk", .null),
            ]
            if os { members.append(JSONMember("diffDiskSettings", .null)) }
            return .object(members)
        }
        let nics = vm.networkInterfaces.map { nic in
            JSONValue.object([JSONMember("properties.primary", .bool(nic.primary)), JSONMember("id", .string(nic.id))])
        }
        var nullMembers: [JSONMember] = []
        for key in [
            "plan", "properties.additionalCapabilities", "properties.osProfile", "properties.securityProfile",
            "properties.diagnosticsProfile", "properties.availabilitySet", "properties.virtualMachineScaleSet",
            "properties.proximityPlacementGroup", "properties.priority", "properties.evictionPolicy",
            "properties.billingProfile", "properties.host", "properties.hostGroup", "properties.provisioningState",
            "properties.instanceView", "properties.licenseType", "properties.vmId", "properties.extensionsTimeBudget",
            "resources", "identity", "zones", "id", "name", "type",
        ] {
            nullMembers.append(JSONMember(key, .null))
        }
        let document = JSONValue.object(
            nullMembers + [
                JSONMember("properties.hardwareProfile", .object([JSONMember("vmSize", .string(vm.size))])),
                JSONMember(
                    "properties.storageProfile",
                    .object([
                        JSONMember("imageReference", .null),
                        JSONMember("osDisk", disk(vm.osDisk, os: true)),
                        JSONMember("dataDisks", .array(vm.dataDisks.map { disk($0, os: false) })),
                    ])),
                JSONMember("properties.networkProfile", .object([JSONMember("networkInterfaces", .array(nics))])),
                JSONMember("location", .string(vm.location)),
                JSONMember("tags", .object(vm.tags.keys.sorted().map { JSONMember($0, .string(vm.tags[$0]!)) })),
            ])
        var text: [UInt16] = []
        let rendered = String(decoding: CanonicalJSON.render(document), as: UTF8.self)
        for unit in rendered.utf16 {
            if unit == 0x0A { text.append(0x0D) }
            text.append(unit)
        }
        // CanonicalJSON ends with a newline; Newtonsoft does not.
        while text.last == 0x0A || text.last == 0x0D { text.removeLast() }
        let padded = (text.count + 511) / 512 * 512
        text += [UInt16](repeating: 0, count: padded - text.count)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count * 2)
        for unit in text {
            bytes.append(UInt8(truncatingIfNeeded: unit))
            bytes.append(UInt8(truncatingIfNeeded: unit >> 8))
        }
        return bytes
    }
}
