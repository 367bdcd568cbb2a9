import CEditLine
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interactive line input through libedit's readline-compatible API (see docs/adr/0012).
///
/// Emacs key bindings (libedit's default), persistent size-bounded history and Tab completion
/// that forwards to `ConsoleCompleter`. `readline()` blocks, so it runs on a private dispatch
/// queue, never on the Swift concurrency pool. libedit keeps global state, so there must be at
/// most one instance per process.
public final class EditLineReader: ConsoleLineSource {
    private let historyPath: String?
    private let historySize: Int32
    private let queue = DispatchQueue(label: "bfxkit.console.editline")
    // Mutex: the last history entry is read and written from the editline queue only, but the
    // class must be Sendable.
    private let lastEntry = Mutex<String?>(nil)

    /// Whether the terminal's locale uses UTF-8 (decides between `✓` and ASCII marks).
    package let isUTF8: Bool

    /// Sets up libedit; loads history from `historyPath` (created with mode 0600 when missing).
    public init(historyPath: String?, historySize: Int = 1_000) {
        self.historyPath = historyPath
        self.historySize = Int32(clamping: max(1, historySize))
        setlocale(LC_CTYPE, "")
        if let codeset = nl_langinfo(Int32(CODESET)) {
            let name = String(cString: codeset).uppercased()
            isUTF8 = name == "UTF-8" || name == "UTF8"
        } else {
            isUTF8 = false
        }
        // Words break only on whitespace and `;`, like the tokenizer (quotes stay in the word).
        // strdup: libedit keeps the pointers for the life of the process.
        bfx_el_configure(strdup("bfxrun"), strdup(" \t\n;"), editLineAttemptedCompletion)
        // Our input function (before any other libedit call): lets Ctrl-C abandon the line.
        bfx_el_set_getc(editLineGetc)
        stifle_history(self.historySize)
        if let historyPath {
            let fd = open(historyPath, O_CREAT | O_RDWR, 0o600)
            if fd >= 0 { close(fd) }
            _ = read_history(historyPath)
        }
    }

    /// Installs the function Tab calls with the text before the cursor. Returning `nil` lets
    /// libedit complete file names instead (used for `dump FILE`).
    package static func setCompletion(_ provider: (@Sendable (String) -> [String]?)?) {
        editLineCompletion.withLock { $0.provider = provider }
    }

    /// Shows `prompt` and reads a line with editing; `.end` on Ctrl-D.
    public func readLine(prompt: String) async -> LineReadResult {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: self.blockingReadLine(prompt: prompt))
            }
        }
    }

    /// Ctrl-C at the prompt (no command running): abandons the line being edited, shows `^C`
    /// and a fresh prompt, like readline. Returns `false` when no line is being edited.
    @discardableResult
    package func interruptLine() -> Bool {
        guard editLinePrompt.withLock({ $0.interrupt() }) else { return false }
        var byte: UInt8 = 1
        _ = write(editLineWakePipe.write, &byte, 1)
        return true
    }

    private func blockingReadLine(prompt: String) -> LineReadResult {
        editLinePrompt.withLock { $0.beginLine() }
        let line = readline(prompt)
        // An abandoned line is dropped: nothing runs and nothing goes to history.
        if editLinePrompt.withLock({ $0.endLine() }) {
            free(line)
            return .line("")
        }
        guard let raw = line else { return .end }
        defer { free(raw) }
        let length = strlen(raw)
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: length)
        guard let line = String(validating: bytes, as: UTF8.self) else {
            return .invalid("input is not valid UTF-8 text; line ignored")
        }
        let trimmed = line.trimmingSpaces()
        if !trimmed.isEmpty, lastEntry.withLock({ $0 }) != line {
            lastEntry.withLock { $0 = line }
            _ = add_history(raw)
            if let historyPath {
                _ = write_history(historyPath)
                _ = history_truncate_file(historyPath, historySize)
            }
        }
        return .line(line)
    }
}

/// Prompt interrupt state shared by the SIGINT queue and libedit's input function.
// Mutex: written from the signal queue (interrupt) and libedit's thread (input, line start/end).
let editLinePrompt = Mutex(PromptInterrupt())

/// A self-pipe that wakes the input function when Ctrl-C arrives while it waits for a key.
let editLineWakePipe: (read: Int32, write: Int32) = {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else { return (-1, -1) }
    for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    return (fds[0], fds[1])
}()

/// libedit's input function (`rl_getc_function`): one character from stdin, decoded from UTF-8,
/// or the keys `PromptInterrupt` asks for after Ctrl-C. Returns -1 at end of input.
private let editLineGetc: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
    // Bounded: each round either returns or consumed a wake-up/EINTR; waiting for a key itself
    // is unbounded in time, as any terminal read.
    for _ in 0..<1_000_000 {
        switch editLinePrompt.withLock({ $0.next() }) {
        case .key(let key):
            return key
        case .echoThenKey(let text, let key):
            _ = text.utf8CString.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count - 1) }
            return key
        case .read:
            break
        }
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: editLineWakePipe.read, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, editLineWakePipe.read >= 0 ? 2 : 1, -1)
        if ready < 0 {
            if errno == EINTR { continue }
            return -1
        }
        if fds[1].revents != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            _ = read(editLineWakePipe.read, &drain, drain.count)
            continue
        }
        if fds[0].revents != 0 {
            guard let first = readStdinByte() else { return -1 }
            return PromptInterrupt.decodeUTF8(first: first, next: readStdinByte)
        }
    }
    return -1
}

/// One byte from stdin (retrying EINTR a bounded number of times); nil at end of input or error.
private func readStdinByte() -> UInt8? {
    var byte: UInt8 = 0
    for _ in 0..<1_000 {
        let n = read(STDIN_FILENO, &byte, 1)
        if n == 1 { return byte }
        if n < 0, errno == EINTR { continue }
        return nil
    }
    return nil
}

/// Completion state shared with the C callback (which cannot capture context).
struct EditLineCompletionState: Sendable {
    var provider: (@Sendable (String) -> [String]?)?
    var matches: [String] = []
    var next = 0
}

// Mutex: libedit calls the completion callbacks on its thread; the provider is swapped from the
// console task before each prompt.
let editLineCompletion = Mutex(EditLineCompletionState())

private let editLineAttemptedCompletion: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, end in
    let prefix: String
    if let buffer = bfx_el_line_buffer(), end > 0 {
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: Int(end))
        prefix = String(decoding: bytes, as: UTF8.self)
    } else {
        prefix = ""
    }
    let provider = editLineCompletion.withLock { $0.provider }
    guard let candidates = provider?(prefix) else {
        bfx_el_set_completion_over(0)
        return nil
    }
    bfx_el_set_completion_over(1)
    guard !candidates.isEmpty else { return nil }
    editLineCompletion.withLock { state in
        state.matches = candidates
        state.next = 0
    }
    return rl_completion_matches(text ?? UnsafePointer(strdup("")), editLineCompletionGenerator)
}

private let editLineCompletionGenerator: @convention(c) (UnsafePointer<CChar>?, Int32) -> UnsafeMutablePointer<CChar>? = { _, state in
    editLineCompletion.withLock { completion in
        if state == 0 { completion.next = 0 }
        guard completion.next < completion.matches.count else { return nil }
        let match = completion.matches[completion.next]
        completion.next += 1
        return strdup(match)
    }
}

extension String {
    func trimmingSpaces() -> Substring {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map { index(after: $0) } ?? start
        return start <= end ? self[start..<end] : ""
    }
}
