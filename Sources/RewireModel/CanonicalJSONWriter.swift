import Dispatch

/// Generates a type's `CanonicalJSONWritable` conformance: its stored properties (or its
/// `CodingKeys`) written in canonical key order, exactly as `CanonicalJSON.encode` would write
/// the type's synthesized `Encodable` conformance, without going through `Encoder`.
@attached(extension, conformances: CanonicalJSONWritable, names: named(writeCanonicalJSON))
public macro CanonicalJSONWritable() = #externalMacro(module: "RewireMacros", type: "CanonicalJSONWritableMacro")

/// A value that writes its own canonical JSON. Conform with `@CanonicalJSONWritable`; the standard
/// library's strings, integers, booleans, arrays, optionals and string-keyed dictionaries conform
/// below. `CanonicalJSON.encode` uses the conformance when the value has one, which writes the
/// same bytes as the `Encodable` path in a fraction of the time (see BENCHMARKS.md).
///
/// `Sendable`: a writer may write the items of a large array on two threads (see `array`).
public protocol CanonicalJSONWritable: Encodable, Sendable {
    func writeCanonicalJSON(to writer: inout CanonicalJSONWriter)
}

/// Appends canonical JSON (`CanonicalJSON`'s format: two-space indentation, `": "` after a key,
/// empty containers as `{}` / `[]`) for the values handed to it. The code `@CanonicalJSONWritable`
/// generates calls `beginObject`, `member` and `endObject`; the key order is the caller's.
public struct CanonicalJSONWriter {
    public internal(set) var bytes: [UInt8] = []
    /// The indentation level of the members of the innermost open container.
    var depth = 0
    /// Where `bytes` goes once it holds `chunkSize` bytes (checked after each array item), so that
    /// a large document is written out while it is produced instead of held whole. Nil: kept.
    private var sink: (([UInt8]) -> Void)?
    private var chunkSize = Int.max

    /// An open object: whether a member has been written yet.
    public struct Object {
        var isEmpty = true
    }

    public init() {
        bytes.reserveCapacity(1 << 16)
    }

    /// A writer that hands `sink` its bytes in pieces of about `chunkSize` (an array item can take
    /// a piece past it); what is left at the end is the caller's to hand over (`bytes`).
    init(chunkSize: Int, sink: @escaping ([UInt8]) -> Void) {
        bytes.reserveCapacity(chunkSize + chunkSize / 4)
        self.sink = sink
        self.chunkSize = chunkSize
    }

    public mutating func beginObject() -> Object {
        bytes.append(UInt8(ascii: "{"))
        depth += 1
        return Object()
    }

    /// Writes `"key": value`. The key must be the next in canonical order.
    public mutating func member<Value: CanonicalJSONWritable>(_ key: StaticString, _ value: Value, in object: inout Object) {
        separate(&object)
        key.withUTF8Buffer { CanonicalJSON.appendString($0, to: &bytes) }
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        value.writeCanonicalJSON(to: &self)
    }

    /// Leaves the member out when `value` is nil, as a synthesized `encode(to:)` does.
    public mutating func member<Value: CanonicalJSONWritable>(_ key: StaticString, _ value: Value?, in object: inout Object) {
        guard let value else { return }
        member(key, value, in: &object)
    }

