public import RewireModel

/// One domain controller as `Get-ADDomainController -Filter * | Export-Clixml` describes it.
public struct DomainControllerRecord: Sendable, Equatable {
    /// `HostName`, e.g. `DC01.corp.contoso.com` (falls back to `Name`).
    public var hostName: String
    public var domain: String?
    public var forest: String?
    public var site: String?
    public var isGlobalCatalog: Bool?
    public var isReadOnly: Bool?
    public var ipv4Address: String?
    /// `OperationMasterRoles`, by their enum names (`PDCEmulator`, `RIDMaster`, ...).
    public var operationMasterRoles: [String]
    public var location: SourceLocation

    public init(
        hostName: String, domain: String? = nil, forest: String? = nil, site: String? = nil,
        isGlobalCatalog: Bool? = nil,
        isReadOnly: Bool? = nil, ipv4Address: String? = nil, operationMasterRoles: [String] = [],
        location: SourceLocation
    ) {
        self.hostName = hostName
        self.domain = domain
        self.forest = forest
        self.site = site
        self.isGlobalCatalog = isGlobalCatalog
        self.isReadOnly = isReadOnly
        self.ipv4Address = ipv4Address
        self.operationMasterRoles = operationMasterRoles
        self.location = location
    }

    /// The host name's first label (`DC01` of `DC01.corp.contoso.com`).
    public var shortName: String {
        String(hostName.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }
}

/// Reads the CLIXML (PowerShell's serialization, MS-PSRP §2.2.5) that
/// `Get-ADDomainController -Filter * | Export-Clixml dcs.xml` writes:
///
/// ```xml
/// <Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
///   <Obj RefId="0">
///     <TN RefId="0"><T>Microsoft.ActiveDirectory.Management.ADDomainController</T>...</TN>
///     <Props>
///       <S N="HostName">DC01.corp.contoso.com</S> <S N="Domain">corp.contoso.com</S>
///       <B N="IsGlobalCatalog">true</B> <Nil N="IPv6Address" />
///       <Obj N="OperationMasterRoles" RefId="1"><TN RefId="1">...</TN>
///         <LST><Obj RefId="2"><TN RefId="2"><T>...ADOperationMasterRole</T>...</TN>
///           <ToString>PDCEmulator</ToString><I32>0</I32></Obj>...</LST></Obj>
///     </Props>
///   </Obj>
/// </Objs>
/// ```
///
/// Type names are written once and referred to by `<TNRef RefId>` afterwards; an object written
/// twice becomes `<Ref RefId>`. Properties may sit in `<Props>` (adapted) or `<MS>` (extended).
/// Strings escape control characters as `_xHHHH_`. Parsed through `XMLDocument` (libxml2 with
/// entities and DTDs refused), so hostile input ends in a `CaptureError`.
public enum DomainControllerCLIXML {
    public static let namespace = "http://schemas.microsoft.com/powershell/2004/04"
    /// An export of a few thousand DCs is far below this.
    public static let maximumDocumentSize = 16 * 1024 * 1024

    /// `Microsoft.ActiveDirectory.Management.ADOperationMasterRole` by value, for an enum written
    /// without its `<ToString>`.
    static let operationMasterRoleNames = [
        "PDCEmulator", "RIDMaster", "InfrastructureMaster", "SchemaMaster", "DomainNamingMaster",
    ]

    /// True when the document's start looks like CLIXML (`<Objs` or the PowerShell namespace):
    /// such a file goes to this reader whatever `--format` says, so that a CLIXML with a wrong
    /// namespace gets this reader's message, not the classic reader's.
    public static func looksLikeCLIXML(_ bytes: [UInt8]) -> Bool {
        let head = bytes.prefix(4096).filter { $0 != 0 }  // UTF-16 text of ASCII markup, crudely narrowed
        return contains(head, "<Objs") || contains(head, "schemas.microsoft.com/powershell/2004/04")
    }

