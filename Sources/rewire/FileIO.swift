import Foundation

/// The CLI's only disk access: reading inputs and writing outputs atomically.
enum FileIO {
    /// Reads a whole file; a missing or unreadable file is bad input (65).
    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw CommandFailure(.dataError, "\(path): cannot read \(isDirectory.boolValue ? "a folder as a file" : "the file")")
            }
            throw CommandFailure(.dataError, "\(path): no such file or folder")
        }
        return [UInt8](data)
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

    /// Writes `bytes` to a temporary file beside `path`, flushes it, then renames it over `path`:
    /// a reader sees the old file or the new one, never half of one.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            defer { close(descriptor) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard written > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
                offset += written
            }
            guard fsync(descriptor) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            guard rename(temporary.path, url.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CommandFailure(.internalError, "\(path): cannot write the file (\(error.localizedDescription))")
        }
    }

    /// Writes a set of files into `directory` so that none is left half-written: every file is
    /// written to a temporary name first, and only when all succeeded are they renamed into place.
    static func writeAllAtomically(_ files: [(name: String, bytes: [UInt8])], into directory: String) throws {
        var staged: [(temporary: String, final: String)] = []
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for file in files {
                let final = (directory as NSString).appendingPathComponent(file.name)
                let temporary = (directory as NSString).appendingPathComponent(".\(file.name).staged.tmp")
                try Data(file.bytes).write(to: URL(fileURLWithPath: temporary))
                staged.append((temporary, final))
            }
        } catch {
            for entry in staged { try? FileManager.default.removeItem(atPath: entry.temporary) }
            throw CommandFailure(.internalError, "\(directory): cannot write the output (\(error.localizedDescription))")
        }
        for entry in staged where rename(entry.temporary, entry.final) != 0 {
            throw CommandFailure(.internalError, "\(entry.final): cannot move the file into place")
        }
    }
}
