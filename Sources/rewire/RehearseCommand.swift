import ArgumentParser
import AzureREST
import Foundation
import NetConfigCapture
import Restore
import RewireModel
import ScriptGen

struct RehearseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearse",
        abstract: "Rehearse the restore: check, restore the disks, write the rehearsal scripts, report.",
        discussion: """
            Runs, in order: the preflight check (as 'rewire check') for the rehearsed VMs; the restore \
            (a local vault for real; a Recovery Services vault id as a dry run unless --execute-azure); and \
            'rewire script --rehearsal' from what was restored. OUTDIR receives restored.json, \
            restored-disks/, scripts/ (VM scripts that rebuild copies in an isolated network, restore-all.ps1, \
            cleanup.ps1, RUNBOOK.md), rehearsal.json and rehearsal.md: what was checked, restored and \
            generated, how long each step took, and the rehearsal id every created resource is tagged with.

              rewire vault manifest.json --vault vault --generate-disks --time 2025-11-20T02:00:00Z
              rewire rehearse manifest.json --vault vault -o rehearsal/

            Exit codes: 0 no blockers, 1 the check or the rehearsal plan found blockers (the report is \
            still written), 2 usage error, 65 bad input data, 69 a service or vault was unavailable, \
            70 internal error.
            """
    )

    @Argument(help: "The manifest written by `rewire capture`.")
    var manifest: String

    @Option(help: "A local vault folder, or a Recovery Services vault's ARM id (/subscriptions/.../vaults/NAME).")
    var vault: String

    @Option(name: .shortAndLong, help: "The folder to write the rehearsal into.")
    var output: String

    @Option(name: .customLong("recovery-point"), help: "latest, a recovery point id, or an ISO-8601 time.")
    var recoveryPoint: String = "latest"

    @Option(name: .customLong("vm"), help: "Rehearse only this VM (repeatable); default: every VM.")
    var vmNames: [String] = []

    @Flag(
        name: .customLong("execute-azure"),
        help:
            "With a Recovery Services vault: really restore (needs --staging-storage-account and --target-resource-group)."
    )
    var executeAzure = false

    @Option(name: .customLong("staging-storage-account"), help: "Azure: the staging storage account's ARM id.")
    var stagingStorageAccount: String?

    @Option(
        name: .customLong("target-resource-group"),
        help:
            "Azure with --execute-azure: resource group id receiving the restored managed disks (the rehearsal VMs are built there)."
    )
    var targetResourceGroup: String?

    @Option(
        name: .customLong("rehearsal-id"),
        help: "The id tagged on everything (default: the UTC minute, e.g. 202512011930).")
    var rehearsalID: String?

    @Option(parsing: .unconditional, help: "Appended to every name (default -rehearsal-<id>), e.g. --suffix -drill.")
    var suffix: String?

    @Option(name: .customLong("isolated-vnet"), help: "The isolated network's name (the VMs must use one network).")
    var isolatedVnet: String?

    @Option(help: "The era of limitations to check against: classic-2015, arm-2018 or current.")
    var profile: String = LimitationProfile.current.rawValue

    @Option(help: "How many VMs to restore at the same time.")
    var concurrency: Int = 4

    @OptionGroup var azure: AzureEndpointOptions

    var isAzure: Bool { vault.lowercased().hasPrefix("/subscriptions/") }

    func validate() throws {
        guard LimitationProfile(rawValue: profile) != nil else {
            throw ValidationError(
                "--profile must be one of \(LimitationProfile.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1.") }
        if isAzure {
            guard stagingStorageAccount != nil else {
                throw ValidationError("Rehearsing from a Recovery Services vault needs --staging-storage-account ID.")
            }
            if executeAzure, targetResourceGroup == nil {
                throw ValidationError("--execute-azure needs --target-resource-group ID (where the restored disks go).")
            }
        } else {
            guard !executeAzure, stagingStorageAccount == nil, targetResourceGroup == nil else {
                throw ValidationError(
                    "--execute-azure, --staging-storage-account and --target-resource-group need a Recovery Services vault id as --vault."
                )
            }
        }
    }

    func run() async throws {
        let started = Date()
        let bytes = try FileIO.read(manifest)
        let loaded = try ManifestLoading.decode(bytes, path: manifest)
        let id = rehearsalID ?? RehearsalIdentity.fromClock(started)
        let plan = try RehearsalIdentity.plan(
            loaded,
            options: RehearsalOptions(id: id, suffix: suffix, isolatedNetworkName: isolatedVnet, vmNames: vmNames),
            path: manifest)
        let rehearsed = Set(plan.sourceVMNames.values)
        let vms = loaded.virtualMachines.filter { rehearsed.contains($0.name) }
        var steps: [RehearsalStep] = []

        // 1. Check.
        var timer = ContinuousClock.now
        let checkFindings = check(loaded, vms: vms)
        let blockers = (checkFindings + plan.findings).filter { $0.severity == .blocker }.count
        steps.append(
            RehearsalStep(
                name: .check, status: .done, durationMilliseconds: Self.milliseconds(since: timer),
                summary:
                    "\(checkFindings.filter { $0.severity == .blocker }.count) blocker(s), \(checkFindings.filter { $0.severity == .warning }.count) warning(s), \(checkFindings.filter { $0.severity == .info }.count) info for \(vms.count) VM(s)"
            ))

        // 2. Restore.
        timer = ContinuousClock.now
        let restoredPath = (output as NSString).appendingPathComponent("restored.json")
        var restore: (report: RestoreReport?, dryRunActions: [String], summary: String) = (nil, [], "")
        var restoreFailure: (any Error)?
        do {
            restore = try await self.restore(
                vms, bytes: bytes, reportPath: restoredPath, dryRun: isAzure && (!executeAzure || blockers > 0))
            steps.append(
                RehearsalStep(
                    name: .restore, status: restore.report == nil ? .dryRun : .done,
                    durationMilliseconds: Self.milliseconds(since: timer), summary: restore.summary))
        } catch {
            // The report still says what was checked and how the restore failed; no scripts without disks.
            restoreFailure = error
            let message = (error as? CommandFailure)?.message ?? "\(error)"
            steps.append(
                RehearsalStep(
                    name: .restore, status: .failed, durationMilliseconds: Self.milliseconds(since: timer),
                    summary: message))
        }

        // 3. Scripts.
        timer = ContinuousClock.now
        let scriptsFolder = (output as NSString).appendingPathComponent("scripts")
        var command = "rewire script \(manifest)"
        if restore.report != nil { command += " --restored \(restoredPath)" }
        command += " -o \(scriptsFolder) --rehearsal --rehearsal-id \(plan.id)"
        if let suffix { command += " --suffix \(suffix)" }
        if let isolatedVnet { command += " --isolated-vnet \(isolatedVnet)" }
        let generator: ScriptGenerator
        var files: [GeneratedFile] = []
        do {
            generator = try ScriptGenerator(options: ScriptOptions(regenerateCommand: command))
            if restoreFailure == nil {
                files = try generator.generateRehearsal(loaded, plan: plan, restored: restore.report)
            }
        } catch {
            throw CommandFailure(.dataError, "\(manifest): \(error.description)")
        }
        if restoreFailure == nil {
            try FileIO.writeAllAtomically(files.map { ($0.name, Array($0.contents.utf8)) }, into: scriptsFolder)
            steps.append(
                RehearsalStep(
                    name: .scripts, status: .done, durationMilliseconds: Self.milliseconds(since: timer),
                    summary:
                        "\(files.count) file(s) in scripts/, \(plan.resources.count) resource(s) to create, tagged \(RehearsalPlan.tagName)=\(plan.id)"
                ))
        }

        // 4. Report.
        let report = RehearsalReport(
            id: plan.id, suffix: plan.suffix, manifest: manifest, manifestSHA256: sha256Hex(bytes), vault: vault,
            recoveryPointSelector: recoveryPoint, startedAt: Self.iso8601(started), finishedAt: Self.iso8601(Date()),
            steps: steps, checkFindings: checkFindings, rehearsalFindings: plan.findings,
            restored: restore.report?.virtualMachines ?? [], dryRunActions: restore.dryRunActions,
            generatedFiles: files.map { "scripts/" + $0.name },
            resources: restore.report.map { RehearsalPlanner.placing(plan, restored: $0).resources } ?? plan.resources,
            blockers: blockers)
        let markdown: String
        do {
            markdown = try generator.rehearsalMarkdown(report, manifest: loaded)
        } catch {
            throw CommandFailure(.internalError, "rehearsal.md: \(error.description)")
        }
        try FileIO.writeAllAtomically(
            [("rehearsal.json", try CanonicalJSON.encode(report)), ("rehearsal.md", Array(markdown.utf8))], into: output
        )
        for step in steps {
            print("\(step.name.rawValue): \(step.summary) (\(ScriptGenerator.durationText(step.durationMilliseconds)))")
        }
        print(
            "rehearsal \(plan.id): report in \((output as NSString).appendingPathComponent("rehearsal.md"))"
                + (files.isEmpty ? "" : "; remove what the scripts create with scripts/cleanup.ps1"))
        RehearsalIdentity.printFindings(checkFindings.filter { $0.severity == .blocker } + plan.findings)
        if let restoreFailure { throw restoreFailure }
        if blockers > 0 {
            throw CommandFailure(
                .blockingFindings,
                "\(blockers) blocker(s) found; see \((output as NSString).appendingPathComponent("rehearsal.md"))")
        }
    }

    /// Capture's findings and the preflight's, for the rehearsed VMs (and the estate).
    private func check(_ manifest: Manifest, vms: [VirtualMachine]) -> [Finding] {
        var scoped = manifest
        scoped.virtualMachines = vms
        let names = Set(vms.map(\.name))
        let vaultName = isAzure ? ResourceID(vault)?.name : nil
        let preflight = Preflight(profile: LimitationProfile(rawValue: profile) ?? .current, vaultName: vaultName)
        let capture = manifest.findings.filter { $0.vm.map(names.contains) ?? true }
        return Preflight.sorted(capture + preflight.findings(for: scoped))
    }

    /// The restore step: a real restore (local vault, or Azure with --execute-azure) writes
    /// RESTORED and returns its report; a dry run returns the actions it would take.
    private func restore(
        _ vms: [VirtualMachine], bytes: [UInt8], reportPath: String, dryRun: Bool
    ) async throws -> (report: RestoreReport?, dryRunActions: [String], summary: String) {
        let backend = try makeBackend()
        let display = RestoreProgressDisplay(enabled: isatty(STDOUT_FILENO) != 0 && !dryRun, total: vms.count)
        let engine = RestoreEngine(
            backend: backend, journalPath: reportPath + ".journal", clock: { RestoreClock.now() },
            maxConcurrentVMs: concurrency, progress: { display.handle($0) })
        do {
            let selections = try await engine.select(
                vms, selector: RecoveryPointSelector(recoveryPoint), selectorText: recoveryPoint)
            if dryRun {
                let plans = try await engine.plan(selections)
                let actions = plans.flatMap { plan in plan.actions.map { "\(plan.vm): \($0)" } }
                return (nil, actions, "dry run: \(plans.count) VM(s), \(actions.count) action(s), nothing restored")
            }
            let outcome = try await engine.run(
                selections, selectorText: recoveryPoint, manifestSHA256: sha256Hex(bytes))
            display.finish()
            try FileIO.writeAtomically(try CanonicalJSON.encode(outcome.report), to: reportPath)
            if let (vm, error) = outcome.failures.sorted(by: { $0.key < $1.key }).first {
                throw CommandFailure(RestoreFailures.exitStatus(error.kind), "VM '\(vm)': \(error.description)")
            }
            let disks = outcome.report.virtualMachines.reduce(0) { $0 + $1.disks.filter(\.verified).count }
            return (
                outcome.report, [],
                "\(outcome.report.virtualMachines.count) VM(s), \(disks) disk(s) restored and verified -> restored.json"
            )
        } catch {
            throw RestoreFailures.failure(error)
        }
    }

    private func makeBackend() throws -> any RecoveryPointBackend {
        let parser: @Sendable ([UInt8]) throws -> RestoredVMConfig = { try ConfigBlob.essentials($0) }
        if isAzure {
            let connection = try azure.connection()
            return AzureBackupBackend(
                client: RecoveryServicesClient(arm: ARMClient(connection: connection), vaultID: vault),
                blobs: BlobClient(connection: connection), stagingStorageAccountID: stagingStorageAccount!,
                targetResourceGroupID: targetResourceGroup, configParser: parser, jobPollInterval: 15,
                operationPolling: PollingOptions(defaultInterval: 5, maximumInterval: 60, timeout: 6 * 3600))
        }
        let localVault = LocalVault(root: RestorePaths.absolute(vault))
        do {
            try localVault.open()
        } catch {
            throw RestoreFailures.failure(error)
        }
        let target = RestorePaths.absolute((output as NSString).appendingPathComponent("restored-disks"))
        return LocalVaultBackend(vault: localVault, targetFolder: target, configParser: parser)
    }

    static func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }

    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
