import ArgumentParser
import Foundation
import RewireModel
import ScriptGen

struct ScriptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "script",
        abstract: "Write the PowerShell that restores each VM and rebuilds it with every captured setting.",
        discussion: """
            OUTDIR receives one <vm-name>.ps1 per VM (Az modules: restore the disks from the Recovery \
            Services vault with -TargetResourceGroupName, then rebuild NICs, IP configurations, \
            load-balancer pools and NAT rules, public IPs, NSGs and the VM), restore-all.ps1 (every VM \
            in order) and RUNBOOK.md. Same manifest, same bytes.

              rewire script manifest.json -o restore/
              pwsh restore/web01.ps1 -WhatIf -VaultName rsv-prod `
                -VaultResourceGroupName rg-backup -StagingStorageAccountName strestore `
                -StagingStorageAccountResourceGroupName rg-backup

            Review the scripts like code; RUNBOOK.md lists the steps, what success looks like and \
            what to do when a step fails.
            """
    )

    @Argument(help: "The manifest written by 'rewire capture'.")
    var manifest: String

    @Option(name: .shortAndLong, help: "The folder to write the scripts and runbook into.")
    var output: String

    @Option(help: "A restore report from 'rewire restore': rebuild from the disks it restored, without restoring again.")
    var restored: String?

    @Option(help: "A folder of templates that replace the built-in ones of the same name.")
    var templates: String?

    @Flag(
        help: """
            Write the scripts as Azure Automation runbooks: managed identity sign-in, no prompts, progress on \
            the verbose stream, results as output objects, plus publish-runbooks.ps1 to import them.
            """)
    var automation = false

    @Flag(
        help: """
            Write a rehearsal: the VMs rebuilt as copies in their own resource groups and an isolated copy of \
            their network (same address space, no peering, no gateway, no public IPs), every resource tagged \
            rewire-rehearsal=<id>, plus cleanup.ps1 that removes exactly those.
            """)
    var rehearsal = false

    @Option(parsing: .unconditional, help: "With --rehearsal: appended to every name (default -rehearsal-<id>), e.g. --suffix -drill.")
    var suffix: String?

    @Option(name: .customLong("isolated-vnet"), help: "With --rehearsal: the isolated network's name (the VMs must use one network).")
    var isolatedVnet: String?

    @Option(
        name: .customLong("rehearsal-id"),
        help: "With --rehearsal: the id tagged on everything (1-16 lowercase letters and digits; default: the manifest's SHA-256, first 8 digits).")
    var rehearsalID: String?

    func run() async throws {
        let bytes = try FileIO.read(manifest)
        let decoded = try ManifestLoading.decode(bytes, path: manifest)
        let report = try restored.map(ManifestLoading.readRestoreReport)
        if automation, let classic = decoded.virtualMachines.first(where: { $0.classic != nil }) {
            throw CommandFailure(
                .usage,
                "--automation: VM '\(classic.name)' is a classic VM, and the classic Azure module cannot sign in with a managed identity; script classic VMs without --automation")
        }
        let plan = try rehearsalPlan(decoded, manifestBytes: bytes)
        let files: [GeneratedFile]
        do {
            var command = "rewire script \(manifest)"
            if let restored { command += " --restored \(restored)" }
            command += " -o \(output)"
            if let templates { command += " --templates \(templates)" }
            if automation { command += " --automation" }
            if let plan { command += rehearsalArguments(plan) }
            let generator = try ScriptGenerator(
                options: ScriptOptions(regenerateCommand: command, templatesDirectory: templates, automation: automation))
            if let plan {
                files = try generator.generateRehearsal(decoded, plan: plan, restored: report)
            } else {
                files = try generator.generate(decoded, restored: report)
            }
        } catch {
            throw CommandFailure(templates == nil && report == nil ? .internalError : .dataError, error.description)
        }
        try FileIO.writeAllAtomically(files.map { ($0.name, Array($0.contents.utf8)) }, into: output)
        print("wrote \(files.count) file(s) to \(output): " + files.map(\.name).joined(separator: ", "))
        if let plan { reportRehearsal(plan) }
    }
}
