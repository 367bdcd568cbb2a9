/// Allocation-free wire formatting for the market-data hot path (checksums, book rows): the same
/// text as `Fixed.jsText` / `String(Int64)`, appended as UTF-8 bytes. Written by hand because the
/// standard library's integer `description` allocates a `String` per call and Foundation's
/// formatters are slower still; `FixedBytesTests` checks equality with `jsText` on many values.
extension Fixed {
    /// Appends `jsText` to `out` without creating a `String`.
    func appendJSText(to out: inout [UInt8]) {
        if units == 0 { out.append(UInt8(ascii: "0")); return }
        let negative = units < 0
        let a = negative ? UInt64(bitPattern: 0 &- units) : UInt64(units)
        if negative { out.append(UInt8(ascii: "-")) }
        let scale = UInt64(Fixed.scale)
        if a < scale / 1_000_000 {
            // below 1e-6: e-notation (7e-7, 1.7e-8), as `jsText`
            var digits: (UInt64, Int) = (a, 0)
            var t = a
            while t > 0 { t /= 10; digits.1 += 1 }
            let exponent = digits.1 - 1 - Fixed.fractionDigits
            var mantissa = a
            var mantissaDigits = digits.1
            while mantissa % 10 == 0 { mantissa /= 10; mantissaDigits -= 1 }
            var divisor: UInt64 = 1
            for _ in 1..<max(1, mantissaDigits) { divisor *= 10 }
            out.append(UInt8(ascii: "0") + UInt8(mantissa / divisor))
            if mantissaDigits > 1 {
                out.append(UInt8(ascii: "."))
                Fixed.appendPadded(mantissa % divisor, width: mantissaDigits - 1, to: &out)
            }
            out.append(UInt8(ascii: "e")); out.append(UInt8(ascii: "-"))
            Fixed.appendDecimal(UInt64(-exponent), to: &out)
            return
        }
        Fixed.appendDecimal(a / scale, to: &out)
        var fraction = a % scale
        if fraction > 0 {
            var width = Fixed.fractionDigits
            while fraction % 10 == 0 { fraction /= 10; width -= 1 }
            out.append(UInt8(ascii: "."))
            Fixed.appendPadded(fraction, width: width, to: &out)
        }
    }

    /// Appends the decimal digits of `value` (as `String(value)`).
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        var width = 1
        var t = value / 10
        while t > 0 { t /= 10; width += 1 }
        appendPadded(value, width: width, to: &out)
    }

    /// Appends a signed integer (as `String(value)`).
    static func appendDecimal(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude, to: &out)
    }

    /// Appends `value` as exactly `width` digits (leading zeros). Digits are produced into a
    /// stack buffer and appended at once (appending zeros and overwriting them by index paid a
    /// bounds and uniqueness check per digit; this is the simulator's hottest formatting call).
    static func appendPadded(_ value: UInt64, width: Int, to out: inout [UInt8]) {
        guard width > 0 else { return }
        guard width <= 32 else {
            for _ in 0..<(width - 20) { out.append(UInt8(ascii: "0")) }
            appendPadded(value, width: 20, to: &out)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digits in
            var v = value
            var i = width
            while i > 0 {
                i -= 1
                digits[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10)
                v /= 10
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[0..<width]))
        }
    }
}
