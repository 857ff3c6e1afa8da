import Foundation
import RewireModel
import RewireTestSupport
import ScriptGen
import Testing

/// RUNBOOK.md: the on-call engineer's ordered steps, with the decision points for domain controllers.
@Suite("RUNBOOK.md")
struct RunbookTests {
    private func runbook(_ manifest: Manifest) throws -> String {
        try #require(try generate(manifest).first { $0.name == "RUNBOOK.md" }).contents
    }

    /// web01 a DC of corp.contoso.com with `count` DCs in the domain, holding `fsmo`.
    private func manifest(domainControllerCount count: Int?, fsmo: [String] = []) throws -> Manifest {
        var manifest = try exampleManifest()
        let index = try #require(manifest.virtualMachines.firstIndex { $0.name == "web01" })
        manifest.virtualMachines[index].domainController = DomainControllerRole(
            domain: "corp.contoso.com", fsmoRoles: fsmo, domainControllerCount: count, source: .commandLine)
        return manifest
    }

    /// The section of one VM, from its heading to the next.
    private func section(_ text: String, vm: String) throws -> String {
        let start = try #require(text.range(of: ". \(vm)\n"))
        let rest = text[start.upperBound...]
        let end = rest.range(of: "\n### ")?.lowerBound ?? rest.range(of: "\n## ")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test func aDomainControllerWithOtherDCsUpIsRestoredLikeAnyVMAfterCheckingOneAnswers() throws {
        let text = try runbook(try manifest(domainControllerCount: 3))
        let web01 = try section(text, vm: "web01")
        #expect(web01.contains("**Decision point: web01 is a domain controller of `corp.contoso.com`.**"))
        #expect(web01.contains("**like any VM**"))
        #expect(web01.contains("- [ ] Another DC of `corp.contoso.com` answers, from a machine in the network: `nltest /dsgetdc:corp.contoso.com`."))
        #expect(web01.contains("repadmin /replsummary"))
        #expect(!web01.contains("-LeaveDsrm"), "no DSRM on the replica path")
        #expect(text.contains("## Domain controllers"))
        #expect(!(try section(text, vm: "web02")).contains("Decision point"))
    }

    @Test func theLastDomainControllerIsAForestRecoveryWithTheDSRMSteps() throws {
        let text = try runbook(try manifest(domainControllerCount: 1, fsmo: ["PDCEmulator", "RIDMaster"]))
        let web01 = try section(text, vm: "web01")
        #expect(web01.contains("**forest recovery**"))
        #expect(web01.contains("The DSRM administrator password of web01 is at hand"))
        #expect(web01.contains("Run the script again with `-LeaveDsrm`."))
        #expect(web01.contains("`& './web01.ps1' @restore -SkipDsrm`"))
        #expect(web01.contains("It holds PDCEmulator, RIDMaster: `netdom query fsmo`"))
        #expect(web01.contains("tombstone lifetime (60 days"))
        // The steps come before running the script, as checkboxes.
        let decision = try #require(web01.range(of: "Decision point"))
        let run = try #require(web01.range(of: "- [ ] Restore and rebuild"))
        #expect(decision.lowerBound < run.lowerBound)
    }

    @Test func domainControllersComeFirst() throws {
        var manifest = try exampleManifest()
        let index = try #require(manifest.virtualMachines.firstIndex { $0.name == "web02" })
        manifest.virtualMachines[index].domainController = DomainControllerRole(
            domain: "corp.contoso.com", domainControllerCount: 2, source: .tag)
        let text = try runbook(manifest)
        let first = try #require(text.range(of: "### 1. web02"))
        let second = try #require(text.range(of: "### 2. web01"))
        #expect(first.lowerBound < second.lowerBound)
        let all = try #require(try generate(manifest).first { $0.name == "restore-all.ps1" }).contents
        #expect(try #require(all.range(of: "'web02.ps1'")).lowerBound < (try #require(all.range(of: "'web01.ps1'"))).lowerBound)
    }

    /// A rehearsal's runbook says first that it builds tagged copies in isolation, and how to
    /// remove them; a production runbook says nothing of the kind.
    @Test func aRehearsalRunbookSaysItBuildsIsolatedCopiesAndHowToRemoveThem() throws {
        let files = try rehearsalFiles(try exampleManifest(), id: "drill7")
        let text = try #require(files.first { $0.name == "RUNBOOK.md" }).contents
        #expect(text.contains("## This is a rehearsal (`drill7`)"))
        #expect(text.contains("tagged `rewire-rehearsal=drill7`"))
        #expect(text.contains("`vnet-prod-rehearsal-drill7`"))
        #expect(text.contains("`& ./cleanup.ps1 -WhatIf`"))
        let rehearsal = try #require(text.range(of: "## This is a rehearsal"))
        let start = try #require(text.range(of: "## Before you start"))
        #expect(rehearsal.lowerBound < start.lowerBound)
        #expect(!(try runbook(try exampleManifest())).contains("This is a rehearsal"))
    }

    @Test func noDomainControllerNoDecisionPoints() throws {
        let text = try runbook(try exampleManifest())
        #expect(!text.contains("Decision point"))
        #expect(!text.contains("## Domain controllers"))
        #expect(text.contains("- [ ] The preflight passes: `rewire check`"))
    }
}
