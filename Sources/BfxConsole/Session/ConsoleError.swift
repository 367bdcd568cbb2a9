/// Why a console command failed; each case maps to a documented exit status.
public enum ConsoleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Wrong arguments; the message includes the usage line. Exit status 2.
    case usage(String)
    /// No such command. Exit status 2.
    case unknownCommand(String, suggestion: String?)
    /// The line could not be tokenized. Exit status 2.
    case syntax(TokenizerError)
    /// Unreadable input (binary data, over-long line). Exit status 2.
    case invalidInput(String)
    /// The command ran and failed (runtime error, rejected request, I/O). Exit status 1.
    case failed(String)
    /// Order entry against a live endpoint without a way to confirm. Exit status 1.
    case confirmationRequired(String)
    /// The operator answered "no" to a confirmation. Exit status 1.
    case declined
    /// Interrupted by Ctrl-C. Exit status 130.
    case interrupted

    /// The exit status this failure contributes in script mode.
    public var exitStatus: Int32 {
        switch self {
        case .usage, .unknownCommand, .syntax, .invalidInput: return 2
        case .failed, .confirmationRequired, .declined: return 1
        case .interrupted: return 130
        }
    }

    /// The message printed after `error: `.
    public var description: String {
        switch self {
        case .usage(let message): return message
        case .unknownCommand(let name, let suggestion):
            let shown = TerminalText.sanitized(String(name.prefix(64)))
            if let suggestion { return "unknown command '\(shown)' (did you mean '\(suggestion)'? see `help`)" }
            return "unknown command '\(shown)' (see `help`)"
        case .syntax(let error): return "syntax: \(error)"
        case .invalidInput(let message): return message
        case .failed(let message): return message
        case .confirmationRequired(let message): return message
        case .declined: return "not sent (not confirmed)"
        case .interrupted: return "interrupted"
        }
    }
}
