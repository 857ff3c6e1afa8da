import RewireModel

/// A JSON value with the file and JSON path it came from, and the lookups every Azure shape needs.
///
/// ARM REST bodies keep most fields under `properties`; Azure CLI output is flattened; PowerShell's
/// `ConvertTo-Json` of Az objects is flattened and PascalCase. `field` therefore looks under
/// `properties` first, then at the top level, and compares names ignoring case.
struct ResourceNode {
    let value: JSONValue
    let file: String
    let path: String

    var location: SourceLocation { SourceLocation(file: file, path: path) }

    func child(_ value: JSONValue, _ key: String) -> ResourceNode {
        ResourceNode(value: value, file: file, path: path + "." + key)
    }

    /// The first of `names` present and not null, under `properties` or at the top level.
    func field(_ names: String...) -> ResourceNode? {
        field(names)
    }

    func field(_ names: [String]) -> ResourceNode? {
        if let properties = value.member(ignoringCase: "properties"), case .object = properties {
            let holder = ResourceNode(value: properties, file: file, path: path + ".properties")
            if let found = holder.own(names) { return found }
        }
        return own(names)
    }

    /// The first of `names` present and not null at this level only.
    func own(_ names: [String]) -> ResourceNode? {
        guard case .object(let members) = value else { return nil }
        for name in names {
            if let member = members.last(where: { JSONValue.equalsIgnoringASCIICase($0.key, name) }), !member.value.isNull {
                return ResourceNode(value: member.value, file: file, path: path + "." + member.key)
            }
        }
        return nil
    }

    func own(_ names: String...) -> ResourceNode? { own(names) }

    func shapeError(_ message: String) -> CaptureError {
        CaptureError(.shape, location, message)
    }

    // MARK: typed reads; a present value of the wrong type is an error, an absent one is nil.

    func string() throws(CaptureError) -> String {
        switch value {
        case .string(let text): return text
        case .number(let text): return text
        default: throw shapeError("expected a string, found \(value.kindDescription)")
        }
    }

    func int() throws(CaptureError) -> Int {
        guard let number = value.intValue else { throw shapeError("expected an integer, found \(value.kindDescription)") }
        return number
    }

    func bool() throws(CaptureError) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        default: throw shapeError("expected true or false, found \(value.kindDescription)")
        }
    }

    /// This node when it is an object. A string where an object belongs is usually PowerShell's
    /// `ConvertTo-Json` cutting the tree at its default depth, so the message says how to export again.
    func object(_ what: String = "an object") throws(CaptureError) -> ResourceNode {
        switch value {
        case .object: return self
        case .string(let text):
            throw shapeError(
                "expected \(what), found '\(text)' (if this came from ConvertTo-Json, export again with -Depth 20)")
        default: throw shapeError("expected \(what), found \(value.kindDescription)")
        }
    }

    func array() throws(CaptureError) -> [ResourceNode] {
        guard case .array(let items) = value else { throw shapeError("expected an array, found \(value.kindDescription)") }
        return items.enumerated().map { ResourceNode(value: $1, file: file, path: path + "[\($0)]") }
    }

    /// A list of strings written either as one string or as an array (PowerShell and the REST API
    /// disagree on `sourceAddressPrefix`).
    func strings() throws(CaptureError) -> [String] {
        if case .array = value {
            var out: [String] = []
            for item in try array() where !item.value.isNull { out.append(try item.string()) }
            return out
        }
        return [try string()]
    }

    func stringMap() throws(CaptureError) -> [String: String] {
        guard case .object(let members) = value else { throw shapeError("expected an object, found \(value.kindDescription)") }
        var out: [String: String] = [:]
        for member in members {
            let node = ResourceNode(value: member.value, file: file, path: path + "." + member.key)
            out[member.key] = member.value.isNull ? "" : try node.string()
        }
        return out
    }

    /// The `id` of a sub-resource reference (`{"id": "..."}`), or the value itself when the input
    /// writes the id as a plain string.
    func referenceID() throws(CaptureError) -> String? {
        switch value {
        case .string(let text):
            // PowerShell's ConvertTo-Json stops at depth 2 by default and writes deeper objects as
            // their type name ("Microsoft.Azure.Commands.Network.Models.PSSubnet").
            guard text.hasPrefix("/") else {
                throw shapeError(
                    "expected a resource id, found '\(text)' (if this came from ConvertTo-Json, export again with -Depth 20)")
            }
            return text
        case .object:
            guard let id = own("id") else { return nil }
            return try id.string()
        default: throw shapeError("expected a resource reference ({\"id\": ...}), found \(value.kindDescription)")
        }
    }

    func referenceIDs() throws(CaptureError) -> [String] {
        var out: [String] = []
        for item in try array() {
            if let id = try item.referenceID() { out.append(id) }
        }
        return out
    }

    // MARK: optional conveniences

    func optionalString(_ names: String...) throws(CaptureError) -> String? {
        guard let node = field(names) else { return nil }
        let text = try node.string()
        return text.isEmpty ? nil : text
    }

    func optionalInt(_ names: String...) throws(CaptureError) -> Int? {
        guard let node = field(names) else { return nil }
        return try node.int()
    }

    func flag(_ names: String...) throws(CaptureError) -> Bool {
        guard let node = field(names) else { return false }
        return try node.bool()
    }

    func reference(_ names: String...) throws(CaptureError) -> String? {
        guard let node = field(names) else { return nil }
        return try node.referenceID()
    }

    func references(_ names: String...) throws(CaptureError) -> [String] {
        guard let node = field(names) else { return [] }
        return try node.referenceIDs()
    }

    func items(_ names: String...) throws(CaptureError) -> [ResourceNode] {
        guard let node = field(names) else { return [] }
        return try node.array()
    }

    func tags() throws(CaptureError) -> [String: String] {
        guard let node = field("tags", "tag") else { return [:] }
        return try node.stringMap()
    }
}
