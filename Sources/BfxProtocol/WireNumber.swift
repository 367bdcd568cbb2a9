import Foundation

/// A JSON number that keeps its exact wire text (for example `7e-7` rather than `0.0000007`).
///
/// Bitfinex order-book checksums are computed over the number tokens exactly as the server sent
/// them, so a `Double` round trip is not good enough. `WireNumber` stores up to
/// ``WireNumber/maxLength`` bytes of text inline (no heap allocation, trivially copyable) and
/// offers `double`, `decimal` and `int64` views. Equality and hashing compare the text.
public struct WireNumber: Sendable, Hashable {
    /// The longest number token kept (31 bytes covers every JavaScript `Number.toString` output).
    public static let maxLength = 31

    // Four words = 32 bytes: bytes 0..<31 hold the text, byte 31 holds the length.
    // A fixed tuple keeps the type POD so book arrays move with memmove and never retain.
    @usableFromInline internal var storage: (UInt64, UInt64, UInt64, UInt64)

    /// The number of UTF-8 bytes in the wire text.
    @inlinable public var count: Int {
        Int(truncatingIfNeeded: storage.3 >> 56)
    }

    @inlinable internal init(uncheckedBytes bytes: UnsafeRawBufferPointer) {
        storage = (0, 0, 0, 0)
        let n = bytes.count
        withUnsafeMutableBytes(of: &storage) { dst in
            if n > 0, let base = bytes.baseAddress {
                dst.baseAddress?.copyMemory(from: base, byteCount: n)
            }
            dst[31] = UInt8(truncatingIfNeeded: n)
        }
    }

    /// Creates a number from its JSON text, validating the JSON number grammar.
    /// Returns `nil` if the text is not a JSON number or is longer than ``maxLength`` bytes.
    public init?(_ text: some StringProtocol) {
        var s = String(text)
        let ok = s.withUTF8 { buf -> Bool in
            JSONNumberGrammar.validLength(UnsafeRawBufferPointer(buf), from: 0) == buf.count
        }
        guard ok, s.utf8.count <= WireNumber.maxLength, !s.isEmpty else { return nil }
        self = s.withUTF8 { WireNumber(uncheckedBytes: UnsafeRawBufferPointer($0)) }
    }

    /// Creates a number from raw bytes holding JSON number text; `nil` if invalid or too long.
    public init?(bytes: some Collection<UInt8>) {
        let array = Array(bytes)
        guard !array.isEmpty, array.count <= WireNumber.maxLength else { return nil }
        let valid = array.withUnsafeBytes { JSONNumberGrammar.validLength($0, from: 0) == array.count }
        guard valid else { return nil }
        self = array.withUnsafeBytes { WireNumber(uncheckedBytes: $0) }
    }

    /// Creates a number from an integer (plain decimal digits).
    public init(_ value: Int64) {
        var v = value.magnitude
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var len = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            var i = 23
            repeat {
                buf[i] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
                v /= 10
                i -= 1
                len += 1
            } while v != 0
            if value < 0 {
                buf[i] = UInt8(ascii: "-")
                i -= 1
                len += 1
            }
        }
        let start = 24 - len
        self = Swift.withUnsafeBytes(of: &tmp) { WireNumber(uncheckedBytes: UnsafeRawBufferPointer(rebasing: $0[start..<24])) }
    }

    /// Creates a number from an `Int`.
    public init(_ value: Int) {
        self.init(Int64(value))
    }

    /// Creates a number from a `Double`, rendered like JavaScript's `Number.prototype.toString()`
    /// (shortest round-trip digits, no `.0` on integers, exponent form below 1e-6 and from 1e21),
    /// which is what the Bitfinex server emits. Returns `nil` for NaN and infinities.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        guard let number = WireNumber(JavaScriptNumberFormat.format(value)) else { return nil }
        self = number
    }

    /// Creates a number from a `Decimal`, in plain notation (no exponent).
    /// Returns `nil` for NaN or when the text would exceed ``maxLength`` bytes.
    public init?(_ value: Decimal) {
        guard !value.isNaN else { return nil }
        self.init(value.description)
    }

    /// Calls `body` with the wire bytes (no copy).
    @inlinable package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let n = count
        return try Swift.withUnsafeBytes(of: storage) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
    }

    /// The exact wire text.
    public var text: String {
        withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The wire bytes as an array.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// `true` if the text starts with a minus sign.
    @inlinable public var isNegative: Bool {
        count > 0 && UInt8(truncatingIfNeeded: storage.0) == UInt8(ascii: "-")
    }

    /// The value as a `Double` (correctly rounded for up to 15 significant digits and small
    /// exponents, otherwise via the C library). Huge exponents give ±infinity.
    public var double: Double {
        withUnsafeBytes { JSONNumberGrammar.parseDouble($0) }
    }

    /// The value as a `Decimal` (exact for up to 38 significant digits).
    public var decimal: Decimal {
        Decimal(string: plainText, locale: Locale(identifier: "en_US_POSIX")) ?? Decimal.nan
    }

    /// The value as an `Int64` if the text is an integer (no fraction, no exponent) in range.
    public var int64: Int64? {
        withUnsafeBytes { JSONNumberGrammar.parseInt64($0) }
    }

    /// `true` if the number is zero (`0`, `-0`, `0.0`, `0e5` …).
    public var isZero: Bool {
        withUnsafeBytes { buf in
            for byte in buf {
                if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { break }
                if byte >= UInt8(ascii: "1") && byte <= UInt8(ascii: "9") { return false }
            }
            return true
        }
    }

    /// The value in plain decimal notation without exponent (`7e-7` → `0.0000007`,
    /// `1.5e3` → `1500`), as required for Bitfinex order inputs.
    public var plainText: String {
        PlainDecimal.plain(text)
    }
}

extension WireNumber {
    /// Equality on wire text (`1.0` and `1` are different numbers on the wire).
    public static func == (lhs: WireNumber, rhs: WireNumber) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1
            && lhs.storage.2 == rhs.storage.2 && lhs.storage.3 == rhs.storage.3
    }

    /// Hashes the wire text.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
        hasher.combine(storage.3)
    }
}

extension WireNumber: CustomStringConvertible, CustomDebugStringConvertible {
    /// The exact wire text.
    public var description: String { text }
    /// The wire text tagged as a wire number.
    public var debugDescription: String { "WireNumber(\(text))" }
}

extension WireNumber: ExpressibleByIntegerLiteral {
    /// Creates a number from an integer literal.
    public init(integerLiteral value: Int64) {
        self.init(value)
    }
}
