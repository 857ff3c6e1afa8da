import Foundation
import Restore
import RewireModel

/// The CLI's only disk access: reading inputs and writing outputs atomically.
enum FileIO {
    /// Reads a whole file; a missing or unreadable file is bad input (65).
    static func read(_ path: String) throws -> [UInt8] {
        do {
            return try DurableFiles.read(path)
        } catch {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw CommandFailure(.dataError, "\(path): cannot read \(isDirectory.boolValue ? "a folder as a file" : "the file")")
            }
            throw CommandFailure(.dataError, "\(path): no such file or folder")
        }
    }

    /// The files an INPUT argument names: the file itself, or every `.json` / `.xml` file below a
    /// folder (recursively, hidden entries skipped), sorted so captures are reproducible.
    static func inputFiles(_ path: String, extensions: Set<String> = ["json", "xml"]) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure(.dataError, "\(path): no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        let root = URL(fileURLWithPath: path)
        guard
            let walker = FileManager.default.enumerator(
                at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        else { throw CommandFailure(.dataError, "\(path): cannot list the folder") }
        var files: [String] = []
        for case let url as URL in walker where extensions.contains(url.pathExtension.lowercased()) {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            let relative = url.path.dropFirst(root.path.count).drop { $0 == "/" }
            files.append((path as NSString).appendingPathComponent(String(relative)))
        }
        guard !files.isEmpty else {
            throw CommandFailure(.dataError, "\(path): the folder holds no .json or .xml files")
        }
        return files.sorted()
    }

    /// Replaces `path` with `bytes` so that a reader (or a crash) sees the old file or the new
    /// one, never half of one: temp file, fsync, rename, folder fsync (`Restore.DurableFiles`).
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        do {
            try DurableFiles.write(bytes, to: path)
        } catch {
            throw CommandFailure(.internalError, "\(path): cannot write the file (\(error.message))")
        }
    }

    /// Writes `value`'s canonical JSON to `path` while encoding it, a megabyte at a time, with the
    /// same guarantees as `writeAtomically`: a 28 MB manifest is neither held whole nor waited
    /// on at the end while the disk catches up.
    static func writeCanonicalJSONAtomically(_ value: some CanonicalJSONWritable, to path: String) throws {
        do throws(RestoreError) {
            var file = try DurableFile(path: path)
            try CanonicalJSON.write(value, chunkSize: 1 << 20) { (chunk) throws(RestoreError) in try file.append(chunk) }
            try file.commit()
        } catch {
            throw CommandFailure(.internalError, "\(path): cannot write the file (\(error.message))")
        }
    }

    /// Writes a set of files into `directory` so that none is left half-written: all are written
    /// and fsynced under temporary names first, and renamed into place only when all succeeded.
    static func writeAllAtomically(_ files: [(name: String, bytes: [UInt8])], into directory: String) throws {
        do {
            try DurableFiles.write(files, into: directory)
        } catch {
            throw CommandFailure(.internalError, "\(error.path ?? directory): cannot write the output (\(error.message))")
        }
    }
}
