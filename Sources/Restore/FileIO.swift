#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX calls the local vault and the journal need, with errors turned into `RestoreError`s that
/// name the file. Everything that lands on disk goes through `writeAtomically` or a temp file + `commit`:
/// a reader never sees a half-written file.
enum FileIO {
    static func errorText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    static func failure(_ what: String, _ path: String, errno code: Int32 = errno) -> RestoreError {
        let kind: RestoreError.Kind = (code == ENOENT || code == ENOTDIR) ? .badData : .internal
        return RestoreError(kind, code: "io.\(what)", message: "cannot \(what): \(errorText(code))", path: path)
    }

    /// A temp file name beside `path` (same directory, so `rename` is atomic), unique per process and call.
    static func temporaryPath(for path: String) -> String {
        let (directory, name) = split(path)
        return "\(directory)/.\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = String(path[..<slash])
        return (directory.isEmpty ? "/" : directory, String(path[path.index(after: slash)...]))
    }

    static func join(_ parts: String...) -> String {
        parts.dropFirst().reduce(parts[0]) { base, part in base.hasSuffix("/") ? base + part : base + "/" + part }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func size(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    /// Bytes actually allocated on disk (for checking that sparse files stayed sparse).
    static func allocatedBytes(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_blocks) * 512
    }

    static func makeDirectories(_ path: String) throws(RestoreError) {
        if isDirectory(path) { return }
        let (parent, _) = split(path)
        if parent != path, parent != "/", parent != "." { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw failure("create the directory", path) }
    }

    static func listDirectory(_ path: String) throws(RestoreError) -> [String] {
        guard let handle = opendir(path) else { throw failure("list the directory", path) }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// A whole file, read straight into the array, sized from `fstat` (a 20 MB input is copied
    /// once); a file that grows while read, or reports no size as `/proc` files do, is read to
    /// its end all the same.
    static func readFile(_ path: String) throws(RestoreError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open", path) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw failure("stat", path) }
        var failed: Int32 = 0
        // One byte more than the size: the read that returns 0 shows the end came where expected.
        var bytes = [UInt8](unsafeUninitializedCapacity: max(Int(status.st_size), 0) + 1) { buffer, count in
            count = readAll(fd, into: buffer, errno: &failed)
        }
        while failed == 0, bytes.count == bytes.capacity {
            let more = [UInt8](unsafeUninitializedCapacity: max(bytes.count, 1 << 16)) { buffer, count in
                count = readAll(fd, into: buffer, errno: &failed)
            }
            if more.isEmpty { break }
            bytes += more
        }
        guard failed == 0 else { throw failure("read", path, errno: failed) }
        return bytes
    }

    /// Fills `buffer` from `fd` until it is full or the file ends; the count read. A failed read
    /// leaves its errno in `code`.
    private static func readAll(_ fd: Int32, into buffer: UnsafeMutableBufferPointer<UInt8>, errno code: inout Int32)
        -> Int
    {
        var count = 0
        while count < buffer.count {
            let got = read(fd, buffer.baseAddress! + count, buffer.count - count)
            if got < 0 && errno == EINTR { continue }
            if got < 0 { code = errno }
            if got <= 0 { break }
            count += got
        }
        return count
    }

    /// Writes to a temp file, fsyncs it, renames it over `path` and fsyncs the directory, so after a crash
    /// `path` holds either the old or the new content, never a mix.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(RestoreError) {
        var file = try DurableFile(inExistingFolder: path)
        try file.append(bytes)
        try file.commit()
    }

    /// Renames a finished, fsynced temp file into place and fsyncs the directory.
    static func commit(_ temporary: String, to path: String) throws(RestoreError) {
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure("rename into place", path, errno: code)
        }
        try fsyncDirectory(split(path).directory)
    }

    static func fsyncDirectory(_ directory: String) throws(RestoreError) {
        let fd = open(directory, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure("open the directory", directory) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure("fsync the directory", directory) }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(RestoreError) {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("write", path)
            }
            written += count
        }
    }

    /// Deletes the temp files (`.<name>.tmp-<pid>-<n>`) a killed run left in `directory`.
    static func removeStaleTemporaries(in directory: String, of file: String? = nil) {
        let prefix = file.map { ".\($0).tmp-" } ?? "."
        for name in (try? listDirectory(directory)) ?? [] where name.hasPrefix(prefix) && name.contains(".tmp-") {
            unlink(join(directory, name))
        }
    }

    /// An exclusive advisory lock on `path` (created if needed), held until the returned descriptor is closed.
    /// Nil when another process holds it.
    static func lockExclusively(_ path: String) throws(RestoreError) -> Int32? {
        try makeDirectories(split(path).directory)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure("create the lock file", path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    static func removeTree(_ path: String) {
        if isDirectory(path) {
            for name in (try? listDirectory(path)) ?? [] { removeTree(join(path, name)) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
