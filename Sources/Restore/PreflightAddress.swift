/// IPv4 and IPv6 addresses and prefixes, for "is this static IP inside its subnet" and "does this
/// NSG rule name an address range". Small on purpose: parsing and containment only.
struct IPv4Network: Equatable {
    var address: UInt32
    var prefixLength: Int

    /// `10.0.1.0/24`, or a bare address (a /32).
    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPv4Network.address(String(parts[0])) else { return nil }
        var length = 32
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...32).contains(value), parts[1].allSatisfy(\.isNumber) else {
                return nil
            }
            length = value
        }
        self.address = address
        self.prefixLength = length
    }

    /// Dotted quad to a number; nil unless exactly four decimal octets of 0…255.
    static func address(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard !octet.isEmpty, octet.count <= 3, octet.allSatisfy(\.isASCII), octet.allSatisfy(\.isNumber),
                let number = UInt32(octet), number <= 255
            else { return nil }
            value = value << 8 | number
        }
        return value
    }

    var mask: UInt32 { prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength) }

    func contains(_ address: UInt32) -> Bool { (address & mask) == (self.address & mask) }
}

struct IPv6Network: Equatable {
    /// The 128-bit address as 8 groups of 16 bits.
    var groups: [UInt16]
    var prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let groups = IPv6Network.address(String(parts[0])) else { return nil }
        var length = 128
        if parts.count == 2 {
            guard parts[1].allSatisfy(\.isNumber), let value = Int(parts[1]), (0...128).contains(value) else {
                return nil
            }
            length = value
        }
        self.groups = groups
        self.prefixLength = length
    }

    /// RFC 4291 text form with at most one `::`; an embedded IPv4 tail (`::ffff:10.0.0.1`) is accepted.
    static func address(_ text: String) -> [UInt16]? {
        guard text.contains(":") else { return nil }
        let halves = IPv6Network.splitOnDoubleColon(text)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            if part.isEmpty { return [] }
            var result: [UInt16] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (offset, piece) in pieces.enumerated() {
                if offset == pieces.count - 1, piece.contains("."), let v4 = IPv4Network.address(String(piece)) {
                    result += [UInt16(v4 >> 16), UInt16(v4 & 0xffff)]
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 8 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
        return head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
    }

    /// `a::b` → ["a", "b"]; `::` → ["", ""]; three parts or more when `::` appears twice.
    static func splitOnDoubleColon(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == ":", next < text.endIndex, text[next] == ":" {
                parts.append(current)
                current = ""
                index = text.index(after: next)
            } else {
                current.append(text[index])
                index = next
            }
        }
        parts.append(current)
        return parts
    }

    func contains(_ other: [UInt16]) -> Bool {
        var remaining = prefixLength
        for index in 0..<8 where remaining > 0 {
            let bits = min(16, remaining)
            let mask: UInt16 = bits == 16 ? 0xffff : ~(UInt16.max >> UInt16(bits))
            if groups[index] & mask != other[index] & mask { return false }
            remaining -= bits
        }
        return true
    }
}

/// Whether an address lies in any of a subnet's prefixes: true / false, or nil when the address or
/// every prefix of its family cannot be read (then nothing is claimed).
enum AddressContainment {
    static func isAddress(_ address: String, inAnyOf prefixes: [String]) -> Bool? {
        if let v4 = IPv4Network.address(address) {
            let networks = prefixes.compactMap(IPv4Network.init)
            guard !networks.isEmpty else { return nil }
            return networks.contains { $0.contains(v4) }
        }
        if let v6 = IPv6Network.address(address) {
            let networks = prefixes.filter { $0.contains(":") }.compactMap(IPv6Network.init)
            guard !networks.isEmpty else { return nil }
            return networks.contains { $0.contains(v6) }
        }
        return nil
    }
}
