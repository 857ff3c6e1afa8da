import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Crash-safe output files for every command, not only restores: the same temp file, fsync, rename,
/// directory fsync sequence the journal uses, so that after a crash or a full disk a reader finds
/// the old file or the new one, never half of one and never an empty one.
public enum DurableFiles {
    /// A whole file (an input, a manifest), read straight into the array. Errors name the file.
    public static func read(_ path: String) throws(RestoreError) -> [UInt8] {
        try FileIO.readFile(path)
    }

    /// Replaces `path` with `bytes` (creating its folder if needed).
    public static func write(_ bytes: [UInt8], to path: String) throws(RestoreError) {
        try FileIO.makeDirectories(FileIO.split(path).directory)
        try FileIO.writeAtomically(bytes, to: path)
    }

    /// Writes a set of files into `directory`: every file goes to a fsynced temp name first; only
    /// when all are written are they renamed into place (then the folder is fsynced). A failure
    /// before the renames leaves the folder as it was.
    public static func write(_ files: [(name: String, bytes: [UInt8])], into directory: String) throws(RestoreError) {
        try FileIO.makeDirectories(directory)
        var staged: [(temporary: String, final: String)] = []
        do throws(RestoreError) {
            for file in files {
                let final = FileIO.join(directory, file.name)
                var written = try DurableFile(inExistingFolder: final)
                try written.append(file.bytes)
                staged.append((try written.sync(), final))
            }
        } catch {
            for entry in staged { unlink(entry.temporary) }
            throw error
        }
        for (index, entry) in staged.enumerated() where rename(entry.temporary, entry.final) != 0 {
            let code = errno
            for rest in staged[index...] { unlink(rest.temporary) }
            throw FileIO.failure("rename into place", entry.final, errno: code)
        }
        try FileIO.fsyncDirectory(directory)
    }
}

/// One output file, written whole (`FileIO.writeAtomically`: vault blobs, the journal,
/// `DurableFiles.write`) or in pieces (a manifest encoded while it is written): under a temp name
/// beside `path` until `commit` fsyncs it and renames it over `path`. Dropped without `commit` (an error on the way), the temp file is removed
/// and `path` is untouched.
///
/// While pieces arrive, every `flushInterval` bytes a `fdatasync` runs on a queue of its own, so
/// that the disk is busy while the caller produces the rest and the fsync in `commit` has only
/// the tail left (on the 28 MB manifest of BENCHMARKS.md: 0.042 s → 0.017 s). A failed background
/// flush fails the commit: the error it took would not be reported to the later fsync.
public struct DurableFile: ~Copyable {
    public let path: String
    private let temporary: String
    /// -1 once committed or given up.
    private var fd: Int32
    private var unflushed = 0
    private let flushes = BackgroundFlushes()

    public static let flushInterval = 8 << 20

    /// Creates the folder of `path` if needed.
    public init(path: String) throws(RestoreError) {
        try FileIO.makeDirectories(FileIO.split(path).directory)
        try self.init(inExistingFolder: path)
    }

    init(inExistingFolder path: String) throws(RestoreError) {
        let temporary = FileIO.temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileIO.failure("create", temporary) }
        self.path = path
        self.temporary = temporary
        self.fd = fd
    }

    /// Writes the next piece.
    public mutating func append(_ bytes: [UInt8]) throws(RestoreError) {
        try FileIO.writeAll(fd, bytes, path: temporary)
        unflushed += bytes.count
        if unflushed >= Self.flushInterval, flushes.start(fd) { unflushed = 0 }
    }

    public consuming func commit() throws(RestoreError) {
        let path = path
        try FileIO.commit(sync(), to: path)
    }

    /// Fsyncs and closes the temp file and hands it over, not yet in place: the caller renames it
    /// (or removes it). A failure removes it.
    consuming func sync() throws(RestoreError) -> String {
        let flushFailure = flushes.wait()
        let synced = flushFailure == 0 && fsync(fd) == 0
        let code = flushFailure != 0 ? flushFailure : errno
        close(fd)
        fd = -1
        guard synced else {
            unlink(temporary)
            throw FileIO.failure("fsync", temporary, errno: code)
        }
        return temporary
    }

    deinit {
        guard fd >= 0 else { return }
        _ = flushes.wait()  // not to close the descriptor under a running flush
        close(fd)
        unlink(temporary)
    }
}

/// At most one `fdatasync` at a time on a serial queue of its own (which gets a thread even when
/// the caller's pool is busy), and the first one's error.
private final class BackgroundFlushes: @unchecked Sendable {
    private let queue = DispatchQueue(label: "rewire.durable-file.flush")
    private let group = DispatchGroup()
    /// Written on `queue`, read after `group.wait()`.
    private var failure: Int32 = 0

    /// Starts a flush unless one is still running; whether it did.
    func start(_ fd: Int32) -> Bool {
        guard group.wait(timeout: .now()) == .success else { return false }
        queue.async(group: group) {
            if fdatasync(fd) != 0, self.failure == 0 { self.failure = errno }
        }
        return true
    }

    /// Waits for the running flush; the errno of the first that failed, 0 if none did.
    func wait() -> Int32 {
        group.wait()
        return failure
    }
}
