import BfxProtocol

/// Builds outbound JSON text by appending tokens. The simulator writes its frames directly (not via
/// a value tree) because every market-data message goes through here: one `String` growth per
/// token, numbers rendered from `Fixed` exactly as the wire needs them (see `Fixed.jsText`).
struct WireWriter {
    /// The text written so far.
    private(set) var text: String
    private var needsComma: [Bool] = []
    /// When true, decimals are written as JSON strings (the `DEC_S` conf flag).
    let decimalsAsStrings: Bool

    init(decimalsAsStrings: Bool = false, capacity: Int = 64) {
        self.decimalsAsStrings = decimalsAsStrings
        self.text = ""
        self.text.reserveCapacity(capacity)
    }

    private mutating func separator() {
        if let last = needsComma.last {
            if last { text.append(",") }
            needsComma[needsComma.count - 1] = true
        }
    }

    mutating func beginArray() { separator(); text.append("["); needsComma.append(false) }
    mutating func endArray() { text.append("]"); needsComma.removeLast() }
    mutating func beginObject() { separator(); text.append("{"); needsComma.append(false) }
    mutating func endObject() { text.append("}"); needsComma.removeLast() }

    /// Writes `"key":` inside an object; the next token is its value.
    mutating func key(_ name: String) {
        separator()
        appendQuoted(name)
        text.append(":")
        needsComma[needsComma.count - 1] = false
    }

    mutating func int(_ value: Int64) { separator(); text.append(String(value)) }
    mutating func int(_ value: Int) { separator(); text.append(String(value)) }
    mutating func decimal(_ value: Fixed) {
        separator()
        if decimalsAsStrings { text.append("\""); text.append(value.jsText); text.append("\"") }
        else { text.append(value.jsText) }
    }
    mutating func optionalDecimal(_ value: Fixed?) {
        if let value { decimal(value) } else { null() }
    }
    mutating func string(_ value: String) { separator(); appendQuoted(value) }
    mutating func optionalString(_ value: String?) {
        if let value { string(value) } else { null() }
    }
    mutating func null() { separator(); text.append("null") }
    mutating func bool(_ value: Bool) { separator(); text.append(value ? "true" : "false") }
    /// Appends already-serialised JSON (a value written by another writer).
    mutating func raw(_ json: String) { separator(); text.append(json) }
    /// Appends `count` nulls (placeholder fields in documented row layouts).
    mutating func nulls(_ count: Int) { for _ in 0..<count { null() } }

    private mutating func appendQuoted(_ value: String) {
        JSONString.append(value, to: &text)
    }
}
