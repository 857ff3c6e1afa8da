public import Foundation

/// Golden files: expected output kept beside the tests. Set `REWIRE_RECORD_GOLDEN=1` to re-record;
/// a missing golden file is written and the comparison fails, so a new golden is always reviewed.
public enum Golden {
    public static var recording: Bool { ProcessInfo.processInfo.environment["REWIRE_RECORD_GOLDEN"] == "1" }

    /// Nil when `actual` matches the golden file; else a message naming the first differing line.
    public static func mismatch(_ actual: String, golden: URL) throws -> String? {
        let existing = try? String(contentsOf: golden, encoding: .utf8)
        if recording || existing == nil {
            try FileManager.default.createDirectory(at: golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: golden)
            return recording ? nil : "golden file \(golden.path) was missing and has been written; review and commit it"
        }
        guard let existing, existing != actual else { return nil }
        let expectedLines = existing.components(separatedBy: "\n")
        let actualLines = actual.components(separatedBy: "\n")
        for index in 0..<max(expectedLines.count, actualLines.count) {
            let expected = index < expectedLines.count ? expectedLines[index] : "<end of file>"
            let got = index < actualLines.count ? actualLines[index] : "<end of file>"
            if expected != got {
                return "\(golden.lastPathComponent):\(index + 1) differs (REWIRE_RECORD_GOLDEN=1 to re-record)\n  expected: \(expected)\n  actual:   \(got)"
            }
        }
        return "\(golden.lastPathComponent) differs"
    }
}
