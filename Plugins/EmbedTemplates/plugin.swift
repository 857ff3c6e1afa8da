import Foundation
import PackagePlugin

/// Embeds the package's `templates/` folder into the target as Swift source, so the `rewire`
/// binary renders its default scripts without the source tree beside it.
@main
struct EmbedTemplates: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        let templates = context.package.directoryURL.appending(path: "templates")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedTemplates.swift")
        var inputs: [URL] = []
        if let walker = FileManager.default.enumerator(at: templates, includingPropertiesForKeys: nil) {
            for case let url as URL in walker where url.pathExtension == "mustache" {
                inputs.append(url)
            }
        }
        return [
            .buildCommand(
                displayName: "Embedding templates into \(target.name)",
                executable: try context.tool(named: "embed-templates").url,
                arguments: [templates.path, output.path],
                inputFiles: inputs.sorted { $0.path < $1.path },
                outputFiles: [output]
            )
        ]
    }
}
