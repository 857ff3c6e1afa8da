/// Encodes through `CanonicalJSONStream`; a value whose conformance the stream cannot follow is
/// encoded again through `CanonicalJSONTreeEncoder`. Same bytes either way.
struct CanonicalJSONEncoder {
    /// The canonical bytes of `value` (no final newline).
    func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let stream = CanonicalJSONStream()
        try stream.encodeRoot(value)
        if stream.unsupported { return try CanonicalJSONTreeEncoder().encode(value) }
        return stream.takeOutput()
    }
}

/// An `Encoder` that writes `CanonicalJSON` bytes while the value encodes itself: no tree of the
/// value is built. Every member of an object is written where it arrives (at its final
/// indentation); when the object is finished (its parent moves on, or the encoding ends), members
/// that arrived out of key order are moved into place, the largest one staying where it is, so
/// the only copy is of the smaller members.
///
/// A conformance this writer cannot follow (writing to a container after a later sibling was
/// started, `superEncoder`, the same key twice) marks the stream `unsupported`, and
/// `CanonicalJSONEncoder` encodes the value again through `CanonicalJSONTreeEncoder`, which
/// accepts anything. Synthesized conformances never do any of that.
final class CanonicalJSONStream {
    /// All mutable state lives behind one pointer: stored properties of a class are checked for
    /// exclusive access at run time on every write, which cost more than the writing itself.
    private let state: UnsafeMutablePointer<State>

    init() {
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    var unsupported: Bool { state.pointee.unsupported }

    /// Hands over the output (once, at the end).
    func takeOutput() -> [UInt8] {
        var taken: [UInt8] = []
        swap(&taken, &state.pointee.out)
        return taken
    }

    /// A coding path element, kept cheap until `codingPath` is asked for.
    enum PathKey {
        case none
        case key(any CodingKey)
        case index(Int)

        var codingKey: (any CodingKey)? {
            switch self {
            case .none: nil
            case .key(let key): key
            case .index(let index): IndexKey(intValue: index)
            }
        }
    }

    struct FrameRef {
        let index: Int
        let serial: Int
        static let invalid = FrameRef(index: -1, serial: -1)
    }

    // MARK: Values

    func encodeRoot<T: Encodable>(_ value: T) throws {
        let slot = state.pointee.newSlot()
        try encodeValue(value, slot: slot, depth: 0, key: .none, parent: -1)
        state.pointee.closeAll()
    }

    /// Writes `value` at the value position `slot` (already pending).
    func encodeValue<T: Encodable>(_ value: T, slot: Int, depth: Int, key: PathKey, parent: Int) throws {
        if try state.pointee.writeScalar(value, slot: slot) { return }
        let base = state.pointee.openCount
        try value.encode(
            to: CanonicalJSONStreamEncoder(stream: self, slot: slot, depth: depth, key: key, parent: parent))
        state.pointee.finishValue(slot: slot, openBefore: base)
    }

    func newSlot() -> Int { state.pointee.newSlot() }
    func claim(_ slot: Int) -> Bool { state.pointee.claim(slot) }
    func isPending(_ slot: Int) -> Bool { state.pointee.isPending(slot) }
    func markUnsupported() { state.pointee.unsupported = true }
    func writeString(_ text: String) { state.pointee.writeString(text) }
    func writeInteger<I: BinaryInteger>(_ number: I) { state.pointee.writeInteger(number) }
    func writeBool(_ flag: Bool) { state.pointee.writeBool(flag) }
    func writeDouble(_ number: Double) throws { try state.pointee.writeDouble(number) }
    func writeNull() { state.pointee.writeNull() }

    func open(isObject: Bool, keys: ObjectIdentifier?, slot: Int, depth: Int, key: PathKey, parent: Int) -> FrameRef {
        state.pointee.open(isObject: isObject, keys: keys, slot: slot, depth: depth, key: key, parent: parent)
    }

    func push(isObject: Bool, keys: ObjectIdentifier?, depth: Int, key: PathKey) -> FrameRef {
        state.pointee.push(isObject: isObject, keys: keys, depth: depth, slot: 0, key: key)
    }

    func depth(of frame: FrameRef) -> Int { state.pointee.depth(of: frame) }
    func count(of frame: FrameRef) -> Int { state.pointee.count(of: frame) }
    func beginMember(_ key: String, in frame: FrameRef) -> Bool { state.pointee.beginMember(key, in: frame) }
    func beginItem(in frame: FrameRef) -> Bool { state.pointee.beginItem(in: frame) }
    func codingPath(through frameIndex: Int) -> [any CodingKey] { state.pointee.codingPath(through: frameIndex) }
}

private struct State {
    var out: [UInt8] = []
    /// Open containers, innermost last.
    var frames: [Frame] = []
    /// Members of the open objects, each frame's from `membersBase` on.
    var members: [Member] = []
    /// The value position that may still be written (0: none).
    var pendingSlot = 0
    var serial = 0
    var unsupported = false
    var scratch: [UInt8] = []
    var order: [Int] = []
    var scratchOffset: [Int] = []
    var targets: [Int] = []
    var pieces: [Piece] = []
    /// Key orders seen for each `CodingKey` type: a synthesized conformance writes its keys in the
    /// same order every time, so the sort is done once per type and pattern, not per object.
    var knownOrders: [ObjectIdentifier: [KnownOrder]] = [:]

