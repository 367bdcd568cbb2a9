/// Why a console line could not be tokenized. Positions are Unicode-scalar offsets in the line.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A quote was opened and never closed.
    case unterminatedQuote(quote: Character, position: Int)
    /// The line ends in a lone backslash.
    case trailingBackslash
    /// A backslash escape inside double quotes is not one of `\" \\ \n \t \r \uXXXX`.
    case invalidEscape(position: Int)
    /// A control character (other than tab) appeared in the line.
    case controlCharacter(position: Int, code: UInt32)
    /// The line is longer than the tokenizer accepts.
    case lineTooLong(length: Int, limit: Int)
    /// A raw JSON word (`{…` or `[…`) has unbalanced brackets.
    case unbalancedJSON(position: Int)

    /// Human-readable explanation with the position.
    public var description: String {
        switch self {
        case .unterminatedQuote(let quote, let position):
            return "unterminated \(quote) quote starting at column \(position + 1)"
        case .trailingBackslash:
            return "line ends with a lone backslash"
        case .invalidEscape(let position):
            return "invalid escape sequence at column \(position + 1) (allowed: \\\" \\\\ \\n \\t \\r \\uXXXX)"
        case .controlCharacter(let position, let code):
            return "control character 0x\(String(code, radix: 16)) at column \(position + 1) is not allowed"
        case .lineTooLong(let length, let limit):
            return "line is \(length) bytes, longer than the \(limit)-byte limit"
        case .unbalancedJSON(let position):
            return "unbalanced JSON brackets starting at column \(position + 1) (quote the argument or close it)"
        }
    }
}
