import Testing

@testable import RewireModel

/// Values without a `CanonicalJSONWritable` conformance go through `Encodable`
/// (`CanonicalJSONTreeEncoder`): any conformance, hand-written or synthesized, in canonical form.
@Suite("Canonical JSON of Encodable values")
struct CanonicalJSONEncodableTests {
    func text<T: Encodable>(_ value: T) throws -> String { String(decoding: try CanonicalJSON.encode(value), as: UTF8.self) }

    @Test func scalarsOptionalsAndEmptyContainers() throws {
        let value = Scalars(
            schemaVersion: 1, text: "a\"b\\c\n\t\u{1}é", flag: false, whole: -42, big: Int64.min, unsigned: UInt64.max,
            fraction: 0.25, roundDouble: 3, tiny: 1e-7, optionals: [nil, 1, nil], empty: [], emptyObject: [:],
            nothing: Nothing(), absent: nil)
        #expect(
            try text(value) == """
                {
                  "schemaVersion": 1,
                  "big": -9223372036854775808,
                  "empty": [],
                  "emptyObject": {},
                  "flag": false,
                  "fraction": 0.25,
                  "nothing": {},
                  "optionals": [
                    null,
                    1,
                    null
                  ],
                  "roundDouble": 3,
                  "text": "a\\"b\\\\c\\n\\t\\u0001é",
                  "tiny": 1e-07,
                  "unsigned": 18446744073709551615,
                  "whole": -42
                }

                """)
    }

    @Test func nonFiniteNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try CanonicalJSON.encode(Scalars.with(fraction: .nan)) }
        #expect(throws: EncodingError.self) { try CanonicalJSON.encode(Scalars.with(fraction: .infinity)) }
    }

    /// Synthesized enums with payloads nest a keyed container per case.
    @Test func enumsWithPayloads() throws {
        let value = [Shape.circle(radius: 2), .rectangle(width: 1, height: 3), .point]
        #expect(
            try text(value) == """
                [
                  {
                    "circle": {
                      "radius": 2
                    }
                  },
                  {
                    "rectangle": {
                      "height": 3,
                      "width": 1
                    }
                  },
                  {
                    "point": {}
                  }
                ]

                """)
    }

    /// Hand-written conformances: writing to a container after a later sibling started,
    /// `superEncoder`, a subclass and its superclass sharing one container.
    @Test func handWrittenConformances() throws {
        #expect(try text(Awkward(kind: .interleaved)).contains("\"alpha\": 1,\n  \"zeta\": {\n    \"beta\": \"late\"\n  }"))
        #expect(try text(Awkward(kind: .superEncoder)).contains("\"alpha\": 1,\n  \"zeta\": \"from super\""))
        let derived = try text([Derived(base: 1, extra: "x"), Derived(base: 2, extra: "y")])
        #expect(derived.contains("\"base\": 1,\n    \"extra\": \"x\""))
    }
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

struct Awkward: Encodable, Sendable {
    enum Kind: Sendable { case interleaved, superEncoder }
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