    struct Frame {
        let serial: Int
        let isObject: Bool
        /// The `CodingKey` type of a keyed container.
        var keys: ObjectIdentifier?
        /// Indentation level of the closing bracket; items are one deeper.
        let depth: Int
        /// The value position that opened it (0 for a nested container).
        let slot: Int
        let key: CanonicalJSONStream.PathKey
        let membersBase: Int
        var count = 0
    }

    struct Member {
        let key: String
        /// Where the member's text starts (after the comma that separates it from the previous one).
        let start: Int
    }

    /// Where a member goes when its object is put in key order (`from` -1: it is moved in place).
    struct Piece {
        let from: Int
        let to: Int
        let length: Int
        let commaAfter: Bool
    }

    struct KnownOrder {
        var keys: [String]
        var order: [Int]
        var isIdentity: Bool
    }

    init() {
        out.reserveCapacity(1 << 16)
    }

    var openCount: Int { frames.count }

    mutating func newSlot() -> Int {
        serial += 1
        pendingSlot = serial
        return serial
    }

    /// Takes the pending value position for a scalar.
    mutating func claim(_ slot: Int) -> Bool {
        guard pendingSlot == slot, !unsupported else {
            unsupported = true
            return false
        }
        pendingSlot = 0
        return true
    }

    mutating func isPending(_ slot: Int) -> Bool {
        guard pendingSlot == slot, !unsupported else {
            unsupported = true
            return false
        }
        return true
    }

    mutating func finishValue(slot: Int, openBefore base: Int) {
        guard !unsupported else { return }
        guard frames.count >= base else {
            unsupported = true
            return
        }
        while frames.count > base { closeTop() }
        if pendingSlot == slot {  // the value asked for no container at all
            pendingSlot = 0
            out.append(contentsOf: "{}".utf8)
        }
    }

    mutating func closeAll() {
        while !frames.isEmpty { closeTop() }
    }

    /// Writes the standard library's scalars directly; false when `T` is not one of them (checked
    /// by comparing types, far cheaper than a dynamic cast).
    mutating func writeScalar<T: Encodable>(_ value: T, slot: Int) throws -> Bool {
        if T.self == String.self {
            guard claim(slot) else { return true }
            writeString(value as! String)
        } else if T.self == Int.self {
            guard claim(slot) else { return true }
            writeInteger(value as! Int)
        } else if T.self == Bool.self {
            guard claim(slot) else { return true }
            writeBool(value as! Bool)
        } else if T.self == Double.self {
            guard claim(slot) else { return true }
            try writeDouble(value as! Double)
        } else if T.self == Int64.self || T.self == Int32.self || T.self == Int16.self || T.self == Int8.self
            || T.self == UInt64.self || T.self == UInt.self || T.self == UInt32.self || T.self == UInt16.self
            || T.self == UInt8.self
        {
            guard claim(slot) else { return true }
            let number: any BinaryInteger = value as! any BinaryInteger
            writeInteger(number)
        } else if T.self == Float.self {
            guard claim(slot) else { return true }
            let number = value as! Float
            guard number.isFinite else {
                throw EncodingError.invalidValue(number, .init(codingPath: [], debugDescription: "not a finite number"))
            }
            out.append(
                contentsOf: (number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : "\(number)").utf8)
        } else {
            return false
        }
        return true
    }

