public import RewireModel

extension ScriptGenerator {
    /// `rehearsal.md`: the rehearsal report for people — steps with their durations, what the check
    /// found, what was restored and generated, what to watch for, and how to clean up.
    public func rehearsalMarkdown(_ report: RehearsalReport, manifest: Manifest) throws(ScriptGenError) -> String {
        let header = try Self.header(manifest, options: options)
        func finding(_ finding: Finding) -> RehearsalFindingLine {
            RehearsalFindingLine(
                severityMarkdown: finding.severity.rawValue, codeMarkdown: "`" + Markdown.codeSpan(finding.code) + "`",
                vmMarkdown: Markdown.escape(finding.vm ?? "—"),
                messageMarkdown: Markdown.escape(finding.message + (finding.action.map { " → \($0)" } ?? "")))
        }
        let checkFindings = report.checkFindings.filter { $0.severity != .info }.map(finding)
        let rehearsalFindings = report.rehearsalFindings.map(finding)
        let document = RehearsalDocument(
            header: header, idMarkdown: Markdown.codeSpan(report.id), suffixMarkdown: Markdown.codeSpan(report.suffix),
            manifestMarkdown: Markdown.codeSpan(report.manifest), vaultMarkdown: Markdown.codeSpan(report.vault),
            recoveryPointMarkdown: Markdown.codeSpan(report.recoveryPointSelector),
            startedMarkdown: Markdown.escape(report.startedAt), finishedMarkdown: Markdown.escape(report.finishedAt),
            verdictMarkdown: report.blockers == 0
                ? "No blockers: the restore can go ahead as captured."
                : "\(report.blockers) blocker(s): the restore cannot succeed as captured until they are fixed (see below).",
            steps: report.steps.map { step in
                RehearsalStepLine(
                    nameMarkdown: step.name.rawValue, statusMarkdown: step.status.rawValue,
                    durationMarkdown: Self.durationText(step.durationMilliseconds),
                    summaryMarkdown: Markdown.escape(step.summary))
            },
            hasCheckFindings: !checkFindings.isEmpty, checkFindings: checkFindings,
            infoCountMarkdown: String(report.checkFindings.filter { $0.severity == .info }.count),
            hasRehearsalFindings: !rehearsalFindings.isEmpty, rehearsalFindings: rehearsalFindings,
            hasRestored: !report.restored.isEmpty,
            restored: report.restored.map { vm in
                RehearsalRestoredLine(
                    vmMarkdown: Markdown.escape(vm.name), pointMarkdown: Markdown.codeSpan(vm.recoveryPoint.id),
                    timeMarkdown: Markdown.escape(vm.recoveryPoint.time), statusMarkdown: vm.status.rawValue,
                    disksMarkdown: "\(vm.disks.filter(\.verified).count) of \(vm.disks.count) verified")
            },
            hasDryRun: !report.dryRunActions.isEmpty,
            dryRunActions: report.dryRunActions.map { MarkdownLine(textMarkdown: Markdown.escape($0)) },
            files: report.generatedFiles.map { MarkdownLine(textMarkdown: "`" + Markdown.codeSpan($0) + "`") },
            resources: report.resources.map { resource in
                RehearsalResourceLine(
                    kindMarkdown: resource.kind.rawValue, nameMarkdown: Markdown.escape(resource.name),
                    groupMarkdown: Markdown.escape(resource.resourceGroup.isEmpty ? "—" : resource.resourceGroup),
                    sourceMarkdown: Markdown.escape(ResourceID(resource.sourceId)?.name ?? resource.sourceId))
            })
        return try renderer.render(document, template: "rehearsal.md")
    }

    /// `1.234 s`, `250 ms`.
    public static func durationText(_ milliseconds: Int) -> String {
        milliseconds < 1000 ? "\(milliseconds) ms" : "\(milliseconds / 1000).\(format3(milliseconds % 1000)) s"
    }

    private static func format3(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 3 - text.count)) + text
    }
}

struct RehearsalDocument: Sendable {
    var header: ScriptHeader
    var idMarkdown: String
    var suffixMarkdown: String
    var manifestMarkdown: String
    var vaultMarkdown: String
    var recoveryPointMarkdown: String
    var startedMarkdown: String
    var finishedMarkdown: String
    var verdictMarkdown: String
    var steps: [RehearsalStepLine]
    var hasCheckFindings: Bool
    var checkFindings: [RehearsalFindingLine]
    var infoCountMarkdown: String
    var hasRehearsalFindings: Bool
    var rehearsalFindings: [RehearsalFindingLine]
    var hasRestored: Bool
    var restored: [RehearsalRestoredLine]
    var hasDryRun: Bool
    var dryRunActions: [MarkdownLine]
    var files: [MarkdownLine]
    var resources: [RehearsalResourceLine]
}

struct RehearsalStepLine: Sendable {
    var nameMarkdown: String
    var statusMarkdown: String
    var durationMarkdown: String
    var summaryMarkdown: String
}

struct RehearsalFindingLine: Sendable {
    var severityMarkdown: String
    var codeMarkdown: String
    var vmMarkdown: String
    var messageMarkdown: String
}

struct RehearsalRestoredLine: Sendable {
    var vmMarkdown: String
    var pointMarkdown: String
    var timeMarkdown: String
    var statusMarkdown: String
    var disksMarkdown: String
}

struct RehearsalResourceLine: Sendable {
    var kindMarkdown: String
    var nameMarkdown: String
    var groupMarkdown: String
    var sourceMarkdown: String
}
