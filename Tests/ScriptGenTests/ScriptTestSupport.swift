import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport
import ScriptGen

/// The example estate captured from its ARM export.
func exampleManifest() throws -> Manifest {
    let folder = Paths.examples.appendingPathComponent("estate/arm")
    var capture = Capture()
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".json") {
        try capture.add(file: "examples/estate/arm/\(name)", bytes: [UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
    }
    return try capture.finish()
}

func generate(_ manifest: Manifest) throws -> [GeneratedFile] {
    try ScriptGenerator(options: ScriptOptions(regenerateCommand: "rewire script manifest.json -o restore")).generate(manifest)
}

/// Writes generated files into a temporary directory and returns it with the `.ps1` paths.
func write(_ files: [GeneratedFile], into directory: TemporaryDirectory, prefix: String = "") throws -> [String] {
    var scripts: [String] = []
    for file in files {
        let path = try directory.write(prefix + file.name, file.contents)
        if file.name.hasSuffix(".ps1") { scripts.append(path) }
    }
    return scripts
}
