import Foundation
import RewireModel
import RewireTestSupport
import Testing

/// `rewire capture --domain-controller`, the CLIXML export among the inputs, and the scripts of
/// the captured DCs, run through the built binary.
@Suite("rewire capture and script with domain controllers, end to end")
struct DomainControllerCommandTests {
    static let fixtures = Paths.repository.appendingPathComponent("Tests/NetConfigCaptureTests/Fixtures/dc")

    static func path(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    static func manifest(_ path: String) throws -> Manifest {
        try Manifest.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func captureHelpDocumentsTheOptionTheTagsAndTheExport() throws {
        let result = try ProcessRunner.rewire(["capture", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--domain-controller"))
        #expect(result.stdout.contains("rewire-role: domain-controller"))
        #expect(result.stdout.contains("Get-ADDomainController -Filter * | Export-Clixml"))
    }

    @Test func capturesTheExportAndSaysWhichPathEachDCTakes() throws {
        let directory = try TemporaryDirectory()
        let output = directory.path("manifest.json")
        let result = try ProcessRunner.rewire(["capture", Self.path("corp"), "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains(
                "domain controller vm-dc01 of corp.contoso.com, 3 DC(s) in the domain: restore like any VM"))
        #expect(
            result.stdout.contains(
                "domain controller vm-dc02 of corp.contoso.com, 3 DC(s) in the domain: restore like any VM"))
        let manifest = try Self.manifest(output)
        #expect(manifest.virtualMachines.map { $0.domainController?.source } == [.clixml, .clixml])
        // The manifest with its DC roles still validates against the published schema.
        let schema = Paths.repository.appendingPathComponent("schema/manifest.schema.json").path
        let validation = try ProcessRunner.python([
            "-c",
            "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))",
            schema, output,
        ])
        #expect(validation.status == 0, "\(validation.stderr)")
    }

    @Test func marksADomainControllerFromTheCommandLine() throws {
        let directory = try TemporaryDirectory()
        let output = directory.path("manifest.json")
        let result = try ProcessRunner.rewire([
            "capture", Self.path("corp/vm-dc01.json"), Self.path("corp/nic-dc01.json"), "--domain-controller",
            "VM-DC01", "-o", output,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("domain controller vm-dc01, DC count unknown: forest recovery"))
        let role = try #require(try Self.manifest(output).virtualMachines.first?.domainController)
        #expect(role.source == .commandLine)
    }

    @Test func anUnknownDomainControllerNameIsBadInputAndWritesNothing() throws {
        let directory = try TemporaryDirectory()
        let output = directory.path("manifest.json")
        let result = try ProcessRunner.rewire([
            "capture", Self.path("corp/vm-dc01.json"), "--domain-controller", "dc99", "--domain-controller", "vm-dc01",
            "-o", output,
        ])
        #expect(result.status == 65)
        #expect(
            result.stderr.contains(
                "--domain-controller dc99: no virtual machine named 'dc99' in the captured VMs (vm-dc01)"))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test(arguments: [
        (
            "xxe.xml",
            "<?xml version=\"1.0\"?>\n<!DOCTYPE Objs [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<Objs xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><Obj><Props><S N=\"HostName\">&x;</S></Props></Obj></Objs>",
            "xxe.xml:2"
        ),
        (
            "wrong-ns.xml", "<Objs xmlns=\"urn:not-powershell\"><Obj/></Objs>",
            "expected <Objs> in namespace 'http://schemas.microsoft.com/powershell/2004/04'"
        ),
        (
            "truncated.xml",
            "<Objs xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><Obj><Props><S N=\"HostName\">dc1</S>",
            "truncated.xml:1"
        ),
    ])
    func badExportsAreBadInputWithFileAndLine(name: String, text: String, expected: String) throws {
        let directory = try TemporaryDirectory()
        let export = try directory.write(name, text)
        let result = try ProcessRunner.rewire([
            "capture", Self.path("corp/vm-dc01.json"), export, "-o", directory.path("m.json"),
        ])
        #expect(result.status == 65)
        #expect(result.stderr.contains(expected), "\(result.stderr)")
        #expect(!result.stderr.contains("root:"))
    }

    @Test func scriptsTheLastDCAsAForestRecoveryAndPutsDCsFirst() throws {
        let directory = try TemporaryDirectory()
        let manifest = directory.path("manifest.json")
        let capture = try ProcessRunner.rewire([
            "capture", Self.path("lab"), Paths.examples.appendingPathComponent("estate/arm").path, "-o", manifest,
        ])
        #expect(capture.status == 0, "\(capture.stderr)")
        #expect(
            capture.stdout.contains(
                "domain controller lab-dc of lab.fabrikam.net, 1 DC(s) in the domain: forest recovery"))
        let out = directory.path("restore")
        let script = try ProcessRunner.rewire(["script", manifest, "-o", out])
        #expect(script.status == 0, "\(script.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".ps1") }.sorted()
        #expect(files == ["lab-dc.ps1", "restore-all.ps1", "web01.ps1", "web02.ps1"])
        let paths = files.map { "\(out)/\($0)" }
        #expect(try PSCheck.findings(paths) == "")
        let all = try String(contentsOfFile: "\(out)/restore-all.ps1", encoding: .utf8)
        let dc = try #require(all.range(of: "'lab-dc.ps1'"))
        let web = try #require(all.range(of: "'web01.ps1'"))
        #expect(dc.lowerBound < web.lowerBound)
        let runCommands = try PSCheck.calls(paths).filter { $0.command == "Invoke-AzVMRunCommand" }
        #expect(runCommands.count == 2)
        #expect(runCommands.allSatisfy { $0.file.hasSuffix("lab-dc.ps1") })
    }
}
