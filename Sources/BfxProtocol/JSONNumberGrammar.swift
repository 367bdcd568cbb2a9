#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers for JSON number tokens, shared by the scanner, the decoder fast path and
/// ``WireNumber``. Written by hand because the standard library parses numbers only from `String`
/// (which would allocate for tokens longer than 15 bytes) and never reports token boundaries.
@usableFromInline
internal enum JSONNumberGrammar {
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 48 < 10 }

    /// Returns the end index of a valid JSON number starting at `start`, or -1 if the bytes at
    /// `start` are not a valid number (RFC 8259 grammar).
    @inline(__always)
    static func validLength(_ buf: UnsafeRawBufferPointer, from start: Int) -> Int {
        var i = start
        let n = buf.count
        if i < n && buf[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { return -1 }
        if buf[i] == UInt8(ascii: "0") {
            i += 1
        } else if buf[i] >= UInt8(ascii: "1") && buf[i] <= UInt8(ascii: "9") {
            i += 1
            while i < n && isDigit(buf[i]) { i += 1 }
        } else {
            return -1
        }
        if i < n && buf[i] == UInt8(ascii: ".") {
            i += 1
            guard i < n && isDigit(buf[i]) else { return -1 }
            while i < n && isDigit(buf[i]) { i += 1 }
        }
        if i < n && (buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < n && isDigit(buf[i]) else { return -1 }
            while i < n && isDigit(buf[i]) { i += 1 }
        }
        return i
    }

    /// Parses an integer token (optional minus, digits only) into `Int64`; `nil` on fraction,
    /// exponent or overflow.
    @usableFromInline
    static func parseInt64(_ buf: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        let n = buf.count
        var negative = false
        if i < n && buf[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < n else { return nil }
        var magnitude: UInt64 = 0
        while i < n {
            let d = buf[i] &- 48
            guard d < 10 else { return nil }
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            magnitude = m2
            i += 1
        }
        if negative {
            if magnitude == UInt64(Int64.max) + 1 { return Int64.min }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    private static let exactPowers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    /// Parses a (valid) JSON number token into a `Double`.
    /// Fast path (Clinger): mantissa < 2^53 and |exponent| ≤ 22 is exact; otherwise `strtod`.
    @usableFromInline
    static func parseDouble(_ buf: UnsafeRawBufferPointer) -> Double {
        var i = 0
        let n = buf.count
        var negative = false
        if i < n && buf[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var exp10 = 0
        var sawNonZero = false
        while i < n && isDigit(buf[i]) {
            let d = buf[i] &- 48
            if d != 0 || sawNonZero {
                sawNonZero = true
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    digits += 1
                } else {
                    exp10 += 1
                    digits += 1
                }
            }
            i += 1
        }
        if i < n && buf[i] == UInt8(ascii: ".") {
            i += 1
            while i < n && isDigit(buf[i]) {
                let d = buf[i] &- 48
                if d != 0 || sawNonZero {
                    sawNonZero = true
                    if digits < 19 {
                        mantissa = mantissa &* 10 &+ UInt64(d)
                        exp10 -= 1
                    }
                    digits += 1
                } else {
                    exp10 -= 1
                }
                i += 1
            }
        }
        if i < n && (buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E")) {
            i += 1
            var expNegative = false
            if i < n && (buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-")) {
                expNegative = buf[i] == UInt8(ascii: "-")
                i += 1
            }
            var e = 0
            while i < n && isDigit(buf[i]) {
                if e < 100_000 { e = e * 10 + Int(buf[i] &- 48) }
                i += 1
            }
            exp10 += expNegative ? -e : e
        }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        if digits <= 15 && mantissa < (1 << 53) && exp10 >= -22 && exp10 <= 22 {
            var value = Double(mantissa)
            if exp10 >= 0 { value *= exactPowers[exp10] } else { value /= exactPowers[-exp10] }
            return negative ? -value : value
        }
        return slowParse(buf)
    }

    private static func slowParse(_ buf: UnsafeRawBufferPointer) -> Double {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: buf.count + 1) { tmp in
            for j in 0..<buf.count { tmp[j] = CChar(bitPattern: buf[j]) }
            tmp[buf.count] = 0
            guard let base = tmp.baseAddress else { return Double.nan }
            return strtod(base, nil)
        }
    }
}
