internal import CLibXML2

/// Namespace URIs rewire reads. They are compared exactly: the `https://` renderings on some
/// learn.microsoft.com pages are a link-rewriting artifact, not what the service sends.
public enum XMLNamespace {
    /// Every Service Management compute, reserved-IP and virtual-network-list body.
    public static let windowsAzure = "http://schemas.microsoft.com/windowsazure"
    /// Get / Set Network Configuration (`/services/networking/media`).
    public static let networkConfiguration = "http://schemas.microsoft.com/ServiceHosting/2011/07/NetworkConfiguration"
    /// `i:nil`, `i:type`.
    public static let schemaInstance = "http://www.w3.org/2001/XMLSchema-instance"
}

/// One XML element copied out of libxml2's tree: names resolved to namespace URI + local name,
/// the text directly inside it (CDATA included, child elements' text not), and the 1-based line
/// of its start tag.
public struct XMLElement: Sendable, Equatable {
    /// The namespace URI, nil for an element in no namespace.
    public var namespace: String?
    public var localName: String
    public var attributes: [XMLAttribute]
    /// The element's own text nodes joined, untrimmed.
    public var text: String
    public var children: [XMLElement]
    public var line: Int

    public init(
        namespace: String?, localName: String, attributes: [XMLAttribute] = [], text: String = "",
        children: [XMLElement] = [], line: Int
    ) {
        self.namespace = namespace
        self.localName = localName
        self.attributes = attributes
        self.text = text
        self.children = children
        self.line = line
    }

    /// The first child element with this local name in `namespace` (nil: the parent's namespace).
    public func child(_ localName: String, namespace: String? = nil) -> XMLElement? {
        let uri = namespace ?? self.namespace
        return children.first { $0.localName == localName && $0.namespace == uri }
    }

    /// Every child element with this local name in `namespace` (nil: the parent's namespace).
    public func children(_ localName: String, namespace: String? = nil) -> [XMLElement] {
        let uri = namespace ?? self.namespace
        return children.filter { $0.localName == localName && $0.namespace == uri }
    }

    /// An attribute's value. `namespace` nil means an unprefixed attribute (no namespace).
    public func attribute(_ localName: String, namespace: String? = nil) -> String? {
        attributes.first { $0.localName == localName && $0.namespace == namespace }?.value
    }

    /// `i:nil="true"`: the serializer's way of writing a null scalar.
    public var isNil: Bool { isNilFlag(attribute("nil", namespace: XMLNamespace.schemaInstance)) }

    /// The text with XML whitespace trimmed; nil when the element is `i:nil` or empty. Hand-kept
    /// fixtures wrap long values onto new lines, so trimming is always right for Azure's scalars.
    public var value: String? {
        guard !isNil else { return nil }
        let trimmed = text.trimmingXMLWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// The trimmed text of a child element, nil when the child is absent, empty or `i:nil`.
    public func value(of localName: String, namespace: String? = nil) -> String? {
        child(localName, namespace: namespace)?.value
    }
}

public struct XMLAttribute: Sendable, Equatable {
    public var namespace: String?
    public var localName: String
    public var value: String

