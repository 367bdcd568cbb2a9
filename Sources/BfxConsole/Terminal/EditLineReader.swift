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
    public let isUTF8: Bool

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
        stifle_history(self.historySize)
        if let historyPath {
            let fd = open(historyPath, O_CREAT | O_RDWR, 0o600)
            if fd >= 0 { close(fd) }
            _ = read_history(historyPath)
        }
    }

    /// Installs the function Tab calls with the text before the cursor. Returning `nil` lets
    /// libedit complete file names instead (used for `dump FILE`).
    public static func setCompletion(_ provider: (@Sendable (String) -> [String]?)?) {
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

    private func blockingReadLine(prompt: String) -> LineReadResult {
        guard let raw = readline(prompt) else { return .end }
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
