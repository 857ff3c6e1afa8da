import Foundation
import NetConfigCapture
import RewireTestSupport
import Testing

@testable import RewireModel

/// The manifests rewire captures from real inputs write the same bytes through the
/// `@CanonicalJSONWritable` writers (what `capture` uses) as through `Encodable`.
@Suite struct CanonicalWriterCaptureTests {
    static func sameBytes(_ manifest: Manifest) throws {
        let written = String(decoding: CanonicalJSON.write(manifest), as: UTF8.self)
        let encoded = String(decoding: try CanonicalJSONTreeEncoder().encode(manifest) + [0x0A], as: UTF8.self)
        #expect(written == encoded)
    }

    /// Every file under `folder`, recursively.
    static func files(under folder: URL, suffixes: [String]) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        return (enumerator?.allObjects as? [URL] ?? []).filter { url in suffixes.contains { url.path.hasSuffix($0) } }
    }

    @Test func classicFixturesTogether() throws {
        let manifest = try capture(files: ClassicFixtures.allXMLFiles.map { ClassicFixtures.directory.appendingPathComponent($0) })
        #expect(manifest.virtualMachines.count > 10)
        try Self.sameBytes(manifest)
    }

    @Test(arguments: ["arm", "azcli"])
    func exampleEstate(_ shape: String) throws {
        let files = Self.files(under: Paths.examples.appendingPathComponent("estate/\(shape)"), suffixes: [".json"])
        try #require(!files.isEmpty)
        try Self.sameBytes(try capture(files: files))
    }

    /// The published ARM examples, one at a time and all together.
    @Test func sharedARMFixtures() throws {
        let documents = try ARMFixtures.resourceExamples().map {
            ($0.lastPathComponent, String(decoding: try ARMFixtures.body(of: $0), as: UTF8.self))
        }
        try #require(documents.count > 10)
        for document in documents { try Self.sameBytes(try capture([document])) }
        try Self.sameBytes(try capture(documents))
    }

    @Test(arguments: ["corp", "lab"])
    func domainControllerFixtures(_ folder: String) throws {
        let files = Self.files(under: DCFixtures.folder.appendingPathComponent(folder), suffixes: [".json", ".xml"])
        let manifest = try capture(files: files)
        #expect(manifest.virtualMachines.contains { $0.domainController != nil })
        try Self.sameBytes(manifest)
    }
}
