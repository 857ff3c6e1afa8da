import Foundation
import RewireModel
import RewireTestSupport
import ScriptGen
import Testing

/// `rewire script --automation`: the same restore, written to run as Azure Automation runbooks.
@Suite("Scripts as Azure Automation runbooks")
struct AutomationScriptTests {
    private func generateForAutomation(_ manifest: Manifest) throws -> [GeneratedFile] {
        try ScriptGenerator(
            options: ScriptOptions(regenerateCommand: "rewire script manifest.json -o restore --automation", automation: true)
        ).generate(manifest)
    }

    @Test func matchTheGoldenFiles() throws {
        let golden = Paths.repository.appendingPathComponent("Tests/ScriptGenTests/Golden/automation")
        for file in try generateForAutomation(try exampleManifest()) {
            let mismatch = try Golden.mismatch(file.contents, golden: golden.appendingPathComponent(file.name))
            #expect(mismatch == nil, "\(mismatch ?? "")")
        }
    }

    @Test func passPSCheckWithZeroFindings() throws {
        let directory = try TemporaryDirectory()
        let scripts = try write(try generateForAutomation(try exampleManifest()), into: directory)
        #expect(scripts.map { URL(fileURLWithPath: $0).lastPathComponent }.contains("publish-runbooks.ps1"))
        let findings = try PSCheck.findings(scripts)
        #expect(findings.isEmpty, "\(findings)")
    }

    /// Every runbook signs in with the managed identity and never prompts or writes to a host
    /// Automation does not have.
    @Test func signInWithTheManagedIdentityAndNeverPrompt() throws {
        let directory = try TemporaryDirectory()
        let files = try generateForAutomation(try exampleManifest())
        let scripts = try write(files, into: directory)
        let calls = try PSCheck.calls(scripts)
        let runbooks = scripts.filter { !$0.hasSuffix("publish-runbooks.ps1") }
        for script in runbooks {
            let own = calls.filter { $0.file.hasSuffix(URL(fileURLWithPath: script).lastPathComponent) }
            let signIns = own.filter { $0.resolved == "Connect-AzAccount" }
            #expect(!signIns.isEmpty && signIns.allSatisfy { $0.has("Identity") }, "\(script) does not sign in with the managed identity")
            #expect(own.contains { $0.resolved == "Disable-AzContextAutosave" })
            for forbidden in ["Write-Host", "Read-Host", "Get-Credential"] {
                #expect(!own.contains { $0.resolved == forbidden }, "\(script) calls \(forbidden)")
            }
        }
        // The interactive scripts keep the console output and sign-in the engineer already did.
        let interactive = try write(try generate(try exampleManifest()), into: directory, prefix: "console-")
        let consoleCalls = try PSCheck.calls(interactive)
        #expect(!consoleCalls.contains { $0.resolved == "Connect-AzAccount" })
        #expect(consoleCalls.contains { $0.resolved == "Write-Host" })
    }

    /// restore-all calls every VM runbook inline by the name publish-runbooks.ps1 gives it, and
    /// publishes the children before the parent.
    @Test func restoreAllCallsThePublishedRunbooks() throws {
        let files = try generateForAutomation(try exampleManifest())
        let all = try #require(files.first { $0.name == "restore-all.ps1" }).contents
        let vmFiles = files.map(\.name).filter { $0.hasSuffix(".ps1") && !["restore-all.ps1", "publish-runbooks.ps1"].contains($0) }
        #expect(vmFiles.count == 2)
        for file in vmFiles {
            #expect(all.contains("    .\\\(file) @shared\n"), "restore-all does not call \(file) inline")
        }
        #expect(!all.contains("$PSScriptRoot"), "Automation runbooks have no script folder")
        let directory = try TemporaryDirectory()
        let calls = try PSCheck.calls(try write(files, into: directory)).filter { $0.resolved == "Import-AzAutomationRunbook" }
        #expect(calls.map { $0.value("Name")?.strings.first ?? "" } == vmFiles.map { String($0.dropLast(4)) } + ["restore-all"])
        #expect(calls.allSatisfy { $0.has("Published") && $0.value("Type")?.strings == ["PowerShell"] })
    }

    /// Automation names a runbook after its file: letters, digits, '-' and '_', a letter first.
    @Test func scriptFileNamesAreValidRunbookNames() throws {
        var manifest = try exampleManifest()
        manifest.virtualMachines[0].name = "1web.prod"
        manifest.virtualMachines[1].name = "1web-prod"
        let names = try generateForAutomation(manifest).map(\.name)
        #expect(names.contains("vm-1web-prod.ps1"))
        #expect(names.contains("vm-1web-prod-2.ps1"))
        for name in names where name.hasSuffix(".ps1") {
            let base = name.dropLast(4)
            #expect(base.first?.isLetter == true && base.count <= 63)
            #expect(base.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }, "\(name)")
        }
    }

    @Test func classicVMsAreRefused() throws {
        let manifest = try ClassicScriptTests.manifest(["xplat-get-deployment-multi-nic.xml"])
        #expect(throws: ScriptGenError.self) { try generateForAutomation(manifest) }
    }
}
