public import RewireModel

/// How to read an input file. `auto` decides per file from its content.
public enum InputFormat: String, Sendable, CaseIterable {
    case auto
    /// ARM REST bodies (with the `properties` wrapper), or PowerShell `ConvertTo-Json`.
    case arm
    /// Azure CLI output (flattened, with `resourceGroup`).
    case azcli
    /// Classic Service Management XML.
    case classic
}

public struct CaptureOptions: Sendable {
    public var format: InputFormat
    /// Capture only these VMs (and what they reference); empty means every VM in the input.
    public var vmNames: [String]
    /// VMs named as domain controllers (`--domain-controller`); see `DomainControllerInputs`.
    public var domainControllers: [String]

    public init(format: InputFormat = .auto, vmNames: [String] = [], domainControllers: [String] = []) {
        self.format = format
        self.vmNames = vmNames
        self.domainControllers = domainControllers
    }
}

/// Turns input documents into one `Manifest`. Feed it files one at a time (`add`), then `finish`:
/// each document is parsed, its resources read, and the parse tree dropped before the next, so
/// memory follows the estate, not the input.
public struct Capture: Sendable {
    public let options: CaptureOptions
    var estate = Estate()
    var classic = ClassicEstate()
    var domainControllers = DomainControllerInputs()

    public init(options: CaptureOptions = CaptureOptions()) {
        self.options = options
    }

    /// Reads one document. `file` is the name used in findings and errors.
    public mutating func add(file: String, bytes: [UInt8]) throws(CaptureError) {
        let detected = DocumentSniffer.format(of: bytes)
        if detected == .xml, DomainControllerCLIXML.looksLikeCLIXML(bytes) {
            return try domainControllers.add(file: file, bytes: bytes)  // a companion input, whatever --format says
        }
        switch (options.format, detected) {
        case (_, .empty):
            throw CaptureError(.unrecognized, SourceLocation(file: file), "expected JSON or XML, found an empty file")
        case (_, .other):
            throw CaptureError(
                .syntax, SourceLocation(file: file, line: 1),
                "expected JSON or XML: the text starts with neither '{', '[' nor '<'")
        case (.classic, .json):
            throw CaptureError(.unrecognized, SourceLocation(file: file), "expected classic XML (--format classic), found JSON")
        case (.arm, .xml), (.azcli, .xml):
            throw CaptureError(
                .unrecognized, SourceLocation(file: file), "expected JSON (--format \(options.format.rawValue)), found XML")
        case (_, .xml):
            try classic.add(file: file, bytes: bytes)
        case (_, .json):
            try addJSON(file: file, bytes: bytes)
        }
    }

    mutating func addJSON(file: String, bytes: [UInt8]) throws(CaptureError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            throw CaptureError(.syntax, SourceLocation(file: file, line: error.line, column: error.column), error.message)
        }
        let root = ResourceNode(value: document, file: file, path: "$")
        for resource in try Self.resources(in: root) {
            try estate.add(resource)
        }
    }

    /// The resources of a document: a single resource, a list body (`{"value": [...]}`), or a bare
    /// array. A list body's `nextLink` is ignored: the caller fetched or exported every page.
    static func resources(in root: ResourceNode) throws(CaptureError) -> [ResourceNode] {
        switch root.value {
        case .array:
            return try root.array().filter { !$0.value.isNull }
        case .object:
            if root.own(["id"]) != nil || Estate.isDocumentWithoutID(root) { return [root] }
            if let list = root.own(["value"]), case .array = list.value {
                return try list.array().filter { !$0.value.isNull }
            }
            if root.own(["value"]) == nil, case .object(let members) = root.value, members.isEmpty || members.allSatisfy({ $0.key == "nextLink" }) {
                return []
            }
            throw root.shapeError(
                "expected an Azure resource (an object with \"id\"), a list body ({\"value\": [...]}) or an array of resources")
        default:
            throw root.shapeError("expected an Azure resource, a list body or an array, found \(root.value.kindDescription)")
        }
    }

    /// Joins everything added so far into the manifest. Consuming: the read resources are moved
    /// into the manifest, not copied.
    public consuming func finish() throws(CaptureError) -> Manifest {
        var estate = taking(&self.estate, leaving: Estate())
        if !classic.isEmpty { estate.add(taking(&self.classic, leaving: ClassicEstate()).resolve()) }
        var manifest = try (consume estate).manifest(vmNames: options.vmNames)
        try domainControllers.apply(to: &manifest, commandLine: options.domainControllers)
        return manifest
    }
}

/// What a document looks like from its first meaningful bytes.
enum DocumentSniffer {
    enum Kind { case json, xml, empty, other }

    static func format(of bytes: [UInt8]) -> Kind {
        var index = 0
        var stride = 1
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            index = 3
        } else if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            index = bytes[0] == 0xFF ? 2 : 3
            stride = 2
        } else if bytes.count >= 2, bytes[0] != 0, bytes[1] == 0 {
            stride = 2  // UTF-16LE without a BOM (the restore config blob)
        } else if bytes.count >= 2, bytes[0] == 0, bytes[1] != 0 {
            index = 1
            stride = 2
        }
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += stride
            case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
            case UInt8(ascii: "<"): return .xml
            case 0: return bytes[index...].allSatisfy { $0 == 0 } ? .empty : .other
            default: return .other
            }
        }
        return .empty
    }
}
