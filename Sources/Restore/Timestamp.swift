import RewireModel

/// A point in time in UTC with millisecond precision, parsed from and printed as ISO-8601.
///
/// The core never reads the clock: the CLI injects a `() -> Timestamp` (see `RestoreEngine`), so journals and
/// reports written in tests are reproducible.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    public init(secondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = secondsSinceEpoch * 1000
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    public func adding(seconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + seconds * 1000)
    }

    /// Parses `2025-11-20T02:01:14Z`, `2025-11-20T02:01:14.250+01:00`, `2025-11-20 02:01:14Z` or a bare date
    /// (`2025-11-20`, midnight UTC). A time without a zone is refused: a recovery point chosen by a local time
    /// that rewire guessed as UTC could be the wrong one.
    public init?(iso8601 text: String) {
        let chars = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= chars.count else { return nil }
            var value = 0
            for offset in 0..<digits {
                let c = chars[index + offset]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            index += digits
            return value
        }
        func expect(_ ascii: UInt8) -> Bool {
            guard index < chars.count, chars[index] == ascii else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(0x2D), let month = number(2), expect(0x2D), let day = number(2),
            (1...12).contains(month), day >= 1, day <= Timestamp.daysIn(month: month, year: year)
        else { return nil }
        var seconds = CivilCalendar.days(year: year, month: month, day: day) * 86_400
        var millis: Int64 = 0
        if index == chars.count {
            self.millisecondsSinceEpoch = seconds * 1000
            return
        }
        guard index < chars.count, [0x54, 0x74, 0x20].contains(chars[index]) else { return nil }
        index += 1
        guard let hour = number(2), expect(0x3A), let minute = number(2), expect(0x3A), let second = number(2),
            hour < 24, minute < 60, second < 61
        else { return nil }
        seconds += Int64(hour * 3600 + minute * 60 + min(second, 59))
        if expect(0x2E) {
            var scale: Int64 = 100
            var digits = 0
            while index < chars.count, chars[index] >= 0x30, chars[index] <= 0x39 {
                millis += Int64(chars[index] - 0x30) * scale
                scale /= 10
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
        }
        guard index < chars.count else { return nil }
        if expect(0x5A) || expect(0x7A) {
        } else {
            let sign: Int64
            if expect(0x2B) {
                sign = 1
            } else if expect(0x2D) {
                sign = -1
            } else {
                return nil
            }
            guard let offsetHours = number(2) else { return nil }
            _ = expect(0x3A)
            guard let offsetMinutes = number(2), offsetHours < 24, offsetMinutes < 60 else { return nil }
            seconds -= sign * Int64(offsetHours * 3600 + offsetMinutes * 60)
        }
        guard index == chars.count else { return nil }
        self.millisecondsSinceEpoch = seconds * 1000 + millis
    }

    /// `2025-11-20T02:01:14Z`, with `.250` before the `Z` when there are milliseconds.
    public var iso8601: String {
        CivilCalendar.iso8601(millisecondsSinceEpoch: millisecondsSinceEpoch, fraction: .whenNotZero)
    }

    public var description: String { iso8601 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
