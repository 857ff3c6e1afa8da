/// An `Encoder` for `CanonicalJSON`: it builds a tree of the value so that keys can be sorted, but
/// writes every finished array element out as canonical bytes at once, so that a manifest of
/// thousands of VMs never exists as a whole object tree. Optionals that are nil are left out
/// (`encodeIfPresent`), as Foundation's encoder does. It serves values without a
/// `CanonicalJSONWritable` conformance (reports and journals outside the model); the tests hold it
/// and the generated writers to the same bytes.
struct CanonicalJSONTreeEncoder {
    /// The canonical bytes of `value` (no final newline).
    func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let root = Node()
        try leaf(value, at: root, codingPath: [])
        var out: [UInt8] = []
        out.reserveCapacity(root.renderedSize + 4096)
        root.write(indent: 0, into: &out)
        return out
    }
}

/// One value under construction. Members and items live in their own arrays so that appending
/// never copies what is already there.
private final class Node {
    enum Kind {
        case empty, leaf, object, array, rendered
    }

    var kind: Kind = .empty
    var leafValue: JSONValue = .null
    var members: [(String, Node)] = []
    var items: [Node] = []
    /// Canonical bytes of a finished array element, written at its final indentation.
    var bytes: [UInt8] = []

    /// Replaces a finished composite value by its canonical bytes.
    func render(indent: Int) {
        guard kind == .object || kind == .array else { return }
        var out: [UInt8] = []
        write(indent: indent, into: &out)
        bytes = out
        members = []
        items = []
        kind = .rendered
    }

    /// The bytes already rendered below this node (to size the output once).
    var renderedSize: Int {
        switch kind {
        case .rendered: bytes.count
        case .object: members.reduce(0) { $0 + $1.1.renderedSize + $1.0.utf8.count + 8 }
        case .array: items.reduce(0) { $0 + $1.renderedSize + 8 }
        default: 16
        }
    }

    /// Writes this value the way `CanonicalJSON` writes a `JSONValue`. Rendered pieces are handed
    /// over and released as they are written, so the output never exists twice: write a tree once.
    func write(indent: Int, into out: inout [UInt8]) {
        switch kind {
        case .rendered:
            out.append(contentsOf: bytes)
            bytes = []
        case .leaf: CanonicalJSON.write(leafValue, indent: indent, into: &out)
        case .empty: out.append(contentsOf: "{}".utf8)
        case .array:
            guard !items.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.newline(indent + 1, into: &out)
                item.write(indent: indent + 1, into: &out)
            }
            CanonicalJSON.newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object:
            guard !members.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(UInt8(ascii: "{"))
            for (index, member) in CanonicalJSON.ordered(members, key: \.0).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                CanonicalJSON.newline(indent + 1, into: &out)
                CanonicalJSON.appendString(member.0, to: &out)
                out.append(contentsOf: ": ".utf8)
                member.1.write(indent: indent + 1, into: &out)
            }
            CanonicalJSON.newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }


    func setLeaf(_ value: JSONValue) {
        kind = .leaf
        leafValue = value
    }

    func child(forKey key: String) -> Node {
        kind = .object
        // Synthesized Encodable conformances write each key once; a repeated key (a hand-written
        // conformance) is still merged into its first node.
        if let last = members.last, last.0 == key { return last.1 }
        if members.count < 64, let found = members.first(where: { $0.0 == key }) { return found.1 }
        let node = Node()
        members.append((key, node))
        return node
    }

    func appendChild() -> Node {
        kind = .array
        let node = Node()
        items.append(node)
        return node
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

private struct NodeEncoder: Encoder {
    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.kind == .empty { node.kind = .object }
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.kind == .empty { node.kind = .array }
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

/// `codingPath` is built only when needed (a nested value or an error): building it for every
/// string and number was a large share of encoding time.
private func leaf<T: Encodable>(_ value: T, at node: Node, codingPath: @autoclosure () -> [any CodingKey]) throws {
    switch value {
    case let text as String: node.setLeaf(.string(text))
    case let flag as Bool: node.setLeaf(.bool(flag))
    case let number as Int: node.setLeaf(.number(String(number)))
    case let number as Int64: node.setLeaf(.number(String(number)))
    case let number as UInt64: node.setLeaf(.number(String(number)))
    case let number as Double:
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath(), debugDescription: "not a finite number"))
        }
        node.setLeaf(.number(number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : "\(number)"))
    case let json as JSONValue: node.setLeaf(json)
    default: try value.encode(to: NodeEncoder(node: node, codingPath: codingPath()))
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws {
        node.child(forKey: key.stringValue).setLeaf(.null)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try leaf(value, at: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = node.child(forKey: key.stringValue)
        child.kind = .object
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.child(forKey: key.stringValue)
        child.kind = .array
        return UnkeyedNodeContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.child(forKey: "super"), codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        NodeEncoder(node: node.child(forKey: key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    var count: Int {
        node.items.count
    }

    mutating func encodeNil() throws {
        node.appendChild().setLeaf(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let child = node.appendChild()
        try leaf(value, at: child, codingPath: codingPath + [AnyKey(intValue: count)])
        child.render(indent: codingPath.count + 1)  // finished: keep only its bytes
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let child = node.appendChild()
        child.kind = .object
        return KeyedEncodingContainer(KeyedNodeContainer<NestedKey>(node: child, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = node.appendChild()
        child.kind = .array
        return UnkeyedNodeContainer(node: child, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder {
        NodeEncoder(node: node.appendChild(), codingPath: codingPath)
    }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: Node
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws {
        node.setLeaf(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try leaf(value, at: node, codingPath: codingPath)
    }
}