    private static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start] == pattern[0] {
            if haystack[start..<(start + pattern.count)].elementsEqual(pattern) { return true }
        }
        return false
    }

    /// Parses one export. Throws `.syntax` for XML that is not well-formed, unsafe or too large,
    /// `.unrecognized` for another root, namespace or object type, `.shape` for a DC without a host name.
    public static func records(
        from bytes: [UInt8], file: String, maximumSize: Int = maximumDocumentSize
    ) throws(CaptureError) -> [DomainControllerRecord] {
        let xml: XMLDocument
        do {
            xml = try XMLDocument.parse(bytes, maximumSize: maximumSize)
        } catch {
            throw CaptureError(
                .syntax,
                SourceLocation(
                    file: file, line: error.line > 0 ? error.line : nil, column: error.column > 0 ? error.column : nil),
                error.message)
        }
        return try records(from: xml, file: file)
    }

    public static func records(from xml: XMLDocument, file: String) throws(CaptureError) -> [DomainControllerRecord] {
        let root = xml.root
        guard root.localName == "Objs" else {
            throw CaptureError(
                .unrecognized, SourceLocation(file: file, line: root.line),
                "expected a CLIXML export (root <Objs> of Get-ADDomainController -Filter * | Export-Clixml), found <\(root.localName)>"
            )
        }
        guard root.namespace == namespace else {
            throw CaptureError(
                .unrecognized, SourceLocation(file: file, line: root.line),
                "expected <Objs> in namespace '\(namespace)', found \(root.namespace.map { "'\($0)'" } ?? "no namespace")"
            )
        }
        var reader = Reader(file: file)
        var records: [DomainControllerRecord] = []
        for child in root.children where child.namespace == namespace {
            switch child.localName {
            case "Obj":
                reader.remember(child)
                records.append(try reader.domainController(child))
            case "Ref":
                continue  // the same object again
            default:
                throw CaptureError(
                    .unrecognized, SourceLocation(file: file, line: child.line),
                    "expected <Obj> elements (domain controllers) inside <Objs>, found <\(child.localName)>")
            }
        }
        return records
    }

    /// Decodes `_xHHHH_` escapes (how CLIXML writes control characters and a literal `_x`).
    public static func unescape(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            if scalars[index] == "_", index + 6 < scalars.count, scalars[index + 1] == "x", scalars[index + 6] == "_",
                let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 2)..<(index + 6)])), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                out.append(scalar)
                index += 7
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return String(out)
    }

    private struct Reader {
        let file: String
        /// `<TN RefId>` → its type names, `<Obj RefId>` → the object: what `<TNRef>` and `<Ref>` point at.
        var typeNames: [String: [String]] = [:]
        var objects: [String: XMLElement] = [:]

        init(file: String) {
            self.file = file
        }

        func at(_ element: XMLElement) -> SourceLocation { SourceLocation(file: file, line: element.line) }

        /// Records every `TN` and `Obj` with a `RefId` in `element`'s subtree, in document order.
        mutating func remember(_ element: XMLElement) {
            if let id = element.attribute("RefId") {
                if element.localName == "TN", typeNames[id] == nil {
                    typeNames[id] = element.children("T").map { DomainControllerCLIXML.unescape($0.text) }
                } else if element.localName == "Obj", objects[id] == nil {
                    objects[id] = element
                }
            }
            for child in element.children { remember(child) }
        }

        func types(of object: XMLElement) -> [String]? {
            if let tn = object.child("TN") {
                return tn.children("T").map { DomainControllerCLIXML.unescape($0.text) }
            }
            if let reference = object.child("TNRef")?.attribute("RefId") { return typeNames[reference] ?? [] }
            return nil
        }

        /// `<Ref RefId>` resolved to the object it repeats.
        func resolved(_ element: XMLElement) -> XMLElement {
            guard element.localName == "Ref", let id = element.attribute("RefId"), let object = objects[id] else {
                return element
            }
            return object
        }

        func domainController(_ object: XMLElement) throws(CaptureError) -> DomainControllerRecord {
            // `Selected.…ADDomainController` (after Select-Object) and `Deserialized.…` (re-exported)
            // end the same way; a PSCustomObject is accepted when it carries the DC's properties.
            if let types = types(of: object), !types.isEmpty,
                !types.contains(where: {
                    $0.hasSuffix("ADDomainController") || $0 == "System.Management.Automation.PSCustomObject"
                })
            {
                throw CaptureError(
                    .unrecognized, at(object),
                    "expected Get-ADDomainController objects (type Microsoft.ActiveDirectory.Management.ADDomainController), found \(types[0])"
                )
            }
            var properties: [String: XMLElement] = [:]
            for group in object.children where group.localName == "Props" || group.localName == "MS" {
                for property in group.children {
                    guard let name = property.attribute("N") else { continue }
                    if properties[name.lowercased()] == nil { properties[name.lowercased()] = resolved(property) }
                }
            }
            func string(_ name: String) throws(CaptureError) -> String? {
                guard let element = properties[name.lowercased()], element.localName != "Nil" else { return nil }
                guard element.localName == "S" else {
                    throw CaptureError(
                        .shape, at(element),
                        "expected <S N=\"\(name)\"> (a string) for the DC's \(name), found <\(element.localName)>")
                }
                let text = DomainControllerCLIXML.unescape(element.text).trimmingXMLWhitespace()
                return text.isEmpty ? nil : text
            }
            func bool(_ name: String) throws(CaptureError) -> Bool? {
                guard let element = properties[name.lowercased()], element.localName != "Nil" else { return nil }
                guard element.localName == "B" else {
                    throw CaptureError(
                        .shape, at(element),
                        "expected <B N=\"\(name)\"> (true or false) for the DC's \(name), found <\(element.localName)>")
                }
                switch element.text.trimmingXMLWhitespace().lowercased() {
                case "true", "1": return true
                case "false", "0": return false
                default:
                    throw CaptureError(
                        .shape, at(element),
                        "expected true or false in <B N=\"\(name)\">, found '\(element.text.trimmingXMLWhitespace())'")
                }
            }
            var hostName = try string("HostName")
            if hostName == nil { hostName = try string("Name") }
            guard let hostName else {
                throw CaptureError(
                    .shape, at(object),
                    "expected <S N=\"HostName\"> in the domain controller object (Get-ADDomainController output)")
            }
            return DomainControllerRecord(
                hostName: hostName, domain: try string("Domain"), forest: try string("Forest"),
                site: try string("Site"),
                isGlobalCatalog: try bool("IsGlobalCatalog"), isReadOnly: try bool("IsReadOnly"),
                ipv4Address: try string("IPv4Address"),
                operationMasterRoles: try roles(properties["operationmasterroles"]), location: at(object))
        }

        /// `OperationMasterRoles`: a collection (`<LST>`, `<IE>`) of enum objects (`<ToString>` and
        /// `<I32>`), bare `<I32>` values or strings; a single role may also stand alone.
        func roles(_ element: XMLElement?) throws(CaptureError) -> [String] {
            guard let element, element.localName != "Nil" else { return [] }
            var items: [XMLElement] = []
            if element.localName == "Obj" {
                let lists = element.children.filter { ["LST", "IE", "STK", "QUE"].contains($0.localName) }
                if lists.isEmpty { items = [element] } else { items = lists.flatMap(\.children) }
            } else {
                items = [element]
            }
            var names: [String] = []
            for item in items.map(resolved) {
                let name: String?
                switch item.localName {
                case "S": name = DomainControllerCLIXML.unescape(item.text).trimmingXMLWhitespace()
                case "I32", "I64", "U32", "By", "SB", "I16", "U16": name = roleName(item)
                case "Obj":
                    name =
                        item.child("ToString").map { DomainControllerCLIXML.unescape($0.text).trimmingXMLWhitespace() }
                        ?? item.children.first { ["I32", "I64", "U32", "By"].contains($0.localName) }.flatMap(roleName)
                case "Nil": name = nil
                default: name = nil
                }
                guard let name, !name.isEmpty else {
                    throw CaptureError(
                        .shape, at(item),
                        "expected an operation master role (a <ToString> name or an <I32> value 0-4) in OperationMasterRoles, found <\(item.localName)>"
                    )
                }
                let canonical = DomainControllerRoleNames.canonical(name) ?? name
                if !names.contains(canonical) { names.append(canonical) }
            }
            return names
        }

        func roleName(_ element: XMLElement) -> String? {
            guard let value = Int(element.text.trimmingXMLWhitespace()),
                DomainControllerCLIXML.operationMasterRoleNames.indices.contains(value)
            else { return nil }
            return DomainControllerCLIXML.operationMasterRoleNames[value]
        }
    }
}

/// The five FSMO role names, matched case-insensitively (tags and hand-edited exports vary).
enum DomainControllerRoleNames {
    static let all = ["SchemaMaster", "DomainNamingMaster", "PDCEmulator", "RIDMaster", "InfrastructureMaster"]

    static func canonical(_ name: String) -> String? {
        let key = name.lowercased().filter { $0.isLetter }
        let aliases = [
            "pdc": "PDCEmulator", "rid": "RIDMaster", "infrastructure": "InfrastructureMaster",
            "schema": "SchemaMaster",
            "domainnaming": "DomainNamingMaster", "naming": "DomainNamingMaster",
        ]
        if let alias = aliases[key] { return alias }
        return all.first { $0.lowercased() == key }
    }
}