    public init(namespace: String?, localName: String, value: String) {
        self.namespace = namespace
        self.localName = localName
        self.value = value
    }
}

/// What the classic reader asks of an element. Both the copied `XMLElement` and `XMLArena.Node`
/// (built from SAX2 events, no tree) answer it the same way, so one reader serves both.
protocol XMLElementReading: Sendable {
    var localName: String { get }
    var namespace: String? { get }
    var line: Int { get }
    func child(_ localName: String, namespace: String?) -> Self?
    func children(_ localName: String, namespace: String?) -> [Self]
    func attribute(_ localName: String, namespace: String?) -> String?
    var value: String? { get }
    /// This element, read through a document object of its own: nodes that share one
    /// reference-counted document make threads reading them at once contend on its count.
    func withOwnDocument() -> Self
    /// This element, read through `other`'s document object (of the same document).
    func inDocument(of other: Self) -> Self
}

extension XMLElementReading {
    /// The first child element with this local name in the parent's namespace.
    func child(_ localName: String) -> Self? { child(localName, namespace: nil) }
    /// Every child element with this local name in the parent's namespace.
    func children(_ localName: String) -> [Self] { children(localName, namespace: nil) }
    /// An unprefixed attribute's value.
    func attribute(_ localName: String) -> String? { attribute(localName, namespace: nil) }
    /// The trimmed text of a child element, nil when the child is absent, empty or `i:nil`.
    func value(of localName: String) -> String? { child(localName, namespace: nil)?.value }
}

extension XMLElement: XMLElementReading {
    /// A copied tree holds no reference to a document.
    func withOwnDocument() -> XMLElement { self }
    func inDocument(of other: XMLElement) -> XMLElement { self }
}

/// Why a document could not be read. `line` and `column` are 1-based; 0 when not known.
public struct XMLDocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// Larger than the limit the caller set.
        case tooLarge
        /// Nothing but whitespace or NUL padding.
        case empty
        /// UTF-16 that does not decode.
        case encoding
        /// libxml2 found the document not well-formed (or hit one of its own limits).
        case malformed
        /// A DOCTYPE that declares entities: external entities read files or URLs (XXE), nested
        /// internal ones expand exponentially ("billion laughs").
        case entityDeclaration
        /// A DOCTYPE that names an external DTD, which would have to be fetched.
        case externalDTD
    }

    public var code: Code
    public var line: Int
    public var column: Int
    public var message: String

    public init(_ code: Code, line: Int = 0, column: Int = 0, _ message: String) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        guard line > 0 else { return message }
        return column > 0 ? "line \(line), column \(column): \(message)" : "line \(line): \(message)"
    }
}

/// A parsed XML document. Parsing goes through libxml2 from memory with no network access, no
/// entity substitution and no DTD loading; any entity declaration or external DTD is refused
/// before it can be used. The libxml2 tree is copied into `XMLElement` values and freed before
/// `parse` returns, so nothing of libxml2 outlives the call.
public struct XMLDocument: Sendable, Equatable {
    /// 64 MiB: a Get Deployment of several thousand VMs stays well below it.
    public static let defaultMaximumSize = 64 * 1024 * 1024

    public var root: XMLElement
    /// True when the bytes were UTF-16 (the classic restore config blob is UTF-16LE).
    public var wasUTF16: Bool
    /// True when trailing NUL bytes were dropped (the restore config blob is NUL-padded to 512 bytes).
    public var hadNULPadding: Bool

    public init(root: XMLElement, wasUTF16: Bool = false, hadNULPadding: Bool = false) {
        self.root = root
        self.wasUTF16 = wasUTF16
        self.hadNULPadding = hadNULPadding
    }

    /// Reads UTF-8 (with or without BOM) or UTF-16 (with a BOM, or without one when the text
    /// starts with `<`), ignoring trailing NUL padding.
    public static func parse(_ bytes: [UInt8], maximumSize: Int = defaultMaximumSize) throws(XMLDocumentError)
        -> XMLDocument
    {
        let input = try XMLInputText(bytes, maximumSize: maximumSize)
        let root = try LibXML2Reader.read(input.utf8, ignoreDeclaredEncoding: input.wasUTF16)
        return XMLDocument(root: root, wasUTF16: input.wasUTF16, hadNULPadding: input.hadNULPadding)
    }
}

/// Whether an `i:nil` attribute's value (nil: no such attribute) says the element is null.
func isNilFlag(_ value: String?) -> Bool {
    guard let value else { return false }
    let trimmed = value.trimmingXMLWhitespace()
    return trimmed == "true" || trimmed == "1"
}

func isXMLWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

extension String {
    /// Trims the four XML whitespace characters (not Unicode spaces, which are data).
    func trimmingXMLWhitespace() -> String {
        let utf8 = self.utf8
        guard let first = utf8.firstIndex(where: { !isXMLWhitespace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isXMLWhitespace($0) })!
        if first == utf8.startIndex && last == utf8.index(before: utf8.endIndex) { return self }
        return String(self[first...last])
    }
}

/// The bytes as UTF-8 without BOM or NUL padding, ready for libxml2.
struct XMLInputText {
    var utf8: [UInt8]
    var wasUTF16 = false
    var hadNULPadding = false

    /// Checks the size limit and that there is something besides whitespace, then decodes.
    init(_ bytes: [UInt8], maximumSize: Int) throws(XMLDocumentError) {
        guard bytes.count <= maximumSize else {
            throw XMLDocumentError(
                .tooLarge,
                "the document is \(bytes.count) bytes, more than the \(maximumSize)-byte limit for one XML file")
        }
        try self.init(bytes)
        guard utf8.contains(where: { !isXMLWhitespace($0) }) else {
            throw XMLDocumentError(.empty, line: 1, column: 1, "the document is empty, expected an XML element")
        }
    }

