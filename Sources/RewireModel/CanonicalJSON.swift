/// The one way rewire writes JSON files: keys sorted (with `schemaVersion` first, so a reader sees
/// the version before anything else), two-space indentation, arrays in the order the model keeps
/// them, `/` not escaped, a final newline. Same value, same bytes.
public enum CanonicalJSON {
    /// Keys that sort before all others, in this order.
    static let leadingKeys = ["schemaVersion"]

    /// A value with a `CanonicalJSONWritable` conformance writes itself; any other goes through
    /// `Encodable` (`CanonicalJSONTreeEncoder`). Same bytes either way.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        if let writable = value as? any CanonicalJSONWritable { return write(writable) }
        var out = try CanonicalJSONTreeEncoder().encode(value)
        out.append(0x0A)  // capacity was reserved with room to spare: no copy
        return out
    }

    /// The canonical bytes of `value`, final newline included.
    public static func write(_ value: some CanonicalJSONWritable) -> [UInt8] {
        var writer = CanonicalJSONWriter()
        value.writeCanonicalJSON(to: &writer)
        writer.bytes.append(0x0A)
        return writer.bytes
    }

    /// Writes the canonical bytes of `value` (final newline included) to `sink` in pieces of about
    /// `chunkSize` bytes, in order, so that a large manifest is written out while it is encoded
    /// rather than held whole. The first error `sink` throws stops the calls and is rethrown.
    public static func write<Failure: Error>(
        _ value: some CanonicalJSONWritable, chunkSize: Int, to sink: ([UInt8]) throws(Failure) -> Void
    ) throws(Failure) {
        var failure: Failure?
        try withoutActuallyEscaping({ (chunk: [UInt8]) in
            guard failure == nil else { return }
            do throws(Failure) { try sink(chunk) } catch { failure = error }
        }) { (escapable) throws(Failure) in
            var writer = CanonicalJSONWriter(chunkSize: chunkSize, sink: escapable)
            value.writeCanonicalJSON(to: &writer)
            writer.bytes.append(0x0A)
            if let failure { throw failure }
            try sink(writer.bytes)
        }
    }

    public static func render(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(value, indent: 0, into: &out)
        out.append(0x0A)
        return out
    }

    /// Keys sorted by their UTF-8 bytes, the `leadingKeys` first.
    static func ordered<Member>(_ members: [Member], key: (Member) -> String) -> [Member] {
        members.sorted { precedes(key($0), key($1)) }
    }

    /// The canonical key order: `leadingKeys` first, then by UTF-8 bytes.
    static func precedes(_ a: String, _ b: String) -> Bool {
        let aLeads = leadingKeys.firstIndex(of: a)
        let bLeads = leadingKeys.firstIndex(of: b)
        if aLeads != nil || bLeads != nil { return (aLeads ?? Int.max) < (bLeads ?? Int.max) }
        var a = a
        var b = b
        return a.withUTF8 { x in b.withUTF8 { y in x.lexicographicallyPrecedes(y) } }
    }

    static func write(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let text): appendString(text, to: &out)
        case .array(let items):
            if items.isEmpty {
                out.append(contentsOf: "[]".utf8)
                return
            }
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                write(item, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            if members.isEmpty {
                out.append(contentsOf: "{}".utf8)
                return
            }
            out.append(UInt8(ascii: "{"))
            for (index, member) in ordered(members, key: \.key).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1, into: &out)
                appendString(member.key, to: &out)
                out.append(contentsOf: ": ".utf8)
                write(member.value, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A line break and the indentation of level `indent`. Copied from a static string, not a
    /// shared array: slicing an array retains it, and writers on two threads (`CanonicalJSONWriter`
    /// splits large arrays) then contend on that one reference count for every line.
    static func newline(_ indent: Int, into out: inout [UInt8]) {
        lineBreakAndSpaces.withUTF8Buffer { text in
            var remaining = indent * 2 + 1
            var start = 0  // the line break once, then only spaces
            while remaining > 0 {
                let chunk = min(remaining, text.count - start)
                out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<(start + chunk)]))
                remaining -= chunk
                start = 1
            }
        }
    }

    /// A line break and 64 spaces.
    private static let lineBreakAndSpaces: StaticString =
        "\n                                                                "

    /// `text` as a JSON string: `"` and `\` escaped, control characters as `\n`, `\r`, `\t` or `\u00XX`,
    /// everything else (`/` and non-ASCII included) as it is.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { appendString($0, to: &out) }
    }

    static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var clean = 0  // start of the run of bytes that need no escape
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<index]))
            clean = index + 1
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            default:
                let hex: StaticString = "0123456789abcdef"
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex.utf8Start[Int(byte >> 4)])
                out.append(hex.utf8Start[Int(byte & 0x0F)])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<bytes.count]))
        out.append(UInt8(ascii: "\""))
    }

    /// An integer in decimal, without going through `String`.
    static func appendInteger<I: BinaryInteger>(_ number: I, to out: inout [UInt8]) {
        if number < 0 { out.append(UInt8(ascii: "-")) }
        var rest = UInt64(number.magnitude)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // room for 24 digits; UInt64 needs 20
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[position...]))
        }
    }
}
