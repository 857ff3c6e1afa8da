import Foundation
import RewireModel
import RewireTestSupport
import Testing

@Suite("rewire capture and script, end to end")
struct CaptureScriptCommandTests {
    @Test func helpListsTheCommandsAndTheExitCodes() throws {
        let result = try ProcessRunner.rewire(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("capture") && result.stdout.contains("script"))
        #expect(result.stdout.contains("65 bad input") && result.stdout.contains("70 internal error"))
        let capture = try ProcessRunner.rewire(["capture", "--help"])
        #expect(capture.stdout.contains("--format") && capture.stdout.contains("--vm"))
    }

    @Test func capturesTheExampleAndWritesScriptsThatPassPSCheck() throws {
        let directory = try TemporaryDirectory()
        let manifest = directory.path("manifest.json")
        let capture = try ProcessRunner.rewire(["capture", Paths.examples.appendingPathComponent("estate/azcli").path, "-o", manifest])
        #expect(capture.status == 0, "\(capture.stderr)")
        #expect(capture.stdout.contains("captured 2 VM(s), 3 NIC(s), 1 load balancer(s), 2 public IP(s), 1 NSG(s)"))
        let decoded = try Manifest.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: manifest))))
        #expect(decoded.virtualMachines.map(\.name) == ["web01", "web02"])

        let schema = Paths.repository.appendingPathComponent("schema/manifest.schema.json").path
        let validation = try ProcessRunner.python([
            "-c", "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
            schema, manifest,
        ])
        #expect(validation.status == 0, "\(validation.stderr)")

        let out = directory.path("restore")
        let script = try ProcessRunner.rewire(["script", manifest, "-o", out])
        #expect(script.status == 0, "\(script.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(files == ["RUNBOOK.md", "restore-all.ps1", "web01.ps1", "web02.ps1"])
        let findings = try PSCheck.findings(files.filter { $0.hasSuffix(".ps1") }.map { "\(out)/\($0)" })
        #expect(findings.isEmpty, "\(findings)")
    }

    /// The manifest is written while it is encoded; when it cannot take the output's place (here
    /// a folder of that name) the command fails in one line and leaves no temp file behind.
    @Test func captureThatCannotWriteItsOutputLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.path("m.json"), withIntermediateDirectories: false)
        let input = Paths.examples.appendingPathComponent("estate/arm").path
        let result = try ProcessRunner.rewire(["capture", input, "-o", "m.json"], currentDirectory: directory.url)
        #expect(result.status == 70)
        #expect(result.stderr.contains("m.json: cannot write the file"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["m.json"])
    }

    @Test func runsFromAnyDirectoryWithTheTemplatesBuiltIn() throws {
        let directory = try TemporaryDirectory()
        let input = Paths.examples.appendingPathComponent("estate/arm").path
        #expect(try ProcessRunner.rewire(["capture", input, "-o", "m.json"], currentDirectory: directory.url).status == 0)
        let result = try ProcessRunner.rewire(["script", "m.json", "-o", "out"], currentDirectory: directory.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.path("out/web01.ps1")))
    }

    @Test func templatesOverrideReplacesABuiltInTemplate() throws {
        let directory = try TemporaryDirectory()
        let manifest = directory.path("m.json")
        #expect(try ProcessRunner.rewire(["capture", Paths.examples.appendingPathComponent("estate/arm").path, "-o", manifest]).status == 0)
        _ = try directory.write("templates/RUNBOOK.md.mustache", "{{% CONTENT_TYPE: POWERSHELL}}\nOur own runbook for {{{vmCountCode}}} VMs.\n")
        let result = try ProcessRunner.rewire(["script", manifest, "-o", directory.path("out"), "--templates", directory.path("templates")])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: directory.path("out/RUNBOOK.md"), encoding: .utf8) == "Our own runbook for 2 VMs.\n")
        // A template without the pragma would render values unquoted: refused.
        _ = try directory.write("templates/RUNBOOK.md.mustache", "{{vmCountCode}}\n")
        let refused = try ProcessRunner.rewire(["script", manifest, "-o", directory.path("out2"), "--templates", directory.path("templates")])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("CONTENT_TYPE"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("out2/web01.ps1")))
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var label: String
        var content: String?
        var mentions: [String]
        var testDescription: String { label }
    }

    static let badInputs: [BadInput] = [
        BadInput(label: "malformed JSON", content: "{\"value\": [ {\"id\": 1,, } ]}", mentions: ["input.json:1:", "expected"]),
        BadInput(label: "truncated JSON", content: "{\"value\": [ {\"id\": \"/subscriptions/x", mentions: ["input.json:1:", "truncated"]),
        BadInput(label: "wrong types", content: "{\"id\": \"/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/publicIPAddresses/p\", \"properties\": {\"idleTimeoutInMinutes\": \"soon\"}}", mentions: ["$.properties.idleTimeoutInMinutes", "expected an integer"]),
        BadInput(label: "an empty folder", content: nil, mentions: ["holds no .json or .xml files"]),
    ]

    @Test(arguments: badInputs)
    func badInputExits65WithOneLineAndNoManifest(_ input: BadInput) throws {
        let directory = try TemporaryDirectory()
        let source: String
        if let content = input.content {
            source = try directory.write("in/input.json", content)
        } else {
            source = directory.path("in")
            try FileManager.default.createDirectory(atPath: source, withIntermediateDirectories: true)
        }
        let manifest = directory.path("manifest.json")
        let result = try ProcessRunner.rewire(["capture", source, "-o", manifest])
        #expect(result.status == 65)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        for text in input.mentions { #expect(result.stderr.contains(text), "\(result.stderr)") }
        #expect(!FileManager.default.fileExists(atPath: manifest))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() == ["in"])
    }

    @Test func aFailedCaptureLeavesThePreviousManifestUntouched() throws {
        let directory = try TemporaryDirectory()
        let manifest = try directory.write("manifest.json", "previous\n")
        let bad = try directory.write("bad.json", "{")
        #expect(try ProcessRunner.rewire(["capture", bad, "-o", manifest]).status == 65)
        #expect(try String(contentsOfFile: manifest, encoding: .utf8) == "previous\n")
    }

    @Test func twoHundredMegabytesOfGarbageIsRefusedQuickly() throws {
        let directory = try TemporaryDirectory()
        let garbage = directory.path("garbage.json")
        FileManager.default.createFile(atPath: garbage, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: garbage))
        var generator = SystemRandomNumberGenerator()
        let block = Data((0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        for _ in 0..<200 { handle.write(block) }
        try handle.close()
        let result = try ProcessRunner.rewire(["capture", garbage, "-o", directory.path("m.json")])
        #expect(result.status == 65)
        #expect(result.stderr.contains("garbage.json"))
        #expect(!FileManager.default.fileExists(atPath: directory.path("m.json")))
    }

    @Test func usageErrorsExit2() throws {
        #expect(try ProcessRunner.rewire(["capture", "x.json"]).status == 2)  // no -o
        #expect(try ProcessRunner.rewire(["capture", "x.json", "-o", "m.json", "--format", "yaml"]).status == 2)
        #expect(try ProcessRunner.rewire(["script"]).status == 2)
        #expect(try ProcessRunner.rewire(["frobnicate"]).status == 2)
    }

    @Test func aMissingInputIsBadInputNotACrash() throws {
        let result = try ProcessRunner.rewire(["capture", "/nonexistent/exports", "-o", "/tmp/never.json"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("/nonexistent/exports: no such file or folder"))
    }

    @Test func scriptRefusesAManifestItCannotRead() throws {
        let directory = try TemporaryDirectory()
        let folder = try ProcessRunner.rewire(["script", directory.url.path, "-o", directory.path("out")])
        #expect(folder.status == 65)
        #expect(folder.stderr.contains(": cannot read a folder as a file"), "\(folder.stderr)")
        let empty = try directory.write("empty.json", "")
        #expect(try ProcessRunner.rewire(["script", empty, "-o", directory.path("out")]).status == 65)
        let newer = try directory.write("newer.json", "{\"schemaVersion\": 9, \"virtualMachines\": []}")
        let result = try ProcessRunner.rewire(["script", newer, "-o", directory.path("out")])
        #expect(result.status == 65)
        #expect(result.stderr.contains("newer.json: $.schemaVersion: manifest schema version 9 is newer"))
        let broken = try directory.write("broken.json", "{\"schemaVersion\": 1, \"virtualMachines\": [{\"name\": 3}]}")
        let second = try ProcessRunner.rewire(["script", broken, "-o", directory.path("out")])
        #expect(second.status == 65)
        #expect(!FileManager.default.fileExists(atPath: directory.path("out")))
    }
}