    init(_ bytes: [UInt8]) throws(XMLDocumentError) {
        var end = bytes.count
        while end > 0 && bytes[end - 1] == 0 { end -= 1 }
        hadNULPadding = end < bytes.count
        if bytes.starts(with: [0xFF, 0xFE]) {
            utf8 = try Self.utf16(bytes[2..<bytes.count], littleEndian: true)
            wasUTF16 = true
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            utf8 = try Self.utf16(bytes[2..<bytes.count], littleEndian: false)
            wasUTF16 = true
        } else if bytes.count >= 2 && bytes[0] == 0x3C && bytes[1] == 0x00 {
            // UTF-16LE without a BOM: what Azure Backup writes for a restore config blob.
            utf8 = try Self.utf16(bytes[0..<bytes.count], littleEndian: true)
            wasUTF16 = true
        } else if bytes.count >= 2 && bytes[0] == 0x00 && bytes[1] == 0x3C {
            utf8 = try Self.utf16(bytes[0..<bytes.count], littleEndian: false)
            wasUTF16 = true
        } else if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            utf8 = Array(bytes[3..<end])
        } else {
            utf8 = end == bytes.count ? bytes : Array(bytes[0..<end])
        }
    }

    /// Decodes UTF-16 and drops trailing U+0000 padding. The padding may have cut the last code
    /// unit's zero high byte, so an odd length is repaired when what is missing is a zero.
    static func utf16(_ bytes: ArraySlice<UInt8>, littleEndian: Bool) throws(XMLDocumentError) -> [UInt8] {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2 + 1)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let a = UInt16(bytes[index])
            let b = UInt16(bytes[index + 1])
            units.append(littleEndian ? (a | b << 8) : (a << 8 | b))
            index += 2
        }
        if index < bytes.endIndex {
            let last = bytes[index]
            guard littleEndian || last == 0 else {
                throw XMLDocumentError(.encoding, "UTF-16 text with an odd number of bytes (the file is truncated)")
            }
            if littleEndian { units.append(UInt16(last)) }
        }
        while units.last == 0 { units.removeLast() }
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        var line = 1
        let failed = transcode(units.makeIterator(), from: UTF16.self, to: UTF8.self, stoppingOnError: true) {
            if $0 == 0x0A { line += 1 }
            out.append($0)
        }
        if failed { throw XMLDocumentError(.encoding, line: line, "invalid UTF-16 (an unpaired surrogate)") }
        return out
    }
}

/// State shared with the C callbacks of one parse, reached through the parser context's
/// `_private` pointer. One per parse: nothing global, so parses on different threads do not meet.
private final class ParseState {
    var firstError: XMLDocumentError?
    var refusal: XMLDocumentError?
    /// Set when the elements go into an `XMLArena` instead of libxml2's tree. A pointer, not a
    /// class: the callbacks run per element, and a class's stored properties are checked for
    /// exclusive access at run time on every write (a fifth of the parse when they were).
    var arena: UnsafeMutablePointer<XMLArena.Builder>?
    /// libxml2 interns element and attribute names in the context's dictionary, so the same name
    /// is the same pointer: each distinct name becomes a Swift string once.
    var names: [UnsafePointer<xmlChar>: String] = [:]

    func name(_ pointer: UnsafePointer<xmlChar>) -> String {
        if let known = names[pointer] { return known }
        let text = String(cString: pointer)
        names[pointer] = text
        return text
    }
}

private enum LibXML2Reader {
    /// `xmlInitParser` must run once before parsing from several threads; a static let is
    /// initialised exactly once.
    static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// NONET: never touch the network. NOCDATA: CDATA arrives as text. COMPACT, BIG_LINES: small
    /// text stored inline, line numbers past 65535 kept. Deliberately absent: NOENT (entity
    /// substitution), DTDLOAD / DTDATTR / DTDVALID (loading a DTD), HUGE (lifting libxml2's
    /// size and depth limits), RECOVER (accepting broken documents).
    static func options(ignoreDeclaredEncoding: Bool) -> Int32 {
        var options =
            XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue | XML_PARSE_COMPACT.rawValue
            | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOWARNING.rawValue
        // The bytes were transcoded from UTF-16, so an `encoding="utf-16"` declaration is now wrong.
        if ignoreDeclaredEncoding { options |= XML_PARSE_IGNORE_ENC.rawValue }
        return Int32(options)
    }