    /// Writes a member whose key is only known at run time (a dictionary's).
    mutating func member<Value: CanonicalJSONWritable>(key: String, _ value: Value, in object: inout Object) {
        separate(&object)
        CanonicalJSON.appendString(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        bytes.append(UInt8(ascii: " "))
        value.writeCanonicalJSON(to: &self)
    }

    public mutating func endObject(_ object: Object) {
        depth -= 1
        if !object.isEmpty { CanonicalJSON.newline(depth, into: &bytes) }
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func array<Element: CanonicalJSONWritable>(_ items: [Element]) {
        bytes.append(UInt8(ascii: "["))
        guard !items.isEmpty else {
            bytes.append(UInt8(ascii: "]"))
            return
        }
        depth += 1
        if items.count >= Self.itemsWorthTwoThreads, splitsArrays {
            writeInTwoHalves(items)
        } else {
            write(items[...])
        }
        depth -= 1
        CanonicalJSON.newline(depth, into: &bytes)
        bytes.append(UInt8(ascii: "]"))
    }

    /// Writes each item after its separator (the first item of the array has none).
    private mutating func write<Element: CanonicalJSONWritable>(_ items: ArraySlice<Element>) {
        for index in items.indices {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            CanonicalJSON.newline(depth, into: &bytes)
            items[index].writeCanonicalJSON(to: &self)
            if bytes.count >= chunkSize, let sink {
                sink(bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
    }

    /// An array of thousands of items (a manifest's VMs) is written on two threads: the second
    /// half by a writer of its own, whose bytes follow the first half's. Same bytes as one thread.
    static var itemsWorthTwoThreads: Int { 1024 }
    /// Only the outermost large array is split: neither half splits an array inside it again.
    private var splitsArrays = true

    private mutating func writeInTwoHalves<Element: CanonicalJSONWritable>(_ items: [Element]) {
        splitsArrays = false
        defer { splitsArrays = true }
        let middle = items.count / 2
        var second = CanonicalJSONWriter()
        second.depth = depth
        second.splitsArrays = false
        second.bytes.reserveCapacity(bytes.capacity)
        withUnsafeMutablePointer(to: &self) { first in
            withUnsafeMutablePointer(to: &second) { second in
                // concurrentPerform runs the halves on two threads when it has them and one after
                // the other on this thread when it does not; each half touches only its writer.
                nonisolated(unsafe) let writers = (first, second)
                DispatchQueue.concurrentPerform(iterations: 2) { half in
                    if half == 0 {
                        writers.0.pointee.write(items[..<middle])
                    } else {
                        writers.1.pointee.write(items[middle...])
                    }
                }
            }
        }
        if let sink {
            sink(bytes)
            bytes.removeAll(keepingCapacity: true)
            sink(second.bytes)
        } else {
            bytes += second.bytes
        }
    }

    public mutating func string(_ text: String) {
        CanonicalJSON.appendString(text, to: &bytes)
    }

    public mutating func integer<Integer: BinaryInteger>(_ number: Integer) {
        CanonicalJSON.appendInteger(number, to: &bytes)
    }

    public mutating func bool(_ flag: Bool) {
        bytes.append(contentsOf: (flag ? "true" : "false").utf8)
    }

    public mutating func null() {
        bytes.append(contentsOf: "null".utf8)
    }

    private mutating func separate(_ object: inout Object) {
        if object.isEmpty {
            object.isEmpty = false
        } else {
            bytes.append(UInt8(ascii: ","))
        }
        CanonicalJSON.newline(depth, into: &bytes)
    }
}

extension String: CanonicalJSONWritable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) { writer.string(self) }
}

extension Bool: CanonicalJSONWritable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) { writer.bool(self) }
}

extension Int: CanonicalJSONWritable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) { writer.integer(self) }
}

extension Int64: CanonicalJSONWritable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) { writer.integer(self) }
}

extension UInt64: CanonicalJSONWritable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) { writer.integer(self) }
}

extension Array: CanonicalJSONWritable where Element: CanonicalJSONWritable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) { writer.array(self) }
}

/// A nil that is written (an array item; a member that is nil is left out instead).
extension Optional: CanonicalJSONWritable where Wrapped: CanonicalJSONWritable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) {
        if let self { self.writeCanonicalJSON(to: &writer) } else { writer.null() }
    }
}

/// An object with the dictionary's keys in canonical order.
extension Dictionary: CanonicalJSONWritable where Key == String, Value: CanonicalJSONWritable {
    public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) {
        var object = writer.beginObject()
        for (key, value) in sorted(by: { CanonicalJSON.precedes($0.key, $1.key) }) {
            writer.member(key: key, value, in: &object)
        }
        writer.endObject(object)
    }
}
