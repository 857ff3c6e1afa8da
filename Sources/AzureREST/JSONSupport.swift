import Foundation

/// Finds the exact bytes of each element of a list body, so every resource reaches capture byte for byte as
/// Azure sent it (no re-serialisation: numbers, key order and escapes are untouched).
enum JSONSlicer {
    struct Malformed: Error {}

    /// Byte ranges of the elements of the top-level object's `"value"` array, or of a bare top-level array.
    static func listElements(in data: Data) throws -> [Range<Int>] {
        let bytes = [UInt8](data)
        var i = 0
        skipWhitespace(bytes, &i)
        guard i < bytes.count else { throw Malformed() }
        if bytes[i] == UInt8(ascii: "[") { return try arrayElements(bytes, &i) }
        guard bytes[i] == UInt8(ascii: "{") else { throw Malformed() }
        i += 1
        var found: [Range<Int>] = []
        while true {
            skipWhitespace(bytes, &i)
            guard i < bytes.count else { throw Malformed() }
            if bytes[i] == UInt8(ascii: "}") { return found }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            guard bytes[i] == UInt8(ascii: "\"") else { throw Malformed() }
            let keyStart = i + 1
            try skipString(bytes, &i)
            let key = bytes[keyStart..<(i - 1)]
            skipWhitespace(bytes, &i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Malformed() }
            i += 1
            skipWhitespace(bytes, &i)
            guard i < bytes.count else { throw Malformed() }
            if Array(key) == Array("value".utf8), bytes[i] == UInt8(ascii: "[") {
                found = try arrayElements(bytes, &i)
            } else {
                try skipValue(bytes, &i)
            }
        }
    }

    private static func arrayElements(_ bytes: [UInt8], _ i: inout Int) throws -> [Range<Int>] {
        i += 1  // [
        var ranges: [Range<Int>] = []
        while true {
            skipWhitespace(bytes, &i)
            guard i < bytes.count else { throw Malformed() }
            if bytes[i] == UInt8(ascii: "]") {
                i += 1
                return ranges
            }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            let start = i
            try skipValue(bytes, &i)
            ranges.append(start..<i)
        }
    }

    private static func skipWhitespace(_ bytes: [UInt8], _ i: inout Int) {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    private static func skipString(_ bytes: [UInt8], _ i: inout Int) throws {
        i += 1  // opening quote
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""):
                i += 1
                return
            default: i += 1
            }
        }
        throw Malformed()
    }

    private static func skipValue(_ bytes: [UInt8], _ i: inout Int) throws {
        guard i < bytes.count else { throw Malformed() }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            try skipString(bytes, &i)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    try skipString(bytes, &i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        i += 1
                        return
                    }
                default: break
                }
                i += 1
            }
            throw Malformed()
        default:
            let start = i
            while i < bytes.count,
                ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D]
                    .contains(bytes[i])
            {
                i += 1
            }
            if i == start { throw Malformed() }
        }
    }
}

/// ARM timestamps: RFC 3339 with 0–7 fractional digits (`2017-12-21T22:48:25.4353958Z`), `Z` or an offset.
enum ARMDate {
    static func parse(_ text: String) -> Date? {
        let scalars = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        var i = 0
        func number(_ digits: Int) -> Int? {
            guard i + digits <= scalars.count else { return nil }
            var value = 0
            for _ in 0..<digits {
                let c = scalars[i]
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int(c - 48)
                i += 1
            }
            return value
        }
        func expect(_ c: Character) -> Bool {
            guard i < scalars.count, scalars[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2) else {
            return nil
        }
        guard i < scalars.count, scalars[i] == 84 || scalars[i] == 116 || scalars[i] == 32 else { return nil }
        i += 1
        guard let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2) else {
            return nil
        }
        var fraction = 0.0
        if i < scalars.count, scalars[i] == 46 {
            i += 1
            var scale = 0.1
            var any = false
            while i < scalars.count, scalars[i] >= 48 && scalars[i] <= 57 {
                fraction += Double(scalars[i] - 48) * scale
                scale /= 10
                i += 1
                any = true
            }
            if !any { return nil }
        }
        var offset = 0
        if i < scalars.count {
            if scalars[i] == 90 || scalars[i] == 122 {
                i += 1
            } else if scalars[i] == 43 || scalars[i] == 45 {
                let sign = scalars[i] == 45 ? -1 : 1
                i += 1
                guard let oh = number(2), expect(":"), let om = number(2) else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            } else {
                return nil
            }
        }
        guard i == scalars.count else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = second
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let base = calendar.date(from: components) else { return nil }
        return base.addingTimeInterval(fraction - Double(offset))
    }
}

/// Small readers over `JSONSerialization` output.
extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func date(_ key: String) -> Date? { (self[key] as? String).flatMap(ARMDate.parse) }
    func bool(_ key: String) -> Bool? { self[key] as? Bool }
}

/// Parses a JSON object body or throws an `invalidResponse` error naming where it came from.
func jsonObject(_ data: Data, what: String, location: String?) throws -> [String: Any] {
    guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw AzureRESTError(
            kind: .invalidResponse, code: "InvalidResponseBody",
            message: "The \(what) is not a JSON object. Check that the endpoint is Azure Resource Manager.",
            location: location)
    }
    return object
}