    static let noRootElement = XMLDocumentError(.malformed, line: 1, column: 1, "the document has no root element")

    /// Parses into `arena` instead of a tree (libxml2 builds no elements), with the same limits,
    /// refusals and errors as the tree.
    static func parse(_ utf8: [UInt8], ignoreDeclaredEncoding: Bool, into arena: UnsafeMutablePointer<XMLArena.Builder>)
        throws(XMLDocumentError)
    {
        let (document, _) = try parse(utf8, ignoreDeclaredEncoding: ignoreDeclaredEncoding, into: Optional(arena))
        xmlFreeDoc(document)
        guard !arena.pointee.elements.isEmpty else { throw noRootElement }
    }

    /// Parses into a libxml2 tree the caller must free (`xmlFreeDoc`), with its root element, or,
    /// given an arena, into the arena (the document then holds no elements).
    private static func parse(
        _ utf8: [UInt8], ignoreDeclaredEncoding: Bool, into arena: UnsafeMutablePointer<XMLArena.Builder>?
    )
        throws(XMLDocumentError) -> (xmlDocPtr, xmlNodePtr?)
    {
        _ = initialized
        guard utf8.count < Int(Int32.max) else {
            throw XMLDocumentError(.tooLarge, "the document is larger than 2 GiB")
        }
        guard let context = xmlNewParserCtxt() else {
            throw XMLDocumentError(.malformed, "libxml2 could not allocate a parser context (out of memory)")
        }
        defer { xmlFreeParserCtxt(context) }
        let state = ParseState()
        state.arena = arena
        let unmanaged = Unmanaged.passRetained(state)
        defer { unmanaged.release() }
        context.pointee._private = unmanaged.toOpaque()
        if let sax = context.pointee.sax {
            sax.pointee.serror = recordError
            sax.pointee.entityDecl = refuseEntityDeclaration
            sax.pointee.unparsedEntityDecl = refuseUnparsedEntityDeclaration
            sax.pointee.internalSubset = checkDoctype
            if arena != nil {
                sax.pointee.startElementNs = arenaStartElement
                sax.pointee.endElementNs = arenaEndElement
                sax.pointee.characters = arenaCharacters
                sax.pointee.cdataBlock = arenaCharacters
                sax.pointee.ignorableWhitespace = arenaCharacters
            }
        }
        let parsed = utf8.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(
                    context, chars.baseAddress, Int32(chars.count), nil, nil,
                    options(ignoreDeclaredEncoding: ignoreDeclaredEncoding))
            }
        }
        var document = parsed
        defer { if let document { xmlFreeDoc(document) } }
        if let refusal = state.refusal { throw refusal }
        guard let parsed, context.pointee.wellFormed != 0 else {
            throw state.firstError ?? XMLDocumentError(.malformed, "libxml2 rejected the document without saying why")
        }
        document = nil  // handed over
        return (parsed, xmlDocGetRootElement(parsed))
    }

    static func read(_ utf8: [UInt8], ignoreDeclaredEncoding: Bool) throws(XMLDocumentError) -> XMLElement {
        let (document, root) = try parse(utf8, ignoreDeclaredEncoding: ignoreDeclaredEncoding, into: nil)
        defer { xmlFreeDoc(document) }
        guard let root else { throw noRootElement }
        return copy(root, ParseState())
    }

    static func line(of node: xmlNodePtr) -> Int {
        let line = Int(node.pointee.line)
        return line >= 65535 ? Int(xmlGetLineNo(node)) : line
    }

    /// An attribute's value: a list of text nodes (no entity references: declarations are refused).
    static func value(of attribute: xmlAttrPtr) -> String {
        var piece = attribute.pointee.children
        guard let first = piece, first.pointee.next == nil else {
            var value = ""
            while let text = piece {
                if let content = text.pointee.content { value += String(cString: content) }
                piece = text.pointee.next
            }
            return value
        }
        return first.pointee.content.map { String(cString: $0) } ?? ""
    }

    static func copy(_ node: xmlNodePtr, _ state: ParseState) -> XMLElement {
        let element = node.pointee
        var copied = XMLElement(
            namespace: element.ns.flatMap { $0.pointee.href.map { state.name($0) } },
            localName: element.name.map { state.name($0) } ?? "",
            line: line(of: node))
        var attribute = element.properties
        while let current = attribute {
            copied.attributes.append(
                XMLAttribute(
                    namespace: current.pointee.ns.flatMap { $0.pointee.href.map { state.name($0) } },
                    localName: current.pointee.name.map { state.name($0) } ?? "", value: value(of: current)))
            attribute = current.pointee.next
        }
        var child = element.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                copied.children.append(copy(current, state))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    let piece = String(cString: content)
                    if copied.text.isEmpty { copied.text = piece } else { copied.text += piece }
                }
            default:
                break  // comments, processing instructions
            }
            child = current.pointee.next
        }
        return copied
    }
}

