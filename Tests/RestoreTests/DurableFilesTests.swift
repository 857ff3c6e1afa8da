import Foundation
import Restore
import Testing

/// The output writer every command uses: all files or none, never half of one.
@Suite("Durable output files")
struct DurableFilesTests {
    @Test func writesEveryFileAndLeavesNoTemporaries() async throws {
        try await withTemporaryDirectory { root in
            let folder = root + "/out/nested"
            try DurableFiles.write([("a.ps1", Array("one".utf8)), ("b.md", Array("two".utf8))], into: folder)
            #expect(try String(contentsOfFile: folder + "/a.ps1", encoding: .utf8) == "one")
            #expect(try String(contentsOfFile: folder + "/b.md", encoding: .utf8) == "two")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["a.ps1", "b.md"])
        }
    }

    /// The second file cannot be created: the first is not renamed into place either, the old
    /// contents survive, and no temp file is left behind.
    @Test func aFailureLeavesTheFolderAsItWas() async throws {
        try await withTemporaryDirectory { folder in
            try DurableFiles.write(Array("old".utf8), to: folder + "/a.ps1")
            #expect(throws: RestoreError.self) {
                try DurableFiles.write([("a.ps1", Array("new".utf8)), ("missing/b.md", Array("two".utf8))], into: folder)
            }
            #expect(try String(contentsOfFile: folder + "/a.ps1", encoding: .utf8) == "old")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["a.ps1"])
        }
    }

    @Test func replacesASingleFile() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/deep/manifest.json"
            try DurableFiles.write(Array("1".utf8), to: path)
            try DurableFiles.write(Array("22".utf8), to: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "22")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/deep") == ["manifest.json"])
        }
    }

    /// A file written in pieces replaces the old one only on commit.
    @Test func pieceByPieceReplacesOnCommit() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/manifest.json"
            try DurableFiles.write(Array("old".utf8), to: path)
            var file = try DurableFile(path: path)
            try file.append(Array("ne".utf8))
            try file.append(Array("w\n".utf8))
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
            try file.commit()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "new\n")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["manifest.json"])
        }
    }

    /// Given up before the commit (an error while encoding), the temp file goes and the old file stays.
    @Test func pieceByPieceAbandonedLeavesTheOldFile() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/manifest.json"
            try DurableFiles.write(Array("old".utf8), to: path)
            do {
                var file = try DurableFile(path: path)
                try file.append(Array("half".utf8))
                #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 2)
            }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["manifest.json"])
        }
    }

    @Test func pieceByPieceIntoAMissingFolderIsCreated() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/a/b/manifest.json"
            var file = try DurableFile(path: path)
            try file.append(Array("x".utf8))
            try file.commit()
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "x")
        }
    }

    /// Past the flush interval, flushes run in the background while pieces keep coming; the
    /// file is whole after the commit, and a file given up with a flush running is removed.
    @Test func pieceByPieceLargeFileWithBackgroundFlushes() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder + "/large.json"
            let piece = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let pieces = DurableFile.flushInterval / piece.count * 2 + 3
            var file = try DurableFile(path: path)
            for _ in 0..<pieces { try file.append(piece) }
            try file.commit()
            let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            #expect(written.count == pieces * piece.count)
            #expect(written.suffix(piece.count).elementsEqual(piece))
            do {
                var abandoned = try DurableFile(path: path)
                for _ in 0..<(DurableFile.flushInterval / piece.count + 1) { try abandoned.append(piece) }
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["large.json"])
            #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == pieces * piece.count)
        }
    }
}
