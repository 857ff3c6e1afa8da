import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// `SEEK_DATA`/`SEEK_HOLE` are behind _GNU_SOURCE in glibc's headers, so Swift does not see them.
#if os(Linux)
    private let seekData: Int32 = 3
    private let seekHole: Int32 = 4
#else
    private let seekData: Int32 = 4
    private let seekHole: Int32 = 3
#endif

/// What a disk copy measured.
public struct DiskCopyResult: Sendable, Equatable {
    /// SHA-256 (hex) of every byte of the source, holes read as zeros.
    public var sha256: String
    public var sizeBytes: Int64
    public var footer: VHDFooter
}

/// Copies one VHD. The seam tests use to make a copy fail halfway (a crash between disks).
public protocol DiskCopying: Sendable {
    /// Copies `source` to `destination` through a temp file, checking the VHD footer and, when given, the
    /// SHA-256; only a disk that passed every check is renamed into place. `progress` gets bytes done so far.
    func copy(
        from source: String, to destination: String, expectedSHA256: String?,
        progress: @Sendable (Int64) -> Void
    ) throws(RestoreError) -> DiskCopyResult
}

/// The real copier: one pass that reads, hashes and writes, and keeps holes.
///
/// Holes are found with `SEEK_DATA`/`SEEK_HOLE` and never read; inside data regions, blocks that are all zeros
/// are not written either. The destination is `ftruncate`d to the full size, so every skipped range reads
/// back as zeros and the copy is at most as large on disk as the source. The hash covers the bytes read
/// (zeros for holes), so verification costs no second pass over the disk.
public struct SparseDiskCopier: DiskCopying {
    public var blockSize: Int

    public init(blockSize: Int = 1 << 20) {
        self.blockSize = blockSize
    }

