import ArgumentParser
import Foundation
import NetConfigCapture
import Restore
import RewireModel

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Preflight a manifest against Azure Backup's documented limits and the target environment.",
        discussion: """
            Reports what stands between the manifest and a working restore, before the outage: data-disk \
            count and disk size limits, cross-region restore, LUKS / ADE-encrypted Linux, storage accounts \
            with network rules, network drives, cluster shared volumes, unsupported Windows versions, the \
            VM agent, vault name and region, the special configurations that need PowerShell, NSG rules \
            that cut the backup extension off from Azure Storage, Linux proxy settings, and each domain \
            controller's restore path (a blocker when its newest recovery point is older than the 60-day \
            tombstone lifetime). The limits \
            follow --profile: classic-2015, arm-2018 or current (the 2026 support matrix, the default).

            With --target-environment (files or a folder in the same JSON shapes 'rewire capture' reads, \
            exported from the target subscription) it also reports collisions: VM or NIC names taken, \
            static private IPs in use or outside their subnet, missing subnets, load balancers, pools, \
            NAT rules and public IPs (whose address is lost), Basic/Standard SKU and zone mismatches.

              rewire check manifest.json --profile arm-2018
              rewire check manifest.json --target-environment target/ --json
              rewire check manifest.json --vault-name rsv-prod --vault-location westeurope

            The output lists the manifest's own capture findings too (source "capture" in --json), \
            after the preflight findings of the same severity. --json prints {"schemaVersion", \
            "manifest", "profile", "targetEnvironment", "summary": {"blocker", "warning", "info"}, \
            "findings": [{"severity", "code", "source", "vm", "setting", "message", "action", \
            "location"}]}; keys without a value are left out.

            Exit status: 0 no blocker, 1 at least one blocker, 2 usage error, 65 unreadable manifest \
            or target environment.
            """
    )

    @Argument(help: "The manifest written by 'rewire capture'.")
    var manifest: String

    @Option(
        name: .customLong("target-environment"),
        help: ArgumentHelp(
            "An inventory of the target subscription: a file or folder of exported JSON (repeatable).", valueName: "ENV"
        ))
    var targetEnvironment: [String] = []

    @Option(
        help: "Which era's limits to apply: classic-2015, arm-2018 or current (the default).",
        transform: { text in
            guard let profile = LimitationProfile(rawValue: text.lowercased()) else {
                throw ValidationError("--profile must be classic-2015, arm-2018 or current, not '\(text)'.")
            }
            return profile
        })
    var profile: LimitationProfile = .current

    @Option(
        name: .customLong("vault-name"),
        help: "The Recovery Services vault the restore will use (checked against the naming rules).")
    var vaultName: String?

    @Option(
        name: .customLong("vault-location"),
        help: "The vault's region; Azure Backup needs it to match each VM's region.")
    var vaultLocation: String?

    @Option(
        name: .customLong("target-location"),
        help: "The region to restore into, when it is not the VMs' own (cross-region restore).")
    var targetLocation: String?

    @Flag(help: "Print the findings as JSON instead of a table.")
    var json = false

    func run() async throws {
        let decoded = try ManifestLoading.read(manifest)
        let target = try targetEnvironment.isEmpty ? nil : readTargetEnvironment()
        let preflight = Preflight(
            profile: profile, vaultName: vaultName, vaultLocation: vaultLocation, targetLocation: targetLocation,
            asOf: ISO8601DateFormatter().string(from: Date()))
        let report = CheckReport(
            manifest: manifest, profile: profile, targetEnvironment: targetEnvironment,
            preflight: preflight.findings(for: decoded, target: target), capture: decoded.findings)
        if json {
            FileHandle.standardOutput.write(Data(try CanonicalJSON.encode(report)))
            FileHandle.standardOutput.write(Data("\n".utf8))
        } else {
            print(report.table(), terminator: "")
        }
        if report.summary.blocker > 0 { throw ExitCode(ExitStatus.blockingFindings.rawValue) }
    }

    /// The target inventory goes through the very capture code that reads production exports.
    private func readTargetEnvironment() throws -> Manifest {
        var capture = Capture()
        do {
            for input in targetEnvironment {
                for file in try FileIO.inputFiles(input) { try capture.add(file: file, bytes: try FileIO.read(file)) }
            }
            let target = try capture.finish()
            let resources =
                target.virtualMachines.count + target.networkInterfaces.count + target.loadBalancers.count
                + target.publicIPAddresses.count + target.networkSecurityGroups.count + target.virtualNetworks.count
            guard resources > 0 else {
                throw CommandFailure(
                    .dataError,
                    "--target-environment \(targetEnvironment.joined(separator: " ")): no Azure resources found (expected exported VMs, NICs, load balancers, public IPs, NSGs or virtual networks of the target subscription)"
                )
            }
            return target
        } catch let error as CaptureError {
            throw CommandFailure(.dataError, "--target-environment: \(error.description)")
        }
    }
}

