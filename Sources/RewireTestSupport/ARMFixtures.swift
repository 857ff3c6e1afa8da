public import Foundation

/// The published REST examples in `../shared/fixtures/arm/`: each holds its resource at
/// `responses["200"].body` (or `"201"`).
public enum ARMFixtures {
    public static let root = Paths.shared.appendingPathComponent("fixtures/arm")

    /// Every example file below `compute/` and `network/`.
    public static func resourceExamples() -> [URL] {
        var out: [URL] = []
        for folder in ["compute", "network"] {
            let base = root.appendingPathComponent(folder)
            let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
            while let url = walker?.nextObject() as? URL {
                if url.pathExtension == "json" { out.append(url) }
            }
        }
        return out.sorted { $0.path < $1.path }
    }

    /// The response body of an example, as JSON bytes.
    public static func body(of example: URL) throws -> Data {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: example)) as? [String: Any]
        let responses = object?["responses"] as? [String: Any]
        guard let response = (responses?["200"] ?? responses?["201"]) as? [String: Any], let body = response["body"] else {
            throw CocoaError(.fileReadCorruptFile)
        }
        return try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
    }
}
