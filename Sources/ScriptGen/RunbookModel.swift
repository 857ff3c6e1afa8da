/// What `RUNBOOK.md` places. Prose fields are Markdown-escaped in Swift (`*Markdown`); values
/// inside code spans are PowerShell, quoted by the template like everywhere else.
struct Runbook: Sendable {
    var header: ScriptHeader
    var vmCountCode: PowerShellCode
    var hasFindings: Bool
    var findings: [RunbookFinding]
    var vms: [RunbookVM]
    var hasDomainControllers: Bool
    /// Set for `script --rehearsal` and `rewire rehearse`.
    var rehearsal: RunbookRehearsal?
}

/// What a rehearsal's runbook says first: copies, isolation, and how to remove them.
struct RunbookRehearsal: Sendable {
    var idMarkdown: String
    var tagMarkdown: String
    var networksMarkdown: String
    var resourceGroupsMarkdown: String
    var resourceCountCode: PowerShellCode
}

struct RunbookFinding: Sendable {
    var severityMarkdown: String
    var vmMarkdown: String
    var codeMarkdown: String
    var messageMarkdown: String
}

struct RunbookVM: Sendable {
    var indexCode: PowerShellCode
    var vmNameMarkdown: String
    var vmName: String
    var resourceGroup: String
    var scriptPath: String
    var lines: [MarkdownLine]
    var checks: [MarkdownLine]
    /// Set for a domain controller: the decision point before its restore.
    var decision: RunbookDecision?
}

/// A domain controller's decision point: which path rewire chose and why, the question to answer
/// before restoring, and the steps of the chosen path.
struct RunbookDecision: Sendable {
    var titleMarkdown: String
    var summaryMarkdown: String
    var steps: [MarkdownLine]
}

struct MarkdownLine: Sendable {
    var textMarkdown: String
}

enum Markdown {
    /// Escapes text for Markdown prose and table cells, on one line.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|", "{", "}", "!": out += "\\\(character)"
            case "\n", "\r", "\u{2028}", "\u{2029}": out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// Text for inside a code span: backticks cannot be escaped there, so they become `'`.
    static func codeSpan(_ text: String) -> String {
        String(text.map { $0 == "`" ? "'" : ($0.isNewline ? " " : $0) })
    }
}