/// What `check` prints: preflight findings and the manifest's capture findings, in one order.
struct CheckReport: Encodable {
    struct Entry: Encodable {
        var severity: Severity
        var code: String
        /// `preflight` or `capture`.
        var source: String
        var vm: String?
        var setting: String?
        var message: String
        var action: String?
        var location: String?
    }

    struct Summary: Encodable {
        var blocker = 0
        var warning = 0
        var info = 0
    }

    var schemaVersion = 1
    var manifest: String
    var profile: String
    var targetEnvironment: [String]?
    var summary = Summary()
    var findings: [Entry]

    init(
        manifest: String, profile: LimitationProfile, targetEnvironment: [String], preflight: [Finding],
        capture: [Finding]
    ) {
        self.manifest = manifest
        self.profile = profile.rawValue
        self.targetEnvironment = targetEnvironment.isEmpty ? nil : targetEnvironment
        let tagged = preflight.map { ($0, "preflight") } + Preflight.sorted(capture).map { ($0, "capture") }
        // Stable: severity first, preflight before capture within a severity, each already sorted.
        findings = tagged.enumerated().sorted { a, b in
            a.element.0.severity != b.element.0.severity
                ? a.element.0.severity < b.element.0.severity : a.offset < b.offset
        }.map { _, item in
            Entry(
                severity: item.0.severity, code: item.0.code, source: item.1, vm: item.0.vm, setting: item.0.setting,
                message: item.0.message, action: item.0.action, location: item.0.location?.description)
        }
        for entry in findings {
            switch entry.severity {
            case .blocker: summary.blocker += 1
            case .warning: summary.warning += 1
            case .info: summary.info += 1
            }
        }
    }

    /// One row per finding (severity, code, VM, setting, message), its action on the line below.
    func table() -> String {
        guard !findings.isEmpty else { return "no findings (profile \(profile))\n" }
        let header = ["SEVERITY", "CODE", "VM", "SETTING", "MESSAGE"]
        let rows = findings.map { [$0.severity.rawValue, $0.code, $0.vm ?? "-", $0.setting ?? "-", $0.message] }
        var widths = header.map(\.count)
        for row in rows {
            for column in 0..<4 { widths[column] = max(widths[column], row[column].count) }
        }
        func line(_ cells: [String]) -> String {
            (0..<4).map { cells[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
                + "  " + cells[4]
        }
        let indent = String(repeating: " ", count: widths[0..<4].reduce(0, +) + 8)
        var text = line(header) + "\n"
        for (row, entry) in zip(rows, findings) {
            text += line(row) + "\n"
            if let action = entry.action { text += indent + "-> " + action + "\n" }
        }
        text +=
            "\(summary.blocker) blocker(s), \(summary.warning) warning(s), \(summary.info) info (profile \(profile))\n"
        return text
    }
}
