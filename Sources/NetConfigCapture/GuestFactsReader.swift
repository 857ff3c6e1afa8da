import RewireModel

/// One guest-facts document (docs/guest-facts.md): which VM it describes and what it says.
struct GuestFactsDocument: Sendable, Equatable {
    /// `vm`: the VM's name.
    var vmName: String?
    /// `vmId`: the VM's ARM id or its `vmId` GUID (both are in the instance metadata service's answer).
    var vmId: String?
    /// `resourceGroup`: tells two VMs of the same name apart.
    var resourceGroup: String?
    var facts: GuestFacts

    /// How the document names its VM, for messages.
    var subject: String {
        if let vmId { return "vmId '\(vmId)'" }
        if let resourceGroup, let vmName { return "VM '\(vmName)' in resource group '\(resourceGroup)'" }
        return "VM '\(vmName ?? "")'"
    }
}

/// Reads the small versioned JSON document rewire's guest collection scripts write:
///
/// ```json
/// {"rewireGuestFacts": 1, "vm": "web01", "networkDrives": ["Z: \\\\files\\share"], "proxy": ""}
/// ```
///
/// A document says which version of the format it is; a newer version than this reader knows is refused
/// rather than half read. Member names are matched ignoring case (a collection script may be hand-edited).
enum GuestFactsReader {
    static let marker = "rewireGuestFacts"
    static let version = 1
    static let identityFields = ["vm", "vmId", "resourceGroup", "collectedAt"]
    static let factFields = [
        "networkDrives", "clusterSharedVolumes", "scaleOutFileServer", "luksVolumes", "proxy", "agentProxy", "osCaption",
    ]

    /// Whether a JSON object is a guest-facts document: it has a `rewireGuestFacts` member (even null).
    static func isDocument(_ node: ResourceNode) -> Bool {
        guard case .object(let members) = node.value else { return false }
        return members.contains { JSONValue.equalsIgnoringASCIICase($0.key, marker) }
    }

    static func read(_ node: ResourceNode, findings: inout [Finding]) throws(CaptureError) -> GuestFactsDocument {
        guard case .object(let members) = node.value,
            let versionMember = members.last(where: { JSONValue.equalsIgnoringASCIICase($0.key, marker) })
        else {
            throw node.shapeError("expected a guest-facts document ({\"\(marker)\": \(version), ...})")
        }
        let versionNode = node.child(versionMember.value, versionMember.key)
        guard let found = versionNode.value.intValue, case .number = versionNode.value else {
            throw versionNode.shapeError("expected the guest-facts format version as a number (\(version)), found \(versionNode.value.kindDescription)")
        }
        guard found == version else {
            throw versionNode.shapeError(
                "guest-facts format version \(found) is not one this rewire reads (it reads version \(version))")
        }

        func text(_ name: String) throws(CaptureError) -> String? {
            guard let value = node.own([name]) else { return nil }
            guard case .string(let text) = value.value else {
                throw value.shapeError("expected a string, found \(value.value.kindDescription)")
            }
            return text
        }
        func flag(_ name: String) throws(CaptureError) -> Bool? {
            guard let value = node.own([name]) else { return nil }
            guard case .bool(let flag) = value.value else {
                throw value.shapeError("expected true or false, found \(value.value.kindDescription)")
            }
            return flag
        }
        func list(_ name: String) throws(CaptureError) -> [String]? {
            guard let value = node.own([name]) else { return nil }
            var out: [String] = []
            for item in try value.array() where !item.value.isNull {
                guard case .string(let text) = item.value else {
                    throw item.shapeError("expected a string, found \(item.value.kindDescription)")
                }
                out.append(text)
            }
            return out
        }

        let vmName = try text("vm").flatMap { $0.isEmpty ? nil : $0 }
        let vmId = try text("vmId").flatMap { $0.isEmpty ? nil : $0 }
        guard vmName != nil || vmId != nil else {
            throw node.shapeError("expected \"vm\" (the VM's name) or \"vmId\" (its ARM id or vmId GUID) in the guest-facts document")
        }
        let known = ([marker] + identityFields + factFields).map { $0.lowercased() }
        let unknown = members.map(\.key).filter { !known.contains($0.lowercased()) }
        if !unknown.isEmpty {
            findings.append(
                Finding(
                    severity: .warning, code: "guestFacts.unknown-field",
                    message:
                        "the guest-facts document for \(vmId.map { "vmId '\($0)'" } ?? "VM '\(vmName ?? "")'") has field(s) rewire does not know, ignored: \(unknown.joined(separator: ", "))",
                    vm: vmName, action: "Check the spelling against docs/guest-facts.md.", location: node.location))
        }
        let facts = GuestFacts(
            networkDrives: try list("networkDrives"), clusterSharedVolumes: try flag("clusterSharedVolumes"),
            scaleOutFileServer: try flag("scaleOutFileServer"), luksVolumes: try list("luksVolumes"),
            proxy: try text("proxy"), agentProxy: try text("agentProxy"), osCaption: try text("osCaption"))
        return GuestFactsDocument(
            vmName: vmName, vmId: vmId, resourceGroup: try text("resourceGroup").flatMap { $0.isEmpty ? nil : $0 },
            facts: facts)
    }
}
