import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import ScriptGen
import Testing

@Suite("Scripts for the published ARM examples")
struct FixtureScriptTests {
    /// Each example alone and all together: every script passes pscheck.
    @Test func passPSCheckAloneAndTogether() throws {
        let examples = ARMFixtures.resourceExamples()
        let directory = try TemporaryDirectory()
        var scripts: [String] = []
        var all = Capture()
        for (index, example) in examples.enumerated() {
            let bytes = [UInt8](try ARMFixtures.body(of: example))
            var alone = Capture()
            try alone.add(file: example.lastPathComponent, bytes: bytes)
            try all.add(file: example.lastPathComponent, bytes: bytes)
            scripts += try write(try generate(try alone.finish()), into: directory, prefix: "\(index)/")
        }
        scripts += try write(try generate(try all.finish()), into: directory, prefix: "all/")
        #expect(scripts.count > examples.count)
        let findings = try PSCheck.findings(scripts)
        #expect(findings.isEmpty, "\(findings)")
    }
}

@Suite("Templates")
struct TemplateRuleTests {
    static func templates() throws -> [(name: String, text: String)] {
        let walker = FileManager.default.enumerator(atPath: Paths.templates.path)
        var out: [(String, String)] = []
        while let name = walker?.nextObject() as? String {
            guard name.hasSuffix(".mustache") else { continue }
            out.append((name, try String(contentsOf: Paths.templates.appendingPathComponent(name), encoding: .utf8)))
        }
        return out
    }

    /// swift-mustache resets a partial's content type to HTML: every file must set it again.
    @Test func everyTemplateAndPartialStartsWithThePowerShellPragma() throws {
        let templates = try Self.templates()
        #expect(templates.count >= 4)
        for template in templates {
            #expect(template.text.hasPrefix(ScriptTemplates.pragma), "\(template.name)")
        }
    }

    /// Unescaped placements are reserved for finished code (`*Code`) and escaped Markdown
    /// (`*Markdown`, in .md templates only); everything else is quoted by the content type.
    @Test func onlyCodeAndMarkdownFieldsArePlacedUnquoted() throws {
        let triple = try Regex(#"\{\{\{([^}]*)\}\}\}"#)
        for template in try Self.templates() {
            for match in template.text.matches(of: triple) {
                let name = String(template.text[match.range]).trimmingCharacters(in: CharacterSet(charactersIn: "{} "))
                let allowed = name.hasSuffix("Code") || (template.name.hasSuffix(".md.mustache") && name.hasSuffix("Markdown"))
                    || (template.name.hasPrefix("partials/markdown") && name.hasSuffix("Markdown"))
                #expect(allowed, "\(template.name): {{{\(name)}}} is placed without quoting")
            }
            #expect(!template.text.contains("{{&"), "\(template.name) uses the {{& }} unescaped form")
        }
    }

    /// A quoted value may span lines, and a line comment ends at the first line break: on a
    /// comment line only comment-safe code (`.comment(...)`, numbers) may be placed.
    @Test func commentLinesPlaceOnlyCommentSafeCode() throws {
        for template in try Self.templates() where template.name.hasSuffix(".ps1.mustache") || template.name.hasPrefix("partials/header") {
            for (number, line) in template.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.drop { $0 == " " }
                guard trimmed.hasPrefix("#"), !trimmed.hasPrefix("#Requires") else { continue }
                let stripped = line.replacingOccurrences(of: #"\{\{\{[^}]*Code\}\}\}"#, with: "", options: .regularExpression)
                #expect(!stripped.contains("{{"), "\(template.name):\(number + 1) places a value in a comment: \(line)")
            }
        }
    }
}
