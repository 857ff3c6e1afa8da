/// The 512-byte footer at the end of a VHD file (Microsoft's "Virtual Hard Disk Image Format
/// Specification", v1.0). Azure accepts only **fixed** VHDs whose virtual size is a whole number of MiB; a
/// fixed VHD is the raw disk followed by this footer, so the file is `currentSize + 512` bytes long.
/// All numbers are big-endian.
public struct VHDFooter: Sendable, Equatable {
    public static let size = 512
    static let cookie: [UInt8] = Array("conectix".utf8)
    static let fixedDiskType: UInt32 = 2
    /// Seconds between 1970-01-01 and the VHD epoch, 2000-01-01T00:00:00Z.
    static let vhdEpochOffset: Int64 = 946_684_800

    /// The virtual disk size in bytes (the file size minus the footer for a fixed VHD).
    public var currentSize: UInt64
    public var originalSize: UInt64
    public var diskType: UInt32
    public var uniqueID: [UInt8]
    /// Seconds since 2000-01-01T00:00:00Z.
    public var timestamp: UInt32

    /// Reads and checks a footer: the `conectix` cookie and the checksum (one's complement of the byte sum).
    public init(bytes: [UInt8]) throws(RestoreError) {
        guard bytes.count == VHDFooter.size else {
            throw RestoreError(
                .badData, code: "vhd.footer.short", message: "the file is shorter than a VHD footer (512 bytes)")
        }
        guard Array(bytes[0..<8]) == VHDFooter.cookie else {
            throw RestoreError(
                .badData, code: "vhd.footer.cookie",
                message:
                    "no VHD footer (the last 512 bytes do not start with 'conectix'): the disk is truncated or not a VHD"
            )
        }
        let stored = VHDFooter.readUInt32(bytes, at: 64)
        let computed = VHDFooter.checksum(bytes)
        guard stored == computed else {
            throw RestoreError(
                .badData, code: "vhd.footer.checksum",
                message:
                    "VHD footer checksum is 0x\(String(stored, radix: 16)), the footer's bytes give 0x\(String(computed, radix: 16)): the footer is corrupt"
            )
        }
        self.originalSize = VHDFooter.readUInt64(bytes, at: 40)
        self.currentSize = VHDFooter.readUInt64(bytes, at: 48)
        self.diskType = VHDFooter.readUInt32(bytes, at: 60)
        self.uniqueID = Array(bytes[68..<84])
        self.timestamp = VHDFooter.readUInt32(bytes, at: 24)
    }

    public init(currentSize: UInt64, uniqueID: [UInt8], timestamp: UInt32) {
        self.currentSize = currentSize
        self.originalSize = currentSize
        self.diskType = VHDFooter.fixedDiskType
        self.uniqueID = Array((uniqueID + [UInt8](repeating: 0, count: 16)).prefix(16))
        self.timestamp = timestamp
    }

    /// Checks what Azure requires of an uploaded disk: fixed type, a size matching the file, whole MiB.
    public func validateFixed(fileSize: Int64) throws(RestoreError) {
        guard diskType == VHDFooter.fixedDiskType else {
            throw RestoreError(
                .badData, code: "vhd.notFixed",
                message:
                    "the VHD is of type \(diskType) (2 = fixed, 3 = dynamic); Azure needs fixed VHDs: convert it with `qemu-img convert -O vpc -o subformat=fixed`"
            )
        }
        guard Int64(clamping: currentSize) + Int64(VHDFooter.size) == fileSize else {
            throw RestoreError(
                .badData, code: "vhd.sizeMismatch",
                message:
                    "the VHD footer says the disk holds \(currentSize) bytes but the file has \(fileSize) (expected \(currentSize) + 512): the disk is truncated or padded"
            )
        }
        guard currentSize % (1 << 20) == 0 else {
            throw RestoreError(
                .badData, code: "vhd.size.notMiB",
                message: "the VHD's virtual size \(currentSize) is not a whole number of MiB, which Azure refuses")
        }
    }

    /// The 512 footer bytes, checksum included. Creator application `rwir`, host OS `Wi2k`.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: VHDFooter.size)
        out.replaceSubrange(0..<8, with: VHDFooter.cookie)
        VHDFooter.write(UInt32(2), into: &out, at: 8)  // features: reserved bit, always set
        VHDFooter.write(UInt32(0x0001_0000), into: &out, at: 12)
        VHDFooter.write(UInt64.max, into: &out, at: 16)  // data offset: none for a fixed disk
        VHDFooter.write(timestamp, into: &out, at: 24)
        out.replaceSubrange(28..<32, with: Array("rwir".utf8))
        VHDFooter.write(UInt32(0x0001_0000), into: &out, at: 32)
        VHDFooter.write(UInt32(0x5769_326B), into: &out, at: 36)  // "Wi2k"
        VHDFooter.write(originalSize, into: &out, at: 40)
        VHDFooter.write(currentSize, into: &out, at: 48)
        let (cylinders, heads, sectors) = VHDFooter.geometry(totalSectors: currentSize / 512)
        VHDFooter.write(UInt32(cylinders) << 16 | UInt32(heads) << 8 | UInt32(sectors), into: &out, at: 56)
        VHDFooter.write(diskType, into: &out, at: 60)
        out.replaceSubrange(68..<84, with: uniqueID)
        VHDFooter.write(VHDFooter.checksum(out), into: &out, at: 64)
        return out
    }

    /// VHD timestamp for a point in time (clamped to the format's range).
    public static func timestamp(for time: Timestamp) -> UInt32 {
        let seconds = time.millisecondsSinceEpoch / 1000 - vhdEpochOffset
        return UInt32(clamping: max(0, seconds))
    }

    static func checksum(_ footer: [UInt8]) -> UInt32 {
        var sum: UInt32 = 0
        for (index, byte) in footer.enumerated() where !(64..<68).contains(index) {
            sum &+= UInt32(byte)
        }
        return ~sum
    }

    /// CHS geometry, as the specification's appendix computes it.
    static func geometry(totalSectors: UInt64) -> (UInt16, UInt8, UInt8) {
        let total = min(totalSectors, 65_535 * 16 * 255)
        var sectorsPerTrack: UInt64
        var heads: UInt64
        var cylinderTimesHeads: UInt64
        if total >= 65_535 * 16 * 63 {
            sectorsPerTrack = 255
            heads = 16
            cylinderTimesHeads = total / sectorsPerTrack
        } else {
            sectorsPerTrack = 17
            cylinderTimesHeads = total / sectorsPerTrack
            heads = max(4, (cylinderTimesHeads + 1023) / 1024)
            if cylinderTimesHeads >= heads * 1024 || heads > 16 {
                sectorsPerTrack = 31
                heads = 16
                cylinderTimesHeads = total / sectorsPerTrack
            }
            if cylinderTimesHeads >= heads * 1024 {
                sectorsPerTrack = 63
                heads = 16
                cylinderTimesHeads = total / sectorsPerTrack
            }
        }
        return (UInt16(clamping: cylinderTimesHeads / heads), UInt8(heads), UInt8(sectorsPerTrack))
    }

    static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func readUInt64(_ bytes: [UInt8], at offset: Int) -> UInt64 {
        bytes[offset..<offset + 8].reduce(0) { $0 << 8 | UInt64($1) }
    }

    static func write(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * (3 - index))) }
    }

    static func write(_ value: UInt64, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * (7 - index))) }
    }
}
