/// Splits a console line into statements and words, shell-style.
///
/// Rules (documented in docs/console.md):
/// - whitespace separates words; `;` outside quotes separates statements;
/// - `'single quotes'` are literal; `"double quotes"` accept `\"`, `\\`, `\n`, `\t`, `\r`, `\u{…}`-free
///   escapes (`\uXXXX`); a backslash outside quotes escapes the next character;
/// - a word that *starts* with `{` or `[` is a raw JSON word: it runs until its brackets balance
///   (strings inside are honoured), so `call POST auth/r/orders {"id":[1,2]}` needs no quoting;
/// - `#` at the start of a word begins a comment that runs to the end of the line;
/// - control characters other than tab, and lines longer than `maxLineBytes`, are rejected.
public struct CommandTokenizer: Sendable {
    /// Longest accepted line in UTF-8 bytes.
    public var maxLineBytes: Int

    /// Rejects lines longer than `maxLineBytes` UTF-8 bytes (default 65 536).
    public init(maxLineBytes: Int = 65_536) {
        self.maxLineBytes = maxLineBytes
    }

    /// Tokenizes a complete line into statements (empty statements are dropped).
    package func statements(_ line: String) throws(TokenizerError) -> [[String]] {
        let state = try scan(line, lenient: false)
        return state.statements
    }

    /// Tokenizes a line prefix for completion: never throws for unterminated quotes or JSON.
    ///
    /// Returns the words of the current (last) statement before the cursor and the partial word
    /// being typed (empty when the prefix ends in whitespace).
    package func completionState(_ prefix: String) -> (words: [String], partial: String) {
        guard let state = try? scan(prefix, lenient: true) else { return ([], "") }
        return (state.currentWords, state.partial ?? "")
    }

    private struct ScanState {
        var statements: [[String]] = []
        var currentWords: [String] = []
        var partial: String?
    }

    private func scan(_ line: String, lenient: Bool) throws(TokenizerError) -> ScanState {
        let utf8Count = line.utf8.count
        if utf8Count > maxLineBytes {
            throw .lineTooLong(length: utf8Count, limit: maxLineBytes)
        }
        let scalars = Array(line.unicodeScalars)
        var state = ScanState()
        var word: String.UnicodeScalarView? = nil
        var index = 0

        func finishWord() {
            if let current = word {
                state.currentWords.append(String(current))
                word = nil
            }
        }
        func finishStatement() {
            finishWord()
            if !state.currentWords.isEmpty { state.statements.append(state.currentWords) }
            state.currentWords = []
        }

        while index < scalars.count {
            let scalar = scalars[index]
            if scalar != "\t", TerminalText.isControl(scalar) {
                throw .controlCharacter(position: index, code: scalar.value)
            }
            switch scalar {
            case " ", "\t":
                finishWord()
                index += 1
            case ";":
                finishStatement()
                index += 1
            case "#" where word == nil:
                index = scalars.count
            case "'":
                var current = word ?? String.UnicodeScalarView()
                let start = index
                index += 1
                var closed = false
                while index < scalars.count {
                    if TerminalText.isControl(scalars[index]), scalars[index] != "\t" {
                        throw .controlCharacter(position: index, code: scalars[index].value)
                    }
                    if scalars[index] == "'" { closed = true; index += 1; break }
                    current.append(scalars[index])
                    index += 1
                }
                word = current
                if !closed {
                    if lenient { state.partial = String(current); return state }
                    throw .unterminatedQuote(quote: "'", position: start)
                }
            case "\"":
                var current = word ?? String.UnicodeScalarView()
                let start = index
                index += 1
                var closed = false
                while index < scalars.count {
                    let inner = scalars[index]
                    if TerminalText.isControl(inner), inner != "\t" {
                        throw .controlCharacter(position: index, code: inner.value)
                    }
                    if inner == "\"" { closed = true; index += 1; break }
                    if inner == "\\" {
                        guard index + 1 < scalars.count else { break }
                        let escaped = scalars[index + 1]
                        switch escaped {
                        case "n": current.append("\n"); index += 2
                        case "t": current.append("\t"); index += 2
                        case "r": current.append("\r"); index += 2
                        case "\\", "\"", "$", "'": current.append(escaped); index += 2
                        case "u":
                            guard index + 6 <= scalars.count,
                                  let code = UInt32(String(String.UnicodeScalarView(scalars[(index + 2)..<(index + 6)])), radix: 16),
                                  let decoded = Unicode.Scalar(code) else {
                                if lenient { state.partial = String(current); return state }
                                throw .invalidEscape(position: index)
                            }
                            current.append(decoded)
                            index += 6
                        default:
                            if lenient { state.partial = String(current); return state }
                            throw .invalidEscape(position: index)
                        }
                        continue
                    }
                    current.append(inner)
                    index += 1
                }
                word = current
                if !closed {
                    if lenient { state.partial = String(current); return state }
                    throw .unterminatedQuote(quote: "\"", position: start)
                }
            case "\\":
                guard index + 1 < scalars.count else {
                    if lenient { state.partial = word.map { String($0) } ?? ""; return state }
                    throw .trailingBackslash
                }
                var current = word ?? String.UnicodeScalarView()
                current.append(scalars[index + 1])
                word = current
                index += 2
            case "{" where word == nil, "[" where word == nil:
                let start = index
                let end = try scanJSONWord(scalars, from: index)
                guard let end else {
                    if lenient { state.partial = String(String.UnicodeScalarView(scalars[start...])); return state }
                    throw .unbalancedJSON(position: start)
                }
                word = String.UnicodeScalarView(scalars[start..<end])
                index = end
            default:
                var current = word ?? String.UnicodeScalarView()
                current.append(scalar)
                word = current
                index += 1
            }
        }
        if let current = word {
            state.partial = String(current)
        } else {
            state.partial = nil
        }
        if lenient { return state }
        finishStatement()
        return state
    }

    /// Returns the index just after the balanced JSON value starting at `start`, or `nil` if the
    /// line ends first.
    private func scanJSONWord(_ scalars: [Unicode.Scalar], from start: Int) throws(TokenizerError) -> Int? {
        var depth = 0
        var index = start
        var inString = false
        while index < scalars.count {
            let scalar = scalars[index]
            if inString {
                if scalar == "\\" { index += 2; continue }
                if scalar == "\"" { inString = false }
            } else {
                switch scalar {
                case "\"": inString = true
                case "{", "[": depth += 1
                case "}", "]":
                    depth -= 1
                    if depth == 0 { return index + 1 }
                default: break
                }
            }
            index += 1
        }
        return nil
    }
}
