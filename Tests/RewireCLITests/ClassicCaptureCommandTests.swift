import Foundation
import RewireModel
import RewireTestSupport
import Testing

/// `rewire capture` on classic XML, through the built binary: the fixtures capture, and hostile or
/// broken documents stop with exit 65, one line on stderr naming the file and place, and no manifest.
@Suite("rewire capture, classic XML")
struct ClassicCaptureCommandTests {
    static let fixtures = Paths.shared.appendingPathComponent("fixtures/classic")
    static let wa = "http://schemas.microsoft.com/windowsazure"

    @Test func capturesEveryClassicFixtureIntoASchemaValidManifest() throws {
        let directory = try TemporaryDirectory()
        let manifest = directory.path("manifest.json")
        let result = try ProcessRunner.rewire(["capture", Self.fixtures.path, "-o", manifest])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("captured 16 VM(s)"))
        let decoded = try Manifest.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: manifest))))
        #expect(decoded.virtualMachines.allSatisfy { $0.classic != nil })
        let schema = Paths.repository.appendingPathComponent("schema/manifest.schema.json").path
        let validation = try ProcessRunner.python([
            "-c",
            "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
            schema, manifest,
        ])
        #expect(validation.status == 0, "\(validation.stderr)")
    }

    @Test(arguments: [
        (
            "xxe-file.xml",
            "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Deployment xmlns=\"\(wa)\">&x;</Deployment>",
            "external entity"
        ),
        (
            "xxe-http.xml",
            "<!DOCTYPE d [<!ENTITY x SYSTEM \"http://127.0.0.1:9/x\">]><Deployment xmlns=\"\(wa)\">&x;</Deployment>",
            "external entity"
        ),
        (
            "laughs.xml",
            "<!DOCTYPE d [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><Deployment xmlns=\"\(wa)\">&b;</Deployment>",
            "declares the entity"
        ),
        (
            "dtd.xml", "<!DOCTYPE Deployment SYSTEM \"http://127.0.0.1:9/d.dtd\"><Deployment xmlns=\"\(wa)\"/>",
            "external DTD"
        ),
        ("malformed.xml", "<Deployment xmlns=\"\(wa)\"><Name>x</Nmae></Deployment>", "not well-formed"),
        ("truncated.xml", "<Deployment xmlns=\"\(wa)\"><RoleList><Role><RoleName>vm", "not well-formed"),
        ("wrong-root.xml", "<Subscription xmlns=\"\(wa)\"/>", "found <Subscription>"),
        (
            "https-namespace.xml", "<Deployment xmlns=\"https://schemas.microsoft.com/windowsazure\"/>",
            "rendering artifact"
        ),
    ])
    func refusesHostileAndBrokenDocumentsWithExit65AndNoManifest(name: String, text: String, expected: String) throws {
        let directory = try TemporaryDirectory()
        let input = try directory.write(name, text)
        let manifest = directory.path("manifest.json")
        let result = try ProcessRunner.rewire(["capture", input, "-o", manifest])
        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("\(input):1"), "\(result.stderr)")
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("root:x:0:0"))
        #expect(!FileManager.default.fileExists(atPath: manifest))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time")))
    func refusesA100MegabyteDocumentInBoundedMemory() throws {
        let directory = try TemporaryDirectory()
        let input = directory.path("huge.xml")
        #expect(FileManager.default.createFile(atPath: input, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: input))
        handle.write(Data("<Deployment xmlns=\"\(Self.wa)\"><RoleList>".utf8))
        let chunk = Data(repeating: UInt8(ascii: " "), count: 1024 * 1024)
        for _ in 0..<100 { handle.write(chunk) }
        handle.write(Data("</RoleList></Deployment>".utf8))
        try handle.close()
        let manifest = directory.path("manifest.json")
        let result = try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/time"),
            ["-f", "maxrss-kb %M", Paths.rewireBinary.path, "capture", input, "-o", manifest])
        #expect(result.status == 65)
        #expect(result.stderr.contains("byte limit"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: manifest))
        let rss = result.stderr.split(separator: "\n").last { $0.hasPrefix("maxrss-kb ") }.flatMap {
            Int($0.dropFirst(10))
        }
        // The file is read once (100 MB) and refused before libxml2 sees it.
        #expect((rss ?? Int.max) < 400 * 1024, "peak RSS \(rss.map(String.init) ?? "?") KB")
    }
}
