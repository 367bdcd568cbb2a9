/// A JSON document could not be parsed.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem in the input.
    public var offset: Int
    /// What was wrong.
    public var reason: String

    /// Creates the error.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// `invalid JSON at byte N: reason`.
    public var description: String {
        "invalid JSON at byte \(offset): \(reason)"
    }
}
