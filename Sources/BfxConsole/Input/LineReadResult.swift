/// One result of reading a line of console input.
public enum LineReadResult: Sendable, Equatable {
    /// A line (without its terminator).
    case line(String)
    /// A line that cannot be executed (binary data, too long); the reader has skipped past it.
    case invalid(String)
    /// End of input (Ctrl-D, EOF).
    case end
}
