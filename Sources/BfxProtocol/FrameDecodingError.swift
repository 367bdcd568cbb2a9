/// A typed error for malformed or unexpected WebSocket frames and JSON documents.
///
/// Carries what was wrong (``reason``), where (``offset``, a byte offset into the frame, or -1
/// when the problem is structural rather than positional) and the offending bytes (``frame``,
/// truncated to ``maxRetainedBytes``).
public struct FrameDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The longest frame prefix kept in ``frame`` (bounds memory for huge garbage input).
    public static let maxRetainedBytes = 4096

    /// What was wrong with the input.
    public enum Reason: Sendable, Equatable {
        /// The input was empty or only whitespace.
        case empty
        /// The input ended in the middle of a value.
        case unexpectedEnd
        /// A byte that cannot start or continue a value at this position.
        case unexpectedByte(UInt8)
        /// A number token violating the JSON grammar.
        case invalidNumber
        /// A number token longer than ``WireNumber/maxLength`` bytes.
        case numberTooLong
        /// A string containing invalid UTF-8.
        case invalidUTF8
        /// A string containing an invalid escape sequence or raw control character.
        case invalidEscape
        /// Arrays/objects nested deeper than the decoder's limit.
        case nestingTooDeep(limit: Int)
        /// Non-whitespace bytes after the top-level value.
        case trailingBytes
        /// The frame is valid JSON but does not have the shape of any Bitfinex frame.
        case unexpectedShape(String)
        /// A field had the wrong JSON type or an out-of-range value.
        case invalidField(name: String, expected: String)
    }

    /// What was wrong.
    public var reason: Reason
    /// Byte offset of the problem in ``frame`` (-1 if not positional).
    public var offset: Int
    /// The offending frame bytes (at most ``maxRetainedBytes``).
    public var frame: [UInt8]

    /// Creates an error, keeping at most ``maxRetainedBytes`` of `frame`.
    public init(reason: Reason, offset: Int, frame: some Collection<UInt8>) {
        self.reason = reason
        self.offset = offset
        self.frame = Array(frame.prefix(FrameDecodingError.maxRetainedBytes))
    }

    /// A one-line human description with a printable excerpt of the frame.
    public var description: String {
        let excerpt = String(decoding: frame.prefix(200), as: UTF8.self)
        return "FrameDecodingError(\(reason) at byte \(offset)) in \(excerpt)"
    }
}
