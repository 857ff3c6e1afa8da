/// An `Encoder` that builds a `JSONValue` tree instead of bytes, so that `CanonicalJSON` decides the
/// layout. Optionals that are nil are left out (`encodeIfPresent`), as Foundation's encoder does.
struct JSONValueEncoder {
    func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        let root = Node()
        try value.encode(to: NodeEncoder(node: root, codingPath: []))
        return root.value
    }
}

/// One value under construction. Members and items live in their own arrays so that appending
/// never copies what is already there.
private final class Node {
    enum Kind {
        case empty, leaf, object, array
    }

    var kind: Kind = .empty
    var leafValue: JSONValue = .null
    var members: [(String, Node)] = []
    var items: [Node] = []

    var value: JSONValue {
        switch kind {
        case .empty: .object([])
        case .leaf: leafValue
        case .object: .object(members.map { JSONMember($0.0, $0.1.value) })
        case .array: .array(items.map(\.value))
        }
    }

    func setLeaf(_ value: JSONValue) {
        kind = .leaf
        leafValue = value
    }

    func child(forKey key: String) -> Node {
        kind = .object
        if let found = members.first(where: { $0.0 == key }) { return found.1 }
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

private func leaf<T: Encodable>(_ value: T, at node: Node, codingPath: [any CodingKey]) throws {
    switch value {
    case let text as String: node.setLeaf(.string(text))
    case let flag as Bool: node.setLeaf(.bool(flag))
    case let number as Int: node.setLeaf(.number(String(number)))
    case let number as Int64: node.setLeaf(.number(String(number)))
    case let number as UInt64: node.setLeaf(.number(String(number)))
    case let number as Double:
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: codingPath, debugDescription: "not a finite number"))
        }
        node.setLeaf(.number(number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : "\(number)"))
    case let json as JSONValue: node.setLeaf(json)
    default: try value.encode(to: NodeEncoder(node: node, codingPath: codingPath))
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
        try leaf(value, at: node.appendChild(), codingPath: codingPath + [AnyKey(intValue: count)])
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