    mutating func writeString(_ text: String) {
        CanonicalJSON.appendString(text, to: &out)
    }

    mutating func writeInteger<I: BinaryInteger>(_ number: I) {
        CanonicalJSON.appendInteger(number, to: &out)
    }

    mutating func writeBool(_ flag: Bool) {
        out.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    /// As `CanonicalJSONTreeEncoder` writes a Double: whole numbers below 1e15 without a fraction.
    mutating func writeDouble(_ number: Double) throws {
        guard number.isFinite else {
            throw EncodingError.invalidValue(number, .init(codingPath: [], debugDescription: "not a finite number"))
        }
        if number.rounded() == number && abs(number) < 1e15 {
            writeInteger(Int(number))
        } else {
            out.append(contentsOf: "\(number)".utf8)
        }
    }

    mutating func writeNull() {
        out.append(contentsOf: "null".utf8)
    }

    // MARK: Containers

    /// Opens (or, when the same value asks again, reopens) the container of the value at `slot`.
    mutating func open(
        isObject: Bool, keys: ObjectIdentifier?, slot: Int, depth: Int, key: CanonicalJSONStream.PathKey, parent: Int
    ) -> CanonicalJSONStream.FrameRef {
        guard !unsupported else { return .invalid }
        let index = parent + 1
        if index < frames.count, frames[index].slot == slot, slot > 0 {
            // `container(keyedBy:)` asked twice by one value (a subclass calling `super.encode(to:)`).
            guard frames[index].isObject == isObject, isObject else {
                unsupported = true
                return .invalid
            }
            // Two key types in one object: its key order is not one type's to remember.
            if frames[index].keys != keys { frames[index].keys = nil }
            while frames.count > index + 1 { closeTop() }
            return CanonicalJSONStream.FrameRef(index: index, serial: frames[index].serial)
        }
        guard pendingSlot == slot, frames.count == index else {
            unsupported = true
            return .invalid
        }
        pendingSlot = 0
        return push(isObject: isObject, keys: keys, depth: depth, slot: slot, key: key)
    }

    mutating func push(
        isObject: Bool, keys: ObjectIdentifier?, depth: Int, slot: Int, key: CanonicalJSONStream.PathKey
    ) -> CanonicalJSONStream.FrameRef {
        serial += 1
        frames.append(
            Frame(
                serial: serial, isObject: isObject, keys: keys, depth: depth, slot: slot, key: key,
                membersBase: members.count))
        out.append(isObject ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return CanonicalJSONStream.FrameRef(index: frames.count - 1, serial: serial)
    }

    /// Makes `frame` the innermost open container, closing the finished ones inside it. False
    /// when the frame was already closed: a conformance this writer cannot follow.
    mutating func activate(_ frame: CanonicalJSONStream.FrameRef) -> Bool {
        guard !unsupported, frame.index >= 0, frame.index < frames.count, frames[frame.index].serial == frame.serial,
            pendingSlot == 0
        else {
            unsupported = true
            return false
        }
        while frames.count > frame.index + 1 { closeTop() }
        return true
    }

    func depth(of frame: CanonicalJSONStream.FrameRef) -> Int {
        frame.index >= 0 && frame.index < frames.count ? frames[frame.index].depth : 0
    }

    func count(of frame: CanonicalJSONStream.FrameRef) -> Int {
        frame.index >= 0 && frame.index < frames.count && frames[frame.index].serial == frame.serial
            ? frames[frame.index].count : 0
    }

    /// Starts the member `key` of the object `frame`: separator, indentation, key. The value follows.
    mutating func beginMember(_ key: String, in frame: CanonicalJSONStream.FrameRef) -> Bool {
        guard activate(frame) else { return false }
        let index = frame.index
        if frames[index].count > 0 { out.append(UInt8(ascii: ",")) }
        frames[index].count += 1
        members.append(Member(key: key, start: out.count))
        newline(frames[index].depth + 1)
        writeString(key)
        out.append(UInt8(ascii: ":"))
        out.append(UInt8(ascii: " "))
        return true
    }

    /// Starts the next item of the array `frame`.
    mutating func beginItem(in frame: CanonicalJSONStream.FrameRef) -> Bool {
        guard activate(frame) else { return false }
        let index = frame.index
        if frames[index].count > 0 { out.append(UInt8(ascii: ",")) }
        frames[index].count += 1
        newline(frames[index].depth + 1)
        return true
    }

    mutating func newline(_ indent: Int) {
        CanonicalJSON.newline(indent, into: &out)
    }

    mutating func closeTop() {
        let frame = frames.removeLast()
        guard frame.count > 0 else {
            out.append(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
            return
        }
        if frame.isObject {
            putMembersInOrder(from: frame.membersBase, keys: frame.keys)
            members.removeSubrange(frame.membersBase...)
        }
        newline(frame.depth)
        out.append(frame.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
    }

    // MARK: Key order

    /// The order seen before for exactly these keys of a `CodingKey` type (an optional member
    /// that is nil drops out, so a type has a few patterns).
    func knownOrder(_ keys: ObjectIdentifier, base: Int, count: Int) -> KnownOrder? {
        guard let patterns = knownOrders[keys] else { return nil }
        search: for pattern in patterns.reversed() where pattern.keys.count == count {
            for index in 0..<count where pattern.keys[index] != members[base + index].key { continue search }
            return pattern
        }
        return nil
    }

    /// Sorts `order` (positions of `members[base...]`) into key order; false on a repeated key.
    mutating func computeOrder(from base: Int, count: Int) -> Bool {
        order.removeAll(keepingCapacity: true)
        order.append(contentsOf: 0..<count)
        var sorted = true
        for index in 1..<count
        where !CanonicalJSON.precedes(members[base + index - 1].key, members[base + index].key) {
            sorted = false
            break
        }
        guard !sorted else { return true }
        let members = self.members
        order.sort { CanonicalJSON.precedes(members[base + $0].key, members[base + $1].key) }
        for position in 1..<count where members[base + order[position]].key == members[base + order[position - 1]].key {
            return false
        }
        return true
    }

    /// Reorders the members `members[base...]`, which end at `out.count`, into key order.
    mutating func putMembersInOrder(from base: Int, keys: ObjectIdentifier?) {
        let count = members.count - base
        guard count > 1 else { return }
        if let keys, let seen = knownOrder(keys, base: base, count: count) {
            if seen.isIdentity { return }
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: seen.order)
        } else {
            guard computeOrder(from: base, count: count) else {
                unsupported = true
                return
            }
            let isIdentity = order.indices.allSatisfy { order[$0] == $0 }
            if let keys {
                var seen = knownOrders[keys, default: []]
                if seen.count >= 8 { seen.removeFirst() }
                seen.append(
                    KnownOrder(keys: members[base..<(base + count)].map(\.key), order: order, isIdentity: isIdentity))
                knownOrders[keys] = seen
            }
            if isIdentity { return }
        }

        // Member k's text is [start(k), stop(k)); a comma separates consecutive members.
        let end = out.count
        func start(_ k: Int) -> Int { members[base + k].start }
        func stop(_ k: Int) -> Int { k + 1 < count ? members[base + k + 1].start - 1 : end }
        // Members already in place at the front are left alone.
        var first = 0
        while first < count && order[first] == first { first += 1 }
        let spanStart = start(first)
        // The largest member of the rest is moved once, straight to its final place; the others
        // go through `scratch`.
        var largest = first
        for k in first..<count where stop(k) - start(k) > stop(largest) - start(largest) { largest = k }
        scratch.removeAll(keepingCapacity: true)
        scratchOffset.removeAll(keepingCapacity: true)
        targets.removeAll(keepingCapacity: true)
        for k in 0..<count {
            scratchOffset.append(scratch.count)
            targets.append(0)
            if k >= first && k != largest { scratch.append(contentsOf: out[start(k)..<stop(k)]) }
        }
        var target = spanStart
        for position in first..<count {
            let k = order[position]
            targets[k] = target
            target += stop(k) - start(k) + 1
        }
        let largestStart = start(largest)
        let largestLength = stop(largest) - largestStart
        pieces.removeAll(keepingCapacity: true)
        for position in first..<count {
            let k = order[position]
            pieces.append(
                Piece(
                    from: k == largest ? -1 : scratchOffset[k], to: targets[k], length: stop(k) - start(k),
                    commaAfter: position + 1 < count))
        }
        let scratch = self.scratch
        let pieces = self.pieces
        out.withUnsafeMutableBufferPointer { output in
            let base = output.baseAddress!
            (base + targets[largest]).update(from: base + largestStart, count: largestLength)  // memmove
            scratch.withUnsafeBufferPointer { saved in
                for piece in pieces {
                    if piece.from >= 0 {
                        (base + piece.to).update(from: saved.baseAddress! + piece.from, count: piece.length)
                    }
                    if piece.commaAfter { base[piece.to + piece.length] = UInt8(ascii: ",") }
                }
            }
        }
    }

    // MARK: Coding path

    func codingPath(through frameIndex: Int) -> [any CodingKey] {
        guard frameIndex >= 0, !frames.isEmpty else { return [] }
        var path: [any CodingKey] = []
        for index in 0...min(frameIndex, frames.count - 1) {
            if let key = frames[index].key.codingKey { path.append(key) }
        }
        return path
    }
}

struct IndexKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init?(stringValue: String) { return nil }
    init(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

private struct CanonicalJSONStreamEncoder: Encoder {
    let stream: CanonicalJSONStream
    let slot: Int
    let depth: Int
    let key: CanonicalJSONStream.PathKey
    let parent: Int

    var codingPath: [any CodingKey] {
        stream.codingPath(through: parent) + (key.codingKey.map { [$0] } ?? [])
    }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let frame = stream.open(
            isObject: true, keys: ObjectIdentifier(Key.self), slot: slot, depth: depth, key: key, parent: parent)
        return KeyedEncodingContainer(StreamKeyedContainer<Key>(stream: stream, frame: frame))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let frame = stream.open(isObject: false, keys: nil, slot: slot, depth: depth, key: key, parent: parent)
        return StreamUnkeyedContainer(stream: stream, frame: frame)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        StreamSingleValueContainer(stream: stream, slot: slot, depth: depth, key: key, parent: parent)
    }
}

private struct StreamKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let stream: CanonicalJSONStream
    let frame: CanonicalJSONStream.FrameRef

    var codingPath: [any CodingKey] { stream.codingPath(through: frame.index) }

    mutating func encodeNil(forKey key: Key) throws {
        guard stream.beginMember(key.stringValue, in: frame) else { return }
        stream.writeNull()
    }

    mutating func encode(_ value: String, forKey key: Key) throws {
        guard stream.beginMember(key.stringValue, in: frame) else { return }
        stream.writeString(value)
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        guard stream.beginMember(key.stringValue, in: frame) else { return }
        stream.writeBool(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        guard stream.beginMember(key.stringValue, in: frame) else { return }
        stream.writeInteger(value)
    }

    mutating func encode(_ value: Int64, forKey key: Key) throws {
        guard stream.beginMember(key.stringValue, in: frame) else { return }
        stream.writeInteger(value)
    }

    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        guard stream.beginMember(key.stringValue, in: frame) else { return }
        stream.writeInteger(value)
    }

    mutating func encode(_ value: Double, forKey key: Key) throws {
        guard stream.beginMember(key.stringValue, in: frame) else { return }
        try stream.writeDouble(value)
    }

    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws {
        guard let value else { return }
        try encode(value, forKey: key)
    }

    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws {
        guard let value else { return }
        try encode(value, forKey: key)
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws {
        guard let value else { return }
        try encode(value, forKey: key)
    }

    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else { return }
        try encode(value, forKey: key)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        guard stream.beginMember(key.stringValue, in: frame) else { return }
        let slot = stream.newSlot()
        try stream.encodeValue(
            value, slot: slot, depth: stream.depth(of: frame) + 1, key: .key(key), parent: frame.index)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        guard stream.beginMember(key.stringValue, in: frame) else {
            return KeyedEncodingContainer(StreamKeyedContainer<NestedKey>(stream: stream, frame: .invalid))
        }
        let nested = stream.push(
            isObject: true, keys: ObjectIdentifier(NestedKey.self), depth: stream.depth(of: frame) + 1, key: .key(key))
        return KeyedEncodingContainer(StreamKeyedContainer<NestedKey>(stream: stream, frame: nested))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        guard stream.beginMember(key.stringValue, in: frame) else {
            return StreamUnkeyedContainer(stream: stream, frame: .invalid)
        }
        let nested = stream.push(isObject: false, keys: nil, depth: stream.depth(of: frame) + 1, key: .key(key))
        return StreamUnkeyedContainer(stream: stream, frame: nested)
    }

    mutating func superEncoder() -> any Encoder {
        stream.markUnsupported()
        return CanonicalJSONStreamEncoder(stream: stream, slot: -1, depth: 0, key: .none, parent: -1)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        superEncoder()
    }
}

private struct StreamUnkeyedContainer: UnkeyedEncodingContainer {
    let stream: CanonicalJSONStream
    let frame: CanonicalJSONStream.FrameRef

    var codingPath: [any CodingKey] { stream.codingPath(through: frame.index) }
    var count: Int { stream.count(of: frame) }

    mutating func encodeNil() throws {
        guard stream.beginItem(in: frame) else { return }
        stream.writeNull()
    }

    mutating func encode(_ value: String) throws {
        guard stream.beginItem(in: frame) else { return }
        stream.writeString(value)
    }

    mutating func encode(_ value: Int) throws {
        guard stream.beginItem(in: frame) else { return }
        stream.writeInteger(value)
    }

    mutating func encode(_ value: Bool) throws {
        guard stream.beginItem(in: frame) else { return }
        stream.writeBool(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        guard stream.beginItem(in: frame) else { return }
        let slot = stream.newSlot()
        try stream.encodeValue(
            value, slot: slot, depth: stream.depth(of: frame) + 1, key: .index(count - 1), parent: frame.index)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<
        NestedKey
    > {
        guard stream.beginItem(in: frame) else {
            return KeyedEncodingContainer(StreamKeyedContainer<NestedKey>(stream: stream, frame: .invalid))
        }
        let nested = stream.push(
            isObject: true, keys: ObjectIdentifier(NestedKey.self), depth: stream.depth(of: frame) + 1,
            key: .index(count - 1))
        return KeyedEncodingContainer(StreamKeyedContainer<NestedKey>(stream: stream, frame: nested))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        guard stream.beginItem(in: frame) else { return StreamUnkeyedContainer(stream: stream, frame: .invalid) }
        let nested = stream.push(isObject: false, keys: nil, depth: stream.depth(of: frame) + 1, key: .index(count - 1))
        return StreamUnkeyedContainer(stream: stream, frame: nested)
    }

    mutating func superEncoder() -> any Encoder {
        stream.markUnsupported()
        return CanonicalJSONStreamEncoder(stream: stream, slot: -1, depth: 0, key: .none, parent: -1)
    }
}

private struct StreamSingleValueContainer: SingleValueEncodingContainer {
    let stream: CanonicalJSONStream
    let slot: Int
    let depth: Int
    let key: CanonicalJSONStream.PathKey
    let parent: Int

    var codingPath: [any CodingKey] {
        stream.codingPath(through: parent) + (key.codingKey.map { [$0] } ?? [])
    }

    mutating func encodeNil() throws {
        guard stream.claim(slot) else { return }
        stream.writeNull()
    }

    mutating func encode(_ value: String) throws {
        guard stream.claim(slot) else { return }
        stream.writeString(value)
    }

    mutating func encode(_ value: Bool) throws {
        guard stream.claim(slot) else { return }
        stream.writeBool(value)
    }

    mutating func encode(_ value: Int) throws {
        guard stream.claim(slot) else { return }
        stream.writeInteger(value)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        guard stream.isPending(slot) else { return }
        try stream.encodeValue(value, slot: slot, depth: depth, key: key, parent: parent)
    }
}
