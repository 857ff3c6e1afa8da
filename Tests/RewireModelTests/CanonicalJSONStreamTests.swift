import PropertyBased
import Testing

@testable import RewireModel

/// `CanonicalJSONEncoder` writes through `CanonicalJSONStream` and falls back to the tree encoder
/// for conformances the stream cannot follow. Both must give the same bytes for every value.
@Suite("Canonical JSON stream encoder")
struct CanonicalJSONStreamTests {
    func stream<T: Encodable>(_ value: T) throws -> (bytes: [UInt8], fellBack: Bool) {
        let stream = CanonicalJSONStream()
        try stream.encodeRoot(value)
        return (stream.takeOutput(), stream.unsupported)
    }

    func tree<T: Encodable>(_ value: T) throws -> [UInt8] {
        try CanonicalJSONTreeEncoder().encode(value)
    }

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func fullManifestSameBytesAsTheTreeEncoder() throws {
        let manifest = fullySetManifest()
        let streamed = try stream(manifest)
        #expect(!streamed.fellBack)
        #expect(text(streamed.bytes) == text(try tree(manifest)))
        #expect(try CanonicalJSON.encode(manifest) == (try tree(manifest)) + [0x0A])
    }

    /// Many VMs of one type: the key order learnt from the first is reused for the others, and a
    /// member left out (a nil optional) must not reuse the wrong order.
    @Test func repeatedObjectsWithAndWithoutOptionalMembers() throws {
        let manifest = manifestWithManyVMs(40)
        let streamed = try stream(manifest)
        #expect(!streamed.fellBack)
        #expect(text(streamed.bytes) == text(try tree(manifest)))
    }

    /// Dictionary keys arrive in hash order and may need escaping; any text, any order.
    @Test func arbitraryDictionariesSameBytes() async throws {
        await propertyCheck(count: 300, input: awkwardDictionaries()) { dictionary in
            let value = Nested(
                name: "n", tags: dictionary, children: [Nested(name: "c", tags: dictionary, children: [])])
            let streamed = try stream(value)
            #expect(!streamed.fellBack)
            #expect(text(streamed.bytes) == text(try tree(value)))
        }
    }

    @Test func scalarsOptionalsAndEmptyContainers() throws {
        let value = Scalars(
            schemaVersion: 1, text: "a\"b\\c\n\t\u{1}é", flag: false, whole: -42, big: Int64.min, unsigned: UInt64.max,
            fraction: 0.25, roundDouble: 3, tiny: 1e-7, optionals: [nil, 1, nil], empty: [], emptyObject: [:],
            nothing: Nothing(), absent: nil)
        let streamed = try stream(value)
        #expect(!streamed.fellBack)
        #expect(text(streamed.bytes) == text(try tree(value)))
        #expect(text(streamed.bytes).hasPrefix("{\n  \"schemaVersion\": 1,\n  \"big\": -9223372036854775808,"))
        #expect(text(streamed.bytes).contains("\"nothing\": {}"))
        #expect(!text(streamed.bytes).contains("absent"))
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try stream(Scalars.with(fraction: .nan)) }
        #expect(throws: EncodingError.self) { try CanonicalJSON.encode(Scalars.with(fraction: .infinity)) }
    }

    /// Nested containers used one after the other (as synthesized enums with payloads do) stream.
    @Test func sequentialNestedContainersStream() throws {
        let value = [Shape.circle(radius: 2), .rectangle(width: 1, height: 3), .point]
        let streamed = try stream(value)
        #expect(!streamed.fellBack)
        #expect(text(streamed.bytes) == text(try tree(value)))
    }

    /// Hand-written conformances the stream cannot follow: writing to a container after a later
    /// sibling started, `superEncoder`, the same key twice. `CanonicalJSON.encode` still gives the
    /// tree encoder's bytes.
    @Test(arguments: [Awkward.Kind.interleaved, .superEncoder, .repeatedKey])
    func awkwardConformancesFallBackToTheTree(_ kind: Awkward.Kind) throws {
        let value = Wrapper(items: [Awkward(kind: kind)])
        #expect(try stream(value).fellBack)
        #expect(try CanonicalJSON.encode(value) == (try tree(value)) + [0x0A])
    }

    /// A class whose `encode(to:)` asks for the keyed container twice (subclass, then super) streams.
    @Test func containerAskedTwiceStreams() throws {
        let value = [Derived(base: 1, extra: "x"), Derived(base: 2, extra: "y")]
        let streamed = try stream(value)
        #expect(!streamed.fellBack)
        #expect(text(streamed.bytes) == text(try tree(value)))
        #expect(text(streamed.bytes).contains("\"base\": 1,\n    \"extra\": \"x\""))
    }
}

private struct Nested: Encodable {
    var name: String
    var tags: [String: String]
    var children: [Nested]
}

private struct Nothing: Encodable {
    func encode(to encoder: any Encoder) throws {}
}

private struct Scalars: Encodable {
    var schemaVersion: Int
    var text: String
    var flag: Bool
    var whole: Int
    var big: Int64
    var unsigned: UInt64
    var fraction: Double
    var roundDouble: Double
    var tiny: Double
    var optionals: [Int?]
    var empty: [String]
    var emptyObject: [String: Int]
    var nothing: Nothing
    var absent: String?

    static func with(fraction: Double) -> Scalars {
        Scalars(
            schemaVersion: 1, text: "", flag: true, whole: 0, big: 0, unsigned: 0, fraction: fraction, roundDouble: 0,
            tiny: 0, optionals: [], empty: [], emptyObject: [:], nothing: Nothing(), absent: nil)
    }
}

private enum Shape: Encodable {
    case circle(radius: Double)
    case rectangle(width: Int, height: Int)
    case point
}

private struct Wrapper: Encodable {
    var items: [Awkward]
}

struct Awkward: Encodable, Sendable {
    enum Kind: Sendable { case interleaved, superEncoder, repeatedKey }
    var kind: Kind

    private enum Keys: String, CodingKey { case zeta, alpha, beta }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        switch kind {
        case .interleaved:
            var first = container.nestedContainer(keyedBy: Keys.self, forKey: .zeta)
            try container.encode(1, forKey: .alpha)
            try first.encode("late", forKey: .beta)
        case .superEncoder:
            try container.encode(1, forKey: .alpha)
            var single = container.superEncoder(forKey: .zeta).singleValueContainer()
            try single.encode("from super")
        case .repeatedKey:
            try container.encode(1, forKey: .alpha)
            try container.encode(2, forKey: .zeta)
            try container.encode(3, forKey: .alpha)
        }
    }
}

private class Base: Encodable {
    var base: Int
    init(base: Int) { self.base = base }
    private enum Keys: String, CodingKey { case base }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(base, forKey: .base)
    }
}

private final class Derived: Base, @unchecked Sendable {
    var extra: String
    init(base: Int, extra: String) {
        self.extra = extra
        super.init(base: base)
    }
    private enum Keys: String, CodingKey { case extra }
    override func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(extra, forKey: .extra)
        try super.encode(to: encoder)
    }
}
