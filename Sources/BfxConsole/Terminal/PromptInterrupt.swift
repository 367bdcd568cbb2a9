/// What Ctrl-C does at the interactive prompt, following the readline convention: the line being
/// edited is abandoned, `^C` is shown after it and a fresh prompt follows (nothing runs, nothing
/// goes to history). Ctrl-C while a command runs is `InterruptController`'s business instead.
///
/// libedit gives no thread-safe way to abort `readline()` from the signal thread, so the console
/// installs its own input function (`rl_getc_function`, on libedit's thread) that asks this state
/// machine what to feed libedit next: normally "read a key from the terminal"; after an interrupt
/// the two keys Ctrl-E (cursor to the end, so `^C` lands after the text) and newline (finish the
/// line), with `^C` echoed before the newline. A pure value so the protocol is tested without a
/// terminal; `EditLineReader` keeps it behind a `Mutex`.
struct PromptInterrupt: Sendable, Equatable {
    /// What the input function does next.
    enum Step: Sendable, Equatable {
        /// Read a key from the terminal (or wait for an interrupt).
        case read
        /// Hand this key to libedit without reading.
        case key(Int32)
        /// Print `text` on the terminal, then hand `key` to libedit.
        case echoThenKey(String, Int32)
    }

    private enum Stage: Sendable, Equatable { case none, moveToEnd, finish }

    /// Ctrl-E: libedit's emacs binding for "move to end of line".
    static let endOfLineKey: Int32 = 0x05
    /// Newline: finishes the line.
    static let newlineKey: Int32 = 0x0A

    /// Whether `readline()` is currently editing a line.
    private(set) var reading = false
    private var stage = Stage.none
    private var abandoned = false

    /// A line starts being edited.
    mutating func beginLine() {
        reading = true
        stage = .none
        abandoned = false
    }

    /// Ctrl-C while no command runs. Returns `true` when a line is being edited and the input
    /// function must be woken up; `false` when there is nothing to abandon (or it is under way).
    mutating func interrupt() -> Bool {
        guard reading, stage == .none, !abandoned else { return false }
        stage = .moveToEnd
        return true
    }

    /// The next step of the input function.
    mutating func next() -> Step {
        switch stage {
        case .none:
            return .read
        case .moveToEnd:
            stage = .finish
            return .key(Self.endOfLineKey)
        case .finish:
            stage = .none
            abandoned = true
            return .echoThenKey("^C", Self.newlineKey)
        }
    }

    /// The line is finished; returns `true` when Ctrl-C abandoned it (the text must be dropped).
    mutating func endLine() -> Bool {
        defer {
            reading = false
            stage = .none
            abandoned = false
        }
        return abandoned
    }

    /// Decodes one UTF-8 encoded character for libedit (which takes wide characters from a custom
    /// input function): `first` is the byte read, `next` reads a continuation byte. Malformed
    /// input gives U+FFFD.
    static func decodeUTF8(first: UInt8, next: () -> UInt8?) -> Int32 {
        let replacement: Int32 = 0xFFFD
        let count: Int
        var scalar: UInt32
        switch first {
        case 0x00...0x7F: return Int32(first)
        case 0xC2...0xDF: count = 1; scalar = UInt32(first & 0x1F)
        case 0xE0...0xEF: count = 2; scalar = UInt32(first & 0x0F)
        case 0xF0...0xF4: count = 3; scalar = UInt32(first & 0x07)
        default: return replacement
        }
        for _ in 0..<count {
            guard let byte = next(), byte & 0xC0 == 0x80 else { return replacement }
            scalar = scalar << 6 | UInt32(byte & 0x3F)
        }
        guard let valid = Unicode.Scalar(scalar), String(valid).utf8.count == count + 1 else { return replacement }
        return Int32(bitPattern: valid.value)
    }
}