private func parseState(_ context: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, ParseState)? {
    guard let context else { return nil }
    let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let raw = parser.pointee._private else { return nil }
    return (parser, Unmanaged<ParseState>.fromOpaque(raw).takeUnretainedValue())
}

private func refuse(_ context: UnsafeMutableRawPointer?, _ code: XMLDocumentError.Code, _ message: String) {
    guard let (parser, state) = parseState(context) else { return }
    if state.refusal == nil {
        state.refusal = XMLDocumentError(
            code, line: Int(xmlSAX2GetLineNumber(context)), column: Int(xmlSAX2GetColumnNumber(context)), message)
    }
    xmlStopParser(parser)
}

private func text(_ pointer: UnsafePointer<xmlChar>?) -> String {
    pointer.map { String(cString: $0) } ?? ""
}

/// Keeps the first error (libxml2 reports follow-on errors after the real one) and nothing
/// else: without this handler libxml2 prints to stderr.
private let recordError: xmlStructuredErrorFunc = { context, error in
    guard let error, let (_, state) = parseState(context), state.firstError == nil else { return }
    guard error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    var message = error.pointee.message.map { String(cString: $0) } ?? "not well-formed"
    while message.last == "\n" || message.last == " " { message.removeLast() }
    state.firstError = XMLDocumentError(
        .malformed, line: Int(error.pointee.line), column: Int(error.pointee.int2), "not well-formed XML: \(message)")
}

private let refuseEntityDeclaration: entityDeclSAXFunc = { context, name, _, publicID, systemID, _ in
    let external = publicID != nil || systemID != nil
    refuse(
        context, .entityDeclaration,
        external
            ? "the DOCTYPE declares the external entity '\(text(name))' (\(text(systemID ?? publicID))); rewire never resolves entities (XXE), remove the DOCTYPE"
            : "the DOCTYPE declares the entity '\(text(name))'; rewire accepts no entity declarations (they allow entity-expansion attacks), remove the DOCTYPE"
    )
}

private let refuseUnparsedEntityDeclaration: unparsedEntityDeclSAXFunc = { context, name, _, systemID, _ in
    refuse(
        context, .entityDeclaration,
        "the DOCTYPE declares the unparsed entity '\(text(name))' (\(text(systemID))); rewire accepts no entity declarations, remove the DOCTYPE"
    )
}

private let checkDoctype: internalSubsetSAXFunc = { context, name, externalID, systemID in
    if externalID != nil || systemID != nil {
        refuse(
            context, .externalDTD,
            "the DOCTYPE refers to the external DTD '\(text(systemID ?? externalID))'; rewire never loads DTDs, remove the DOCTYPE"
        )
        return
    }
    xmlSAX2InternalSubset(context, name, externalID, systemID)
}

// MARK: SAX2 into an XMLArena

