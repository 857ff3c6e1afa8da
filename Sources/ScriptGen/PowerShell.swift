/// The one way a data value enters a generated script.
///
/// Every manifest value becomes a single-quoted PowerShell literal: nothing inside is expanded,
/// and the only special characters are the five single-quote characters PowerShell's tokenizer
/// accepts (`'`, U+2018 to U+201B), each doubled. A NUL, which no PowerShell grammar keeps inside a
/// literal, is written as `[char]0` joined to the pieces around it.
public enum PowerShell {
    public static func quote(_ value: String) -> String {
        guard value.unicodeScalars.contains("\0") else { return singleQuoted(value) }
        let pieces = value.split(separator: "\0", omittingEmptySubsequences: false).map { singleQuoted(String($0)) }
        return "(" + pieces.joined(separator: " + [char]0 + ") + ")"
    }

    private static func singleQuoted(_ value: String) -> String {
        var out = "'"
        out.unicodeScalars.reserveCapacity(value.unicodeScalars.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x27, 0x2018, 0x2019, 0x201A, 0x201B:
                out.unicodeScalars.append(scalar)
                out.unicodeScalars.append(scalar)
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out.unicodeScalars.append("'")
        return out
    }
}

/// A fragment of PowerShell built only from quoted literals, numbers and constants. Templates
/// place these with `{{{nameCode}}}`; every other value goes through `{{name}}`, which quotes it.
struct PowerShellCode: Sendable, Equatable, CustomStringConvertible {
    let text: String

    private init(_ text: String) {
        self.text = text
    }

    var description: String { text }

    static func int(_ value: Int) -> PowerShellCode { PowerShellCode(String(value)) }

    /// The cmdlet progress lines go through: `Write-Host` on a console; `Write-Verbose` in Azure
    /// Automation, which has no host (Write-Host output is lost there).
    static func progressCmdlet(automation: Bool) -> PowerShellCode {
        PowerShellCode(automation ? "Write-Verbose" : "Write-Host")
    }

    /// `.\NAME.ps1`, the inline call of a published Azure Automation runbook. Automation resolves
    /// the bare path when the runbook is published, so it cannot be quoted: `fileName` must already
    /// be a runbook name (letters, digits, `-`, `_`) plus `.ps1`, as `ScriptGenerator` makes them.
    static func runbookCall(_ fileName: String) -> PowerShellCode {
        precondition(
            fileName.hasSuffix(".ps1")
                && fileName.dropLast(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") },
            "not a runbook file name: \(fileName)")
        return PowerShellCode(".\\" + fileName)
    }

    static func bool(_ value: Bool) -> PowerShellCode { PowerShellCode(value ? "$true" : "$false") }

    static func ints(_ values: [Int]) -> PowerShellCode {
        PowerShellCode(values.map(String.init).joined(separator: ", "))
    }

    /// `0 = 'a'; 3 = 'b'`: the inside of a hashtable keyed by integers (LUN to disk name).
    static func intKeyedEntries(_ values: [(Int, String)]) -> PowerShellCode {
        PowerShellCode(values.map { "\($0.0) = \(PowerShell.quote($0.1))" }.joined(separator: "; "))
    }

    /// A switch parameter the generator chose (`-Windows`).
    static func switchParameter(_ name: String) -> PowerShellCode {
        precondition(name.allSatisfy { $0.isASCII && $0.isLetter }, "switch names are generated")
        return PowerShellCode("-" + name)
    }

    /// `'a', 'b'`: an array argument (a single element is a valid one-element argument too).
    static func list(_ values: [String]) -> PowerShellCode {
        PowerShellCode(values.map(PowerShell.quote).joined(separator: ", "))
    }

    /// `@{ 'key' = 'value'; ... }` with keys in sorted order.
    static func hashtable(_ values: [String: String]) -> PowerShellCode {
        let pairs = values.keys.sorted().map { "\(PowerShell.quote($0)) = \(PowerShell.quote(values[$0] ?? ""))" }
        return PowerShellCode("@{ " + pairs.joined(separator: "; ") + " }")
    }

    /// A script variable name chosen by the generator (`$nic0`), never derived from data.
    static func variable(_ name: String) -> PowerShellCode {
        precondition(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }, "variable names are generated")
        return PowerShellCode("$" + name)
    }

    /// Text for a `#` line comment: every line break (and the separators PowerShell also ends a
    /// line at) becomes a space, so the text cannot leave the comment.
    static func comment(_ text: String) -> PowerShellCode {
        let breaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}"]
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(breaks.contains(scalar) ? " " : scalar) }
        return PowerShellCode(String(out))
    }

    /// `$a, $b`: generated fragments (variables) joined into one array argument.
    static func joined(_ codes: [PowerShellCode]) -> PowerShellCode {
        PowerShellCode(codes.map(\.text).joined(separator: ", "))
    }

    /// `$a, $b`: generated variables as one array argument.
    static func variables(_ names: [String]) -> PowerShellCode {
        PowerShellCode(names.map { variable($0).text }.joined(separator: ", "))
    }
}
