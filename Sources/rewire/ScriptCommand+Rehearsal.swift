import Foundation
import Restore
import RewireModel

/// `rewire script --rehearsal`: the options checked, the plan made, its findings reported.
extension ScriptCommand {
    /// The rehearsal plan when `--rehearsal` is given; nil otherwise. Rehearsal options without
    /// `--rehearsal` are a usage error.
    func rehearsalPlan(_ manifest: Manifest, manifestBytes: [UInt8]) throws -> RehearsalPlan? {
        guard rehearsal else {
            for (option, value) in [
                ("--suffix", suffix), ("--isolated-vnet", isolatedVnet), ("--rehearsal-id", rehearsalID),
            ]
            where value != nil {
                throw CommandFailure(.usage, "\(option) needs --rehearsal")
            }
            return nil
        }
        if automation {
            throw CommandFailure(
                .usage, "--rehearsal and --automation do not go together: a rehearsal is run and cleaned up by hand")
        }
        let id = rehearsalID ?? RehearsalIdentity.fromManifest(manifestBytes)
        return try RehearsalIdentity.plan(
            manifest, options: RehearsalOptions(id: id, suffix: suffix, isolatedNetworkName: isolatedVnet),
            path: self.manifest)
    }

    /// The rehearsal options as the regenerate command repeats them (the id always, so the same files come back).
    func rehearsalArguments(_ plan: RehearsalPlan) -> String {
        var text = " --rehearsal --rehearsal-id \(plan.id)"
        if let suffix { text += " --suffix \(suffix)" }
        if let isolatedVnet { text += " --isolated-vnet \(isolatedVnet)" }
        return text
    }

    func reportRehearsal(_ plan: RehearsalPlan) {
        print(
            "rehearsal \(plan.id): \(plan.resources.count) resource(s) tagged \(RehearsalPlan.tagName)=\(plan.id); remove them with cleanup.ps1"
        )
        RehearsalIdentity.printFindings(plan.findings)
    }
}

/// What `script --rehearsal` and `rehearse` share: the default id, planning with CLI errors, findings on stderr.
enum RehearsalIdentity {
    /// The default id of `script --rehearsal`: the first 8 hex digits of the manifest's SHA-256,
    /// so that the same manifest gives the same scripts.
    static func fromManifest(_ bytes: [UInt8]) -> String {
        String(sha256Hex(bytes).prefix(8))
    }

    /// The default id of `rehearse`: the UTC minute it starts (`202512011930`), so that two rehearsals differ.
    static func fromClock(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(
            format: "%04d%02d%02d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0,
            parts.minute ?? 0)
    }

    static func plan(_ manifest: Manifest, options: RehearsalOptions, path: String) throws -> RehearsalPlan {
        if let problem = RehearsalOptions.problem(id: options.id) {
            throw CommandFailure(.usage, "--rehearsal-id: \(problem)")
        }
        if let problem = RehearsalOptions.problem(suffix: options.suffix) {
            throw CommandFailure(.usage, "--suffix: \(problem)")
        }
        do {
            return try RehearsalPlanner(manifest: manifest, options: options).plan()
        } catch {
            throw CommandFailure(
                error.isUsage ? .usage : .dataError, error.isUsage ? error.message : "\(path): \(error.message)")
        }
    }

    static func printFindings(_ findings: [Finding]) {
        for finding in findings where finding.severity != .info {
            FileHandle.standardError.write(
                Data("\(finding.severity.rawValue): \(finding.code): \(finding.message)\n".utf8))
        }
    }
}
