import PropertyBased
import Testing

@testable import RewireModel

/// `@CanonicalJSONWritable` writers must give the bytes `Encodable` gives through the tree encoder,
/// for the model and for every shape of declaration the macro reads.
@Suite("Canonical JSON writer (@CanonicalJSONWritable)")
struct CanonicalJSONWriterTests {
    func tree<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try CanonicalJSONTreeEncoder().encode(value) + [0x0A], as: UTF8.self)
    }

    func written(_ value: some CanonicalJSONWritable) -> String {
        String(decoding: CanonicalJSON.write(value), as: UTF8.self)
    }

    @Test func fullManifestSameBytesAsEncodable() throws {
        let manifest = fullySetManifest()
        #expect(written(manifest) == (try tree(manifest)))
        #expect(try CanonicalJSON.encode(manifest) == CanonicalJSON.write(manifest))
    }

    /// Written in pieces (one per array item at chunk size 1, a few at 4 KiB, one when the chunk
    /// is larger than the document), the pieces are the same bytes in the same order.
    @Test(arguments: [1, 4096, 1 << 30]) func chunkedWriteSameBytes(chunkSize: Int) throws {
        let manifest = manifestWithManyVMs(12)
        var pieces: [[UInt8]] = []
        CanonicalJSON.write(manifest, chunkSize: chunkSize) { pieces.append($0) }
        #expect(pieces.joined().elementsEqual(CanonicalJSON.write(manifest)))
        #expect(pieces.allSatisfy { !$0.isEmpty })
        if chunkSize == 1 {
            #expect(pieces.count > 12)
        } else if chunkSize == 1 << 30 {
            #expect(pieces.count == 1)
        }
    }

    /// An array long enough to be written in two halves on two threads: the same bytes as the
    /// tree encoder, whole or in pieces.
    @Test func arrayWrittenInTwoHalvesSameBytes() throws {
        let manifest = manifestWithManyVMs(CanonicalJSONWriter.itemsWorthTwoThreads + 77)
        let expected = Array(try tree(manifest).utf8)
        #expect(CanonicalJSON.write(manifest) == expected)
        var pieces: [[UInt8]] = []
        CanonicalJSON.write(manifest, chunkSize: 1 << 16) { pieces.append($0) }
        #expect(pieces.count > 2)
        #expect(Array(pieces.joined()) == expected)
    }

    /// The first error the sink throws ends the calls and comes back to the caller.
    @Test func chunkedWriteStopsAtTheFirstError() {
        struct Full: Error, Equatable {}
        var calls = 0
        #expect(throws: Full()) {
            try CanonicalJSON.write(manifestWithManyVMs(12), chunkSize: 1) { (_: [UInt8]) throws(Full) in
                calls += 1
                if calls == 2 { throw Full() }
            }
        }
        #expect(calls == 2)
    }

    @Test func manyVMsWithAndWithoutOptionalMembers() throws {
        let manifest = manifestWithManyVMs(30)
        #expect(written(manifest) == (try tree(manifest)))
        #expect(written(Manifest()) == (try tree(Manifest())))
    }

    @Test func declarationShapesTheMacroReads() throws {
        let value = Shapes(
            zeta: 1, alpha: "a\"\\\n\u{1}é/", observed: true, renamed: "r", default: [nil, 2], absent: nil,
            present: .second, nested: .init(inner: [:]), big: Int64.min, huge: UInt64.max)
        let text = written(value)
        #expect(text == (try tree(value)))
        #expect(text.contains("\"the key\": \"r\""))
        #expect(text.contains("\"default\": [\n    null,\n    2\n  ]"))
        #expect(!text.contains("computed") && !text.contains("shared") && !text.contains("absent"))
        #expect(text.contains("\"nested\": {\n    \"inner\": {}\n  }"))
    }

    @Test func codingKeysChooseAndRenameMembers() throws {
        let value = Keyed(kept: 1, renamed: "x", skipped: "not written")
        #expect(written(value) == (try tree(value)))
        #expect(!written(value).contains("skipped"))
        #expect(written(value).hasPrefix("{\n  \"schemaVersion\": 1,\n  \"b-renamed\": \"x\""))
    }

    /// Dictionary keys arrive in hash order and may need escaping; any text, any order.
    @Test func arbitraryDictionariesSameBytes() async throws {
        await propertyCheck(count: 300, input: awkwardDictionaries()) { dictionary in
            let value = Tree(name: "n", tags: dictionary, children: [Tree(name: "c", tags: dictionary, children: [])])
            let expected = try tree(value)
            #expect(written(value) == expected)
        }
    }

    @Test func integersAtTheirLimits() throws {
        for number in [0, 1, -1, 9, 10, 99, 100, Int.max, Int.min, 1_000_000_007] {
            var writer = CanonicalJSONWriter()
            writer.integer(number)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(number))
        }
    }
}

@CanonicalJSONWritable
struct Shapes: Codable, Equatable {
    static let shared = "never written"
    var zeta: Int
    var alpha: String
    var observed: Bool {
        didSet { zeta += 1 }
    }
    var renamed: String
    var `default`: [Int?]
    var absent: String?
    var present: Choice?
    var nested: Inner
    var big: Int64
    var huge: UInt64
    var computed: Int { zeta * 2 }

    @CanonicalJSONWritable
    struct Inner: Codable, Equatable {
        var inner: [String: Int]
    }

    private enum CodingKeys: String, CodingKey {
        case zeta, alpha, observed, renamed = "the key", `default`, absent, present, nested, big, huge
    }
}

@CanonicalJSONWritable
enum Choice: String, Codable {
    case first
    case second = "the second"
}

@CanonicalJSONWritable
struct Keyed: Codable {
    var kept: Int
    var renamed: String
    var skipped: String = ""

    enum CodingKeys: String, CodingKey {
        case kept = "schemaVersion"
        case renamed = "b-renamed"
    }
}

@CanonicalJSONWritable
struct Tree: Codable {
    var name: String
    var tags: [String: String]
    var children: [Tree]
}
