import ArgumentParser
import Foundation
import RewireModel

struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show the drift between two captures: settings added, removed and changed per VM.",
        discussion: """
            Compares OLD and NEW setting by setting: per VM its size, zone, tags, disks, DC role and every \
            NIC, IP configuration, static and public IP, backend pool, NAT rule and NSG rule; then the \
            load balancers, public IPs, NSGs, virtual networks and storage accounts. Resources are \
            matched by id and list elements by name, so a reordering is not drift. A manifest from an \
            older rewire (no virtual networks) still reads; what only one side records is not compared.

              rewire capture --live --subscription S -o today.json
              rewire diff manifest.json today.json

            Exit codes, like diff: 0 the same, 1 different, 2 usage error, 65 a manifest cannot be read.
            """
    )

    @Argument(help: "The older manifest.")
    var old: String

    @Argument(help: "The newer manifest.")
    var new: String

    @Flag(help: "Print the drift as JSON (changes with scope, resource, kind, setting, old and new; notes).")
    var json = false

    func run() async throws {
        let before = try ManifestLoading.read(old)
        let after = try ManifestLoading.read(new)
        let diff = ManifestDiff(old: before, new: after)
        if json {
            let report = DiffReport(old: old, new: new, equal: diff.isEmpty, changes: diff.changes, notes: diff.notes)
            FileHandle.standardOutput.write(Data(try CanonicalJSON.encode(report)))
        } else {
            print(Self.text(diff), terminator: "")
        }
        if !diff.isEmpty { throw ExitCode(ExitStatus.blockingFindings.rawValue) }
    }

    /// One block per resource that changed, `+` added, `-` removed, `~` changed.
    static func text(_ diff: ManifestDiff) -> String {
        var lines: [String] = []
        var current: (ManifestDiff.Change.Scope, String)?
        var resources = 0
        for change in diff.changes {
            let heading = "\(change.scope.label) \(change.resource)"
            guard let setting = change.setting else {
                lines.append("\(heading): \(change.kind.rawValue)")
                current = nil
                resources += 1
                continue
            }
            if current.map({ $0.0 != change.scope || $0.1 != change.resource }) ?? true {
                lines.append("\(heading):")
                current = (change.scope, change.resource)
                resources += 1
            }
            switch change.kind {
            case .added: lines.append("  + \(setting)" + value(change.new))
            case .removed: lines.append("  - \(setting)" + value(change.old))
            case .changed: lines.append("  ~ \(setting): \(change.old ?? "") -> \(change.new ?? "")")
            }
        }
        lines += diff.notes.map { "note: \($0)" }
        lines.append(
            diff.isEmpty
                ? "no drift: the manifests hold the same settings"
                : "\(diff.changes.count) change(s) in \(resources) resource(s)")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func value(_ text: String?) -> String {
        guard let text, text != ManifestDiff.presentValue else { return "" }
        return ": \(text)"
    }
}

/// `rewire diff --json`.
struct DiffReport: Encodable {
    var old: String
    var new: String
    var equal: Bool
    var changes: [ManifestDiff.Change]
    var notes: [String]
}
