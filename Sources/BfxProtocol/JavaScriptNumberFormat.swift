/// Renders a `Double` the way JavaScript's `Number.prototype.toString()` does (ECMA-262
/// Number::toString): shortest round-trip digits, plain notation for 1e-7 < |x| < 1e21,
/// otherwise `d.ddde±n`. The Bitfinex server is written in JavaScript, so this is the text it
/// would send for a value. Swift's `description` already yields the shortest digits; only the
/// layout differs (`6000.0` → `6000`, `1e-07` → `1e-7`).
internal enum JavaScriptNumberFormat {
    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        let negative = value < 0
        // Shortest digits and decimal exponent from Swift's description.
        let desc = Array(value.magnitude.description.utf8)
        var mantissaDigits: [UInt8] = []
        var pointPosition = 0  // digits before the decimal point in the description
        var sawPoint = false
        var exponent = 0
        var i = 0
        while i < desc.count {
            let c = desc[i]
            if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                exponent = Int(String(decoding: desc[(i + 1)...], as: UTF8.self).replacingPlus()) ?? 0
                break
            }
            if c == UInt8(ascii: ".") {
                sawPoint = true
            } else {
                mantissaDigits.append(c)
                if !sawPoint { pointPosition += 1 }
            }
            i += 1
        }
        // Normalise: strip leading zeros (adjusting point) and trailing zeros.
        while mantissaDigits.count > 1 && mantissaDigits.first == UInt8(ascii: "0") {
            mantissaDigits.removeFirst()
            pointPosition -= 1
        }
        while mantissaDigits.count > 1 && mantissaDigits.last == UInt8(ascii: "0") {
            mantissaDigits.removeLast()
        }
        // Value = 0.d1d2...dk × 10^n  (ECMA: n is the position of the decimal point).
        let k = mantissaDigits.count
        let n = pointPosition + exponent
        var out: [UInt8] = negative ? [UInt8(ascii: "-")] : []
        if k <= n && n <= 21 {
            out += mantissaDigits
            out += [UInt8](repeating: UInt8(ascii: "0"), count: n - k)
        } else if 0 < n && n <= 21 {
            out += mantissaDigits[..<n]
            out.append(UInt8(ascii: "."))
            out += mantissaDigits[n...]
        } else if -6 < n && n <= 0 {
            out += [UInt8(ascii: "0"), UInt8(ascii: ".")]
            out += [UInt8](repeating: UInt8(ascii: "0"), count: -n)
            out += mantissaDigits
        } else {
            out.append(mantissaDigits[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out += mantissaDigits[1...]
            }
            out.append(UInt8(ascii: "e"))
            let e = n - 1
            out.append(e < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            out += Array(String(e.magnitude).utf8)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    fileprivate func replacingPlus() -> String {
        hasPrefix("+") ? String(dropFirst()) : self
    }
}
