/// A fixed-point decimal with ten fractional digits, stored as an `Int64` count of 1e-10 units.
///
/// The simulator keeps every price, rate and amount in this form so book aggregation is exact
/// (sums of integers) and the wire text is reproducible: `jsText` renders a value the way
/// JavaScript's `Number.prototype.toString()` does for the numbers the simulator produces
/// (integers without ".0", trailing zeros stripped, e-notation below 1e-6), which is the form the
/// real server sends and the checksum is computed over (protocol reference §4.3).
public struct Fixed: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Units per 1.0.
    public static let scale: Int64 = 10_000_000_000
    /// Number of fractional digits.
    package static let fractionDigits = 10

    /// The raw count of 1e-10 units.
    public var units: Int64

    /// Creates a value from raw units.
    public init(units: Int64) { self.units = units }

    /// Creates a value from an integer.
    public init(_ integer: Int) { self.units = Int64(integer) * Fixed.scale }

    /// The value 0 (no units), the identity for `+` and the empty amount of a removed level.
    public static let zero = Fixed(units: 0)

    /// Parses a plain decimal string ("6500", "-0.02", "1.5e-7"); nil when it is not a number or has
    /// more precision than ten fractional digits allow (excess digits are rejected, not rounded).
    public init?(parsing text: Substring) {
        var chars = Array(text.utf8)
        guard !chars.isEmpty else { return nil }
        var exponent = 0
        if let eIndex = chars.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            let expText = String(decoding: chars[(eIndex + 1)...], as: UTF8.self)
            guard let e = Int(expText), abs(e) < 40 else { return nil }
            exponent = e
            chars = Array(chars[..<eIndex])
        }
        var negative = false
        var index = 0
        if index < chars.count, chars[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        else if index < chars.count, chars[index] == UInt8(ascii: "+") { index += 1 }
        var digits: [UInt8] = []
        var fractionCount = 0
        var seenDot = false
        var seenDigit = false
        while index < chars.count {
            let c = chars[index]
            if c == UInt8(ascii: ".") {
                guard !seenDot else { return nil }
                seenDot = true
            } else if c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") {
                digits.append(c - UInt8(ascii: "0"))
                seenDigit = true
                if seenDot { fractionCount += 1 }
            } else {
                return nil
            }
            index += 1
        }
        guard seenDigit else { return nil }
        // value = digits * 10^(exponent - fractionCount); units = value * 10^10
        var shift = Fixed.fractionDigits + exponent - fractionCount
        while shift < 0, let last = digits.last, last == 0 { digits.removeLast(); shift += 1 }
        guard shift >= 0 else { return nil }
        var value: Int64 = 0
        for d in digits {
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            value = a
        }
        for _ in 0..<shift {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            guard !o else { return nil }
            value = m
        }
        self.units = negative ? -value : value
    }

    /// Creates a value from a `Double`, rounded to ten fractional digits.
    public init(_ double: Double) {
        self.units = Int64((double * Double(Fixed.scale)).rounded())
    }

    /// The value as a `Double` (lossy; for display and arithmetic in generators only).
    public var double: Double { Double(units) / Double(Fixed.scale) }

    /// True when the value is zero.
    public var isZero: Bool { units == 0 }

    /// Absolute value.
    public var magnitude: Fixed { Fixed(units: units < 0 ? -units : units) }

    /// The JavaScript `Number.prototype.toString()` rendering of this value (see type docs).
    package var jsText: String {
        if units == 0 { return "0" }
        let negative = units < 0
        let a = negative ? UInt64(bitPattern: 0 &- units) : UInt64(units)
        let scale = UInt64(Fixed.scale)
        var result = negative ? "-" : ""
        if a < scale / 1_000_000 {
            // below 1e-6: e-notation, e.g. 7e-7, 1.7e-8
            var digits = String(a)
            let exponent = digits.count - 1 - Fixed.fractionDigits
            while digits.hasSuffix("0") { digits.removeLast() }
            let first = digits.prefix(1)
            let rest = digits.dropFirst()
            result += first
            if !rest.isEmpty { result += "." + rest }
            result += "e-" + String(-exponent)
            return result
        }
        let integerPart = a / scale
        let fraction = a % scale
        result += String(integerPart)
        if fraction > 0 {
            var f = String(fraction)
            f = String(repeating: "0", count: Fixed.fractionDigits - f.count) + f
            while f.hasSuffix("0") { f.removeLast() }
            result += "." + f
        }
        return result
    }

    /// Same as `jsText`.
    public var description: String { jsText }

    /// Rounds to `figures` significant figures; `up` chooses ceiling (away from -inf) instead of floor.
    func roundedToSignificantFigures(_ figures: Int, up: Bool) -> Fixed {
        guard units != 0, figures > 0 else { return self }
        let a = units < 0 ? -units : units
        var digitCount = 0
        var t = a
        while t > 0 { t /= 10; digitCount += 1 }
        guard digitCount > figures else { return self }
        var step: Int64 = 1
        for _ in 0..<(digitCount - figures) { step *= 10 }
        var floored = (units / step) * step
        if units < 0, floored != units { floored -= step }
        if up, floored != units { return Fixed(units: floored + step) }
        return Fixed(units: floored)
    }

    /// Product of two fixed values, rounded toward zero.
    func times(_ other: Fixed) -> Fixed {
        let product = Int128(units) * Int128(other.units) / Int128(Fixed.scale)
        return Fixed(units: Int64(clamping: product))
    }

    /// Adds two values.
    public static func + (lhs: Fixed, rhs: Fixed) -> Fixed { Fixed(units: lhs.units &+ rhs.units) }
    /// Subtracts two values.
    public static func - (lhs: Fixed, rhs: Fixed) -> Fixed { Fixed(units: lhs.units &- rhs.units) }
    /// Negates a value.
    public static prefix func - (value: Fixed) -> Fixed { Fixed(units: 0 &- value.units) }
    /// Orders two values.
    public static func < (lhs: Fixed, rhs: Fixed) -> Bool { lhs.units < rhs.units }
}