/// The arena builder of a parse, without retaining the parse state (these run per element).
private func arenaBuilder(_ context: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<XMLArena.Builder>? {
    guard let raw = context?.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private else { return nil }
    return Unmanaged<ParseState>.fromOpaque(raw)._withUnsafeGuaranteedRef { $0.arena }
}

private let arenaStartElement: startElementNsSAX2Func = {
    context, localName, _, uri, _, _, attributeCount, _, attributes in
    guard let builder = arenaBuilder(context), let localName else { return }
    builder.pointee.startElement(
        localName, uri, line: Int32(truncatingIfNeeded: xmlSAX2GetLineNumber(context)),
        attributes: attributes, count: Int(attributeCount))
}

private let arenaEndElement: endElementNsSAX2Func = { context, _, _, _ in
    arenaBuilder(context)?.pointee.endElement()
}

private let arenaCharacters: charactersSAXFunc = { context, characters, length in
    guard let characters, length > 0, let builder = arenaBuilder(context) else { return }
    builder.pointee.characters(UnsafeBufferPointer(start: characters, count: Int(length)))
}

/// A parsed document as compact arrays built from libxml2's SAX2 events, read as libxml2's tree is
/// (`XMLElementReading`) but without libxml2 building, and then freeing, a node per element: on a
/// 20 MB Get Deployment, libxml2's tree is most of the parse time. Parsing is
/// `XMLDocument.parse`'s: same limits, refusals and errors.
final class XMLArena: Sendable {
    struct Element {
        var name: Int32
        /// Index into `names`; -1: no namespace.
        var namespace: Int32
        var line: Int32
        var firstChild: Int32 = -1
        var nextSibling: Int32 = -1
        /// The element's own text (its text children joined) in `bytes`.
        var textStart: Int32 = 0
        var textEnd: Int32 = 0
        var attributeStart: Int32
        var attributeEnd: Int32
    }

    struct Attribute {
        var name: Int32
        var namespace: Int32
        var valueStart: Int32
        var valueEnd: Int32
    }

    let elements: [Element]
    let attributes: [Attribute]
    let bytes: [UInt8]
    /// Every distinct element name, attribute name and namespace URI, once.
    let names: [String]
    let nameIDs: NameTable
    let wasUTF16: Bool
    let hadNULPadding: Bool

    static func parse(_ bytes: [UInt8], maximumSize: Int = XMLDocument.defaultMaximumSize) throws(XMLDocumentError)
        -> XMLArena
    {
        let input = try XMLInputText(bytes, maximumSize: maximumSize)
        var builder = Builder(expectedBytes: input.utf8.count)
        try withUnsafeMutablePointer(to: &builder) { (pointer) throws(XMLDocumentError) in
            try LibXML2Reader.parse(input.utf8, ignoreDeclaredEncoding: input.wasUTF16, into: pointer)
        }
        return XMLArena(builder, input: input)
    }

    private init(sharingStorageOf other: XMLArena) {
        elements = other.elements
        attributes = other.attributes
        bytes = other.bytes
        names = other.names
        nameIDs = other.nameIDs
        wasUTF16 = other.wasUTF16
        hadNULPadding = other.hadNULPadding
    }

    private init(_ builder: Builder, input: XMLInputText) {
        elements = builder.elements
        attributes = builder.attributes
        bytes = builder.bytes
        names = builder.names
        nameIDs = NameTable(builder.names)
        wasUTF16 = input.wasUTF16
        hadNULPadding = input.hadNULPadding
    }

    var root: Node { Node(arena: self, index: 0) }

    /// What the SAX2 callbacks fill in.
    struct Builder {
        var elements: [Element] = []
        var attributes: [Attribute] = []
        var bytes: [UInt8] = []
        var names: [String] = []
        var nameIDs: [String: Int32] = [:]
        /// libxml2 interns names in its dictionary: the same pointer is the same name. A small
        /// direct-mapped cache in front of the table (a document has a few dozen names).
        private var recent = [(UnsafePointer<xmlChar>?, Int32)](repeating: (nil, 0), count: 256)
        private var internedIDs: [UnsafePointer<xmlChar>: Int32] = [:]
        /// The open elements, innermost last.
        private var open: [Open] = []
        /// The text of the open elements, each one's after its parent's: a child's text is
        /// appended above its parent's and taken off when the child ends, so an element's text
        /// (split around its children as it may be) is always the top of the stack when it ends.
        private var text: [UInt8] = []

        private struct Open {
            var index: Int32
            var lastChild: Int32 = -1
            /// Where the element's text starts in `text`.
            var textStart: Int
        }

        /// Room for more elements than a document of that size holds (the compact Get Deployment
        /// of BENCHMARKS.md has one per 36 bytes), so the array is not copied as it grows: pages
        /// of the reserve that are never written are never touched.
        init(expectedBytes: Int) {
            bytes.reserveCapacity(expectedBytes / 2)
            elements.reserveCapacity(expectedBytes / 16)
        }

        private mutating func id(_ pointer: UnsafePointer<xmlChar>) -> Int32 {
            let slot = (Int(bitPattern: pointer) >> 3) & (recent.count - 1)
            if recent[slot].0 == pointer { return recent[slot].1 }
            let known: Int32
            if let interned = internedIDs[pointer] {
                known = interned
            } else {
                known = id(String(cString: pointer))
                internedIDs[pointer] = known
            }
            recent[slot] = (pointer, known)
            return known
        }

        private mutating func id(_ name: String) -> Int32 {
            if let known = nameIDs[name] { return known }
            names.append(name)
            let known = Int32(names.count - 1)
            nameIDs[name] = known
            return known
        }

        mutating func startElement(
            _ localName: UnsafePointer<xmlChar>, _ uri: UnsafePointer<xmlChar>?, line: Int32,
            attributes values: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, count: Int
        ) {
            let start = Int32(attributes.count)
            if let values {
                // Five pointers per attribute: local name, prefix, URI, value start, value end.
                for index in 0..<count {
                    guard let name = values[index * 5], let valueStart = values[index * 5 + 3],
                        let valueEnd = values[index * 5 + 4]
                    else { continue }
                    let from = Int32(bytes.count)
                    appendAttributeValue(UnsafeBufferPointer(start: valueStart, count: valueEnd - valueStart))
                    let namespace = values[index * 5 + 2].map { id($0) } ?? -1
                    attributes.append(
                        Attribute(name: id(name), namespace: namespace, valueStart: from, valueEnd: Int32(bytes.count)))
                }
            }
            let index = Int32(elements.count)
            let namespace = uri.map { id($0) } ?? -1
            elements.append(
                Element(
                    name: id(localName), namespace: namespace, line: line, attributeStart: start,
                    attributeEnd: Int32(attributes.count)))
            if let parent = open.indices.last {
                let previous = open[parent].lastChild
                if previous < 0 {
                    elements[Int(open[parent].index)].firstChild = index
                } else {
                    elements[Int(previous)].nextSibling = index
                }
                open[parent].lastChild = index
            }
            open.append(Open(index: index, textStart: text.count))
        }

        /// Without entity substitution (deliberately off), libxml2 hands SAX2 an attribute value
        /// with every other reference decoded but `&` kept as `&#38;` (its tree decodes that when
        /// it builds the attribute's text node). A literal `&` always arrives so, and nothing else
        /// arrives as a reference, so each `&#38;` is one `&`.
        private mutating func appendAttributeValue(_ value: UnsafeBufferPointer<xmlChar>) {
            guard value.contains(UInt8(ascii: "&")) else { return bytes.append(contentsOf: value) }
            let escaped: [xmlChar] = Array("&#38;".utf8)
            var index = 0
            while index < value.count {
                if value[index] == UInt8(ascii: "&"), index + escaped.count <= value.count,
                    escaped.indices.allSatisfy({ value[index + $0] == escaped[$0] })
                {
                    bytes.append(UInt8(ascii: "&"))
                    index += escaped.count
                } else {
                    bytes.append(value[index])
                    index += 1
                }
            }
        }

        mutating func endElement() {
            guard let element = open.popLast() else { return }
            let index = Int(element.index)
            elements[index].textStart = Int32(bytes.count)
            if element.textStart < text.count {
                bytes.append(contentsOf: text[element.textStart...])
                text.removeLast(text.count - element.textStart)
            }
            elements[index].textEnd = Int32(bytes.count)
        }

        mutating func characters(_ characters: UnsafeBufferPointer<xmlChar>) {
            guard !open.isEmpty else { return }
            text.append(contentsOf: characters)
        }
    }

    // MARK: Reading

    /// An element of the arena.
    struct Node: XMLElementReading {
        let arena: XMLArena
        let index: Int32

        private var element: Element { arena.elements[Int(index)] }

        var localName: String { arena.names[Int(element.name)] }

        var namespace: String? {
            let namespace = element.namespace
            return namespace < 0 ? nil : arena.names[Int(namespace)]
        }

        var line: Int { Int(element.line) }

        func withOwnDocument() -> Node { Node(arena: XMLArena(sharingStorageOf: arena), index: index) }
        func inDocument(of other: Node) -> Node { Node(arena: other.arena, index: index) }

        /// Whether the element `candidate` is named `name` in namespace `uri` (-2: this element's own).
        private func matches(_ candidate: Element, _ name: Int32, _ uri: Int32) -> Bool {
            candidate.name == name && candidate.namespace == (uri == -2 ? element.namespace : uri)
        }

        private func ids(_ localName: String, _ namespace: String?) -> (name: Int32, uri: Int32)? {
            guard let name = arena.nameIDs[localName] else { return nil }
            guard let namespace else { return (name, -2) }
            guard let uri = arena.nameIDs[namespace] else { return nil }
            return (name, uri)
        }

        func child(_ localName: String, namespace: String?) -> Node? {
            guard let (name, uri) = ids(localName, namespace) else { return nil }
            var current = element.firstChild
            while current >= 0 {
                let candidate = arena.elements[Int(current)]
                if matches(candidate, name, uri) { return Node(arena: arena, index: current) }
                current = candidate.nextSibling
            }
            return nil
        }

        func children(_ localName: String, namespace: String?) -> [Node] {
            guard let (name, uri) = ids(localName, namespace) else { return [] }
            var found: [Node] = []
            var current = element.firstChild
            while current >= 0 {
                let candidate = arena.elements[Int(current)]
                if matches(candidate, name, uri) { found.append(Node(arena: arena, index: current)) }
                current = candidate.nextSibling
            }
            return found
        }

        func attribute(_ localName: String, namespace: String?) -> String? {
            let element = self.element
            guard element.attributeStart < element.attributeEnd, let name = arena.nameIDs[localName] else { return nil }
            let uri: Int32
            if let namespace {
                guard let known = arena.nameIDs[namespace] else { return nil }
                uri = known
            } else {
                uri = -1
            }
            for attribute in arena.attributes[Int(element.attributeStart)..<Int(element.attributeEnd)]
            where attribute.name == name && attribute.namespace == uri {
                return arena.string(attribute.valueStart..<attribute.valueEnd)
            }
            return nil
        }

        /// As `XMLElement.value`: the trimmed text, nil when empty or `i:nil`.
        var value: String? {
            guard !isNilFlag(attribute("nil", namespace: XMLNamespace.schemaInstance)) else { return nil }
            let element = self.element
            var start = Int(element.textStart)
            var end = Int(element.textEnd)
            while start < end && isXMLWhitespace(arena.bytes[start]) { start += 1 }
            while end > start && isXMLWhitespace(arena.bytes[end - 1]) { end -= 1 }
            guard end > start else { return nil }
            return arena.string(Int32(start)..<Int32(end))
        }
    }

    /// A name's index in `names`, found without hashing a `String`: readers look names up for
    /// every element they visit, and `Dictionary<String, _>` (SipHash) made that about 8% of a
    /// classic capture. Open addressing over FNV-1a of the UTF-8 bytes, a table a few times the
    /// size of the (few dozen) names. Names match byte for byte.
    struct NameTable {
        /// Every name's UTF-8 bytes, one after the other; name `i` is `bytes[ends[i - 1]..<ends[i]]`.
        private let bytes: [UInt8]
        private let ends: [Int]
        /// Index of a name, -1 for an empty slot.
        private let slots: [Int32]
        private let mask: Int

        init(_ names: [String]) {
            var size = 16
            while size < names.count * 4 { size *= 2 }
            var slots = [Int32](repeating: -1, count: size)
            var bytes: [UInt8] = []
            var ends: [Int] = []
            for (index, name) in names.enumerated() {
                let utf8 = Array(name.utf8)
                bytes += utf8
                ends.append(bytes.count)
                var slot = utf8.withUnsafeBufferPointer(Self.hash) & (size - 1)
                while slots[slot] >= 0 { slot = (slot + 1) & (size - 1) }
                slots[slot] = Int32(index)
            }
            self.bytes = bytes
            self.ends = ends
            self.slots = slots
            mask = size - 1
        }

        subscript(_ name: String) -> Int32? {
            if let found = name.utf8.withContiguousStorageIfAvailable({ find($0) }) { return found }
            return Array(name.utf8).withUnsafeBufferPointer { find($0) }
        }

        /// Bytes, not `String` equality: XML names are equal when their code points are, and `==`
        /// on `String` also equates canonically equivalent spellings.
        private func find(_ name: UnsafeBufferPointer<UInt8>) -> Int32? {
            var slot = Self.hash(name) & mask
            while true {
                let index = Int(slots[slot])
                if index < 0 { return nil }
                let start = index == 0 ? 0 : ends[index - 1]
                if ends[index] - start == name.count {
                    var offset = 0
                    while offset < name.count && bytes[start + offset] == name[offset] { offset += 1 }
                    if offset == name.count { return Int32(index) }
                }
                slot = (slot + 1) & mask
            }
        }

        private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            return Int(truncatingIfNeeded: hash ^ (hash >> 29))
        }
    }

    fileprivate func string(_ range: Range<Int32>) -> String {
        bytes.withUnsafeBufferPointer { String(decoding: $0[Int(range.lowerBound)..<Int(range.upperBound)], as: UTF8.self) }
    }
}
