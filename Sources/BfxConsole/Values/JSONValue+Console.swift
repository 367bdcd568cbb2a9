import BfxProtocol

// The console renders every result through BfxProtocol's `JSONValue` (ordered keys, exact number
// text). Only what the console needs beyond it lives here: building values from Swift numbers,
// table cells, and terminal-safe compact/pretty JSON text. The wire form (`serialized()`) escapes
// only C0 controls; text shown on a terminal must also neutralise DEL, C1 controls (0x9B is a CSI
// on some terminals) and U+2028/U+2029, and `--json` output is indented, hence this writer.

/// Console helpers on `JSONValue`: values from Swift numbers, table cells, and terminal-safe
/// compact and indented JSON text.
extension JSONValue {
    /// Nesting limit for JSON typed by the operator or returned by REST (deeper than the wire
    /// default because `call` responses and diagnostics bundles nest more).
    public static let consoleMaxDepth = 128

    /// Parses operator- or server-supplied JSON text with the console's nesting limit.
    public static func parseConsole(_ text: String) throws(FrameDecodingError) -> JSONValue {
        try JSONValue.parse(text, maxDepth: consoleMaxDepth)
    }

    /// An integer number value.
    public static func int<T: BinaryInteger>(_ value: T) -> JSONValue {
        if let exact = Int64(exactly: value) { return .number(WireNumber(exact)) }
        return decimal(String(value))
    }

    /// A floating-point number value; non-finite values become `null` (JSON has no NaN).
    public static func double(_ value: Double) -> JSONValue {
        guard value.isFinite else { return .null }
        // Six decimals are plenty for ages, rates and durations; exact prices travel as text.
        let rounded = abs(value) < 1e9 ? (value * 1_000_000).rounded() / 1_000_000 : value
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            return .number(WireNumber(Int64(rounded)))
        }
        return decimal(String(rounded))
    }

    /// A number value from decimal text kept verbatim; text that is not a JSON number (or is
    /// longer than `WireNumber.maxLength`) becomes a string so the output stays valid JSON.
    public static func decimal(_ text: String) -> JSONValue {
        WireNumber(text).map(JSONValue.number) ?? .string(text)
    }

    /// An object value from members in display order.
    public static func fields(_ members: [JSONObject.Member]) -> JSONValue {
        .object(JSONObject(members))
    }

    /// The text shown in a table cell: strings unquoted, numbers as-is, nested values as compact JSON.
    public var cellText: String {
        switch self {
        case .null: return "-"
        case .bool(let flag): return flag ? "yes" : "no"
        case .number(let number): return number.text
        case .string(let text): return TerminalText.sanitized(text)
        case .array, .object: return TerminalText.sanitized(compactText)
        }
    }

    /// Whether the value is a number (used to right-align numeric table columns).
    public var isNumber: Bool {
        number != nil
    }

    /// One-line terminal-safe JSON (used for `--ndjson` and table cells).
    public var compactText: String {
        var out = ""
        writeText(into: &out, indent: nil, level: 0)
        return out
    }

    /// Indented terminal-safe JSON (used for `--json`), two spaces per level.
    public var prettyText: String {
        var out = ""
        writeText(into: &out, indent: "  ", level: 0)
        return out
    }

    /// A terminal-safe JSON string literal for `text`, with all control characters escaped.
    public static func quotedText(_ text: String) -> String {
        JSONString.quoted(text, terminalSafe: true)
    }

    private func writeText(into out: inout String, indent: String?, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let number): out += number.text
        case .string(let text): out += Self.quotedText(text)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                Self.newline(&out, indent: indent, level: level + 1)
                item.writeText(into: &out, indent: indent, level: level + 1)
            }
            Self.newline(&out, indent: indent, level: level)
            out += "]"
        case .object(let object):
            if object.isEmpty { out += "{}"; return }
            out += "{"
            for (index, member) in object.enumerated() {
                if index > 0 { out += "," }
                Self.newline(&out, indent: indent, level: level + 1)
                out += Self.quotedText(member.key)
                out += indent == nil ? ":" : ": "
                member.value.writeText(into: &out, indent: indent, level: level + 1)
            }
            Self.newline(&out, indent: indent, level: level)
            out += "}"
        }
    }

    private static func newline(_ out: inout String, indent: String?, level: Int) {
        guard let indent else { return }
        out += "\n"
        for _ in 0..<level { out += indent }
    }
}

/// A positional initialiser for building console result objects tersely.
extension JSONObject.Member {
    /// A member from a key and a value (positional, for compact field lists).
    public init(_ key: String, _ value: JSONValue) {
        self.init(key: key, value: value)
    }
}

/// Operator-facing wording for JSON typed at the console that fails to parse.
extension FrameDecodingError {
    /// `invalid JSON at byte N: reason`, without echoing the (possibly hostile) input.
    public var consoleMessage: String {
        "invalid JSON at byte \(offset): \(reason)"
    }
}
