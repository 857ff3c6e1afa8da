import Foundation
import RewireTestSupport
import Testing

/// What `@CanonicalJSONWritable` generates and what it refuses, seen through the compiler: each
/// case type-checks a snippet against the built `RewireModel` with the built plugin. (A test target
/// depending on the macro target directly would make SwiftPM build every test target a second
/// time, for the host.)
@Suite struct CanonicalJSONWritableMacroTests {
    /// `swiftc -typecheck` of `source`, printing the macro's expansions.
    static func typecheck(_ source: String) throws -> ProcessResult {
        let directory = try TemporaryDirectory()
        let file = try directory.write("snippet.swift", source)
        let plugin = Paths.macroPlugin
        return try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "swiftc", "-typecheck", "-I", plugin.deletingLastPathComponent().appendingPathComponent("Modules").path,
                "-load-plugin-executable", "\(plugin.path)#RewireMacros", "-Xfrontend", "-dump-macro-expansions", file,
            ])
    }

    @Test func membersInCanonicalOrderSkippingComputedAndStatic() throws {
        let result = try Self.typecheck(
            """
            import RewireModel
            @CanonicalJSONWritable
            public struct Disk: Codable {
                static let unit = "GiB"
                public var name: String
                public var sizeGB: Int?
                public var lun: Int { didSet {} }
                public var schemaVersion: Int
                var label: String { name }
            }
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stderr.contains(
                """
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
                """), "\(result.stderr)")
    }

    @Test func codingKeysGiveTheMembersAndTheirNames() throws {
        let result = try Self.typecheck(
            """
            import RewireModel
            @CanonicalJSONWritable
            struct Rule: Codable {
                var name: String
                var cache: [String] = []
                var `default`: Bool
                enum CodingKeys: String, CodingKey {
                    case name = "Name \\"quoted\\""
                    case `default`
                }
            }
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains(##"writer.member(#"Name "quoted""#, self.name, in: &object)"##), "\(result.stderr)")
        #expect(result.stderr.contains("writer.member(\"default\", self.`default`, in: &object)"), "\(result.stderr)")
        #expect(!result.stderr.contains("cache"))
    }

    @Test func rawValueEnumsWriteTheirRawValue() throws {
        let result = try Self.typecheck(
            """
            import RewireModel
            @CanonicalJSONWritable
            public enum Kind: String, Codable {
                case a, b = "B"
            }
            """)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("self.rawValue.writeCanonicalJSON(to: &writer)"), "\(result.stderr)")
    }

    /// A member whose type has no writer is a compile error, not a member left out.
    @Test func aMemberWithoutAWriterDoesNotCompile() throws {
        let result = try Self.typecheck(
            """
            import RewireModel
            struct Opaque: Codable {}
            @CanonicalJSONWritable
            struct Holder: Codable {
                var inside: Opaque
            }
            """)
        #expect(result.status != 0)
        #expect(result.stderr.contains("CanonicalJSONWritable"), "\(result.stderr)")
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
    func refusesWhatItCannotWriteLikeEncodable(_ declaration: String, _ message: String) throws {
        let result = try Self.typecheck("import RewireModel\n@CanonicalJSONWritable\n" + declaration)
        #expect(result.status != 0)
        #expect(result.stderr.contains("snippet.swift:2:1: error: \(message)"), "\(result.stderr)")
    }
}