    public func copy(
        from source: String, to destination: String, expectedSHA256: String?,
        progress: @Sendable (Int64) -> Void
    ) throws(RestoreError) -> DiskCopyResult {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw FileIO.failure("open the disk", source) }
        defer { close(input) }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw FileIO.failure("stat the disk", source) }
        let size = Int64(info.st_size)
        guard size >= Int64(VHDFooter.size) else {
            throw RestoreError(
                .badData, code: "vhd.footer.short",
                message: "the disk has \(size) bytes, fewer than a VHD footer (512): it is truncated", path: source)
        }
        #if os(Linux)
            _ = posix_fadvise(input, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif

        let temporary = FileIO.temporaryPath(for: destination)
        let output = open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw FileIO.failure("create", temporary) }
        var committed = false
        defer {
            if !committed {
                close(output)
                unlink(temporary)
            }
        }

        let hash = try copyBlocks(
            from: input, size: size, to: output, source: source, temporary: temporary, progress: progress)
        guard ftruncate(output, off_t(size)) == 0 else { throw FileIO.failure("size", temporary) }

        var footerBytes = [UInt8](repeating: 0, count: VHDFooter.size)
        let got = footerBytes.withUnsafeMutableBytes {
            pread(output, $0.baseAddress, VHDFooter.size, off_t(size) - 512)
        }
        guard got == VHDFooter.size else { throw FileIO.failure("read back the footer", temporary) }
        let footer: VHDFooter
        do {
            footer = try VHDFooter(bytes: footerBytes)
            try footer.validateFixed(fileSize: size)
        } catch {
            throw RestoreError(error.kind, code: error.code, message: error.message, path: source)
        }
        if let expectedSHA256, expectedSHA256.lowercased() != hash {
            throw RestoreError(
                .badData, code: "vault.disk.hashMismatch",
                message:
                    "SHA-256 is \(hash), the vault's SHA256SUMS says \(expectedSHA256.lowercased()): the disk is corrupt",
                path: source)
        }
        guard fsync(output) == 0 else { throw FileIO.failure("fsync", temporary) }
        close(output)
        committed = true
        try FileIO.commit(temporary, to: destination)
        return DiskCopyResult(sha256: hash, sizeBytes: size, footer: footer)
    }

    private func copyBlocks(
        from input: Int32, size: Int64, to output: Int32, source: String, temporary: String,
        progress: @Sendable (Int64) -> Void
    ) throws(RestoreError) -> String {
        var hasher = SHA256()
        let block = blockSize
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 4096)
        defer { buffer.deallocate() }
        let zeros = UnsafeMutableRawBufferPointer.allocate(byteCount: block, alignment: 4096)
        defer { zeros.deallocate() }
        zeros.initializeMemory(as: UInt8.self, repeating: 0)

        var offset: Int64 = 0
        var seekable = true
        var reported: Int64 = 0
        while offset < size {
            var dataStart = offset
            var dataEnd = size
            if seekable {
                let start = lseek(input, off_t(offset), seekData)
                if start < 0 {
                    if errno == ENXIO {
                        dataStart = size  // only a hole is left
                    } else {
                        seekable = false  // the file system cannot say: read everything
                    }
                } else {
                    dataStart = min(Int64(start), size)
                    let end = lseek(input, start, seekHole)
                    dataEnd = end < 0 ? size : min(Int64(end), size)
                }
            }
            var hole = dataStart - offset
            while hole > 0 {
                let count = Int(min(hole, Int64(block)))
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: zeros[0..<count]))
                hole -= Int64(count)
            }
            var position = dataStart
            while position < dataEnd {
                let want = Int(min(Int64(block), dataEnd - position))
                var filled = 0
                while filled < want {
                    let count = pread(
                        input, buffer.baseAddress! + filled, want - filled, off_t(position) + off_t(filled))
                    if count < 0 {
                        if errno == EINTR { continue }
                        throw FileIO.failure("read the disk", source)
                    }
                    if count == 0 {
                        throw RestoreError(
                            .badData, code: "vault.disk.shrunk", message: "the disk got shorter while being read",
                            path: source)
                    }
                    filled += count
                }
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<want])
                hasher.update(bufferPointer: chunk)
                if memcmp(chunk.baseAddress!, zeros.baseAddress!, want) != 0 {
                    var written = 0
                    // In-kernel copy of the range just hashed (what `cp` does); plain writes where unsupported.
                    if let kernelCopy = CopyFileRange.function {
                        while written < want {
                            var from = off_t(position) + off_t(written)
                            var to = from
                            let count = kernelCopy(input, &from, output, &to, want - written, 0)
                            if count <= 0 {
                                if count < 0 && errno == EINTR { continue }
                                break
                            }
                            written += count
                        }
                    }
                    while written < want {
                        let count = pwrite(
                            output, chunk.baseAddress! + written, want - written, off_t(position) + off_t(written))
                        if count < 0 {
                            if errno == EINTR { continue }
                            throw FileIO.failure("write", temporary)
                        }
                        written += count
                    }
                }
                position += Int64(want)
                if position - reported >= 8 << 20 {
                    progress(position)
                    reported = position
                }
            }
            offset = dataEnd
        }
        progress(size)
        return hasher.finalize().map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
        }.joined()
    }
}

/// SHA-256 of bytes, hex. For the CLI (which has no Crypto dependency) to digest the manifest.
public func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { byte in
        let hex = Array("0123456789abcdef".utf8)
        return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]], as: UTF8.self)
    }.joined()
}

/// glibc's `copy_file_range` (Linux 4.5+), looked up at run time: Swift's Glibc module does not declare it (it
/// is behind _GNU_SOURCE). Nil elsewhere; the copier then writes from its own buffer.
enum CopyFileRange {
    typealias Function =
        @convention(c) (
            Int32, UnsafeMutablePointer<off_t>?, Int32, UnsafeMutablePointer<off_t>?, Int, UInt32
        ) -> Int

    static let function: Function? = {
        #if os(Linux)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "copy_file_range") else { return nil }
            return unsafeBitCast(symbol, to: Function.self)
        #else
            return nil
        #endif
    }()
}
