import Foundation
import NetConfigCapture
import RewireModel
import RewireTestSupport

/// Captures documents given as text, each named like a file.
func capture(_ documents: [(name: String, text: String)], vms: [String] = []) throws -> Manifest {
    var capture = Capture(options: CaptureOptions(vmNames: vms))
    for document in documents { try capture.add(file: document.name, bytes: Array(document.text.utf8)) }
    return try capture.finish()
}

func capture(files: [URL], vms: [String] = []) throws -> Manifest {
    var capture = Capture(options: CaptureOptions(vmNames: vms))
    for file in files.sorted(by: { $0.path < $1.path }) {
        try capture.add(file: file.lastPathComponent, bytes: [UInt8](try Data(contentsOf: file)))
    }
    return try capture.finish()
}

/// The example estate, one folder per shape.
func exampleFiles(_ shape: String) -> [URL] {
    let folder = Paths.examples.appendingPathComponent("estate/\(shape)")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json") }.map { folder.appendingPathComponent($0) }
}
