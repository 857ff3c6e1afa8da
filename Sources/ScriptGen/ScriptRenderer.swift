import Foundation
import Mustache

/// Renders script models through the Mustache templates: the ones built into the binary, or those
/// of a `--templates DIR` override (same file names).
struct ScriptRenderer: Sendable {
    let library: MustacheLibrary

    /// Registers the `POWERSHELL` content type: `{{value}}` becomes a quoted PowerShell literal.
    private static let registration: Void = {
        MustacheContentTypes.register(PowerShellContentType(), named: "POWERSHELL")
    }()

    init(overrideDirectory: String? = nil) throws(ScriptGenError) {
        _ = Self.registration
        var sources = Self.embeddedTemplates()
        if let overrideDirectory {
            for (name, text) in try Self.templates(in: overrideDirectory) { sources[name] = text }
        }
        var library = MustacheLibrary()
        for (name, text) in sources.sorted(by: { $0.key < $1.key }) {
            guard text.hasPrefix(ScriptTemplates.pragma) else {
                throw ScriptGenError(
                    "template \(name).mustache must start with \(ScriptTemplates.pragma), or its values would not be quoted")
            }
            do {
                try library.register(text, named: name)
            } catch {
                throw ScriptGenError("template \(name).mustache: \(error)")
            }
        }
        self.library = library
    }

    func render(_ object: Any, template: String) throws(ScriptGenError) -> String {
        guard let text = library.render(Self.context(object), withTemplate: template) else {
            throw ScriptGenError("template \(template).mustache is missing")
        }
        return text
    }

    /// The model as dictionaries and arrays. swift-mustache looks up a struct's members through
    /// `Mirror` on every tag, which made rendering thousands of VMs slow; a dictionary is one hash
    /// lookup. A nil member stays present as `NSNull`, so that a section over it is empty instead
    /// of falling through to a same-named member of an enclosing context.
    static func context(_ value: Any) -> Any {
        switch value {
        case is String, is Bool, is Int, is PowerShellCode: return value
        case let array as [Any]: return array.map(context)
        default: break
        }
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return NSNull() }
            return context(wrapped)
        }
        if mirror.displayStyle == .collection { return mirror.children.map { context($0.value) } }
        guard mirror.displayStyle == .struct else { return value }
        var dictionary: [String: Any] = [:]
        for child in mirror.children {
            guard let label = child.label else { continue }
            dictionary[label] = context(child.value)
        }
        return dictionary
    }

    /// Template name (relative path without `.mustache`) → text, from the build-time embedding.
    static func embeddedTemplates() -> [String: String] {
        var out: [String: String] = [:]
        for (path, base64) in EmbeddedTemplates.base64 {
            guard let data = Data(base64Encoded: base64) else { continue }
            out[String(path.dropLast(".mustache".count))] = String(decoding: data, as: UTF8.self)
        }
        return out
    }

    static func templates(in directory: String) throws(ScriptGenError) -> [String: String] {
        let root = URL(fileURLWithPath: directory).standardizedFileURL
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            throw ScriptGenError("\(directory): cannot read the templates folder")
        }
        var out: [String: String] = [:]
        for case let url as URL in walker where url.pathExtension == "mustache" {
            let relative = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw ScriptGenError("\(url.path): cannot read the template as UTF-8")
            }
            out[String(relative.dropLast(".mustache".count))] = text
        }
        return out
    }
}

public enum ScriptTemplates {
    /// Every template and partial starts with this: swift-mustache resets a partial's content type
    /// to HTML otherwise, and HTML escaping is not quoting.
    public static let pragma = "{{% CONTENT_TYPE: POWERSHELL}}"
}

struct PowerShellContentType: MustacheContentType {
    func escapeText(_ text: String) -> String {
        PowerShell.quote(text)
    }
}

extension PowerShellCode: MustacheCustomRenderable {
    var renderText: String { text }
    var isNull: Bool { false }
}

/// A template that cannot be loaded or rendered.
public struct ScriptGenError: Error, Sendable, CustomStringConvertible {
    public var message: String

    init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
