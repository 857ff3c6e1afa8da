import RewireMacros
import SwiftSyntax
import SwiftSyntaxBuilder
import SwiftSyntaxMacroExpansion
import SwiftSyntaxMacrosGenericTestSupport
import Testing

/// What `@CanonicalJSONWritable` generates, and the declarations it refuses rather than write
/// something other than their `Encodable` conformance would.
@Suite struct CanonicalJSONWritableMacroTests {
    static let specs = [
        "CanonicalJSONWritable": MacroSpec(type: CanonicalJSONWritableMacro.self, conformances: ["CanonicalJSONWritable"])
    ]

    /// Expands `@CanonicalJSONWritable` on `declaration`; expects `generated` after it (nothing
    /// when nil) and the diagnostics given.
    func expand(
        _ declaration: String, generated: String?, diagnostics: [DiagnosticSpec] = [],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        assertMacroExpansion(
            "@CanonicalJSONWritable\n" + declaration, expandedSource: declaration + (generated.map { "\n\n" + $0 } ?? ""),
            diagnostics: diagnostics, macroSpecs: Self.specs
        ) { failure in
            Issue.record(Comment(rawValue: failure.message), sourceLocation: sourceLocation)
        }
    }

    @Test func membersInCanonicalOrderSkippingComputedAndStatic() {
        expand(
            """
            public struct Disk: Codable {
                static let unit = "GiB"
                public var name: String
                public var sizeGB: Int?
                public var lun: Int { didSet {} }
                public var schemaVersion: Int
                var label: String { name }
            }
            """,
            generated: """
            extension Disk: CanonicalJSONWritable {
                public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) {
                    var object = writer.beginObject()
                    writer.member("schemaVersion", self.schemaVersion, in: &object)
                    writer.member("lun", self.lun, in: &object)
                    writer.member("name", self.name, in: &object)
                    writer.member("sizeGB", self.sizeGB, in: &object)
                    writer.endObject(object)
                }
            }
            """)
    }

    @Test func codingKeysGiveTheMembersAndTheirNames() {
        expand(
            """
            struct Rule: Codable {
                var name: String
                var cache: [String] = []
                var `default`: Bool
                enum CodingKeys: String, CodingKey {
                    case name = "Name \\"quoted\\""
                    case `default`
                }
            }
            """,
            generated: """
            extension Rule: CanonicalJSONWritable {
                func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) {
                    var object = writer.beginObject()
                    writer.member(#"Name "quoted""#, self.name, in: &object)
                    writer.member("default", self.`default`, in: &object)
                    writer.endObject(object)
                }
            }
            """)
    }

    @Test func rawValueEnumsWriteTheirRawValue() {
        expand(
            """
            public enum Kind: String, Codable {
                case a, b = "B"
            }
            """,
            generated: """
            extension Kind: CanonicalJSONWritable {
                public func writeCanonicalJSON(to writer: inout CanonicalJSONWriter) {
                    self.rawValue.writeCanonicalJSON(to: &writer)
                }
            }
            """)
    }

    @Test(arguments: [
        (
            "struct S: Codable {\n    var a: Int\n    func encode(to encoder: any Encoder) throws {}\n}",
            "@CanonicalJSONWritable cannot follow a hand-written encode(to:) of S; remove one of them"
        ),
        ("enum E: Codable {\n    case a(Int)\n}", "@CanonicalJSONWritable needs enum E to have a String or Int raw value"),
        ("class C: Codable {\n    var a = 1\n}", "@CanonicalJSONWritable applies to a struct or a raw-value enum"),
        ("struct L: Codable {\n    lazy var a = 1\n}", "@CanonicalJSONWritable does not handle lazy properties"),
        (
            "struct K: Codable {\n    var a: Int\n    enum CodingKeys: Int, CodingKey {\n        case a = 1\n    }\n}",
            "@CanonicalJSONWritable needs CodingKeys of K to have string raw values"
        ),
    ])
    func refusesWhatItCannotWriteLikeEncodable(_ declaration: String, _ message: String) {
        expand(declaration, generated: nil, diagnostics: [DiagnosticSpec(message: message, line: 1, column: 1)])
    }
}
