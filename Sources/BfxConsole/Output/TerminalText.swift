/// Helpers that keep untrusted text from driving the terminal.
package enum TerminalText {
    /// Replaces control characters (ESC, BEL, CR, …) with visible `\u{…}`-style escapes so data
    /// from the network or a file can never move the cursor or change terminal state.
    package static func sanitized(_ text: String, keepingLineBreaks: Bool = false) -> String {
        let escape: (Unicode.Scalar) -> Bool = { scalar in
            isControl(scalar) && !(keepingLineBreaks && (scalar == "\n" || scalar == "\t"))
        }
        guard text.unicodeScalars.contains(where: escape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if escape(scalar) {
                out.append(contentsOf: "\\x\(String(scalar.value, radix: 16))".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether a scalar is a C0/C1 control or DEL.
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
    }

    /// Display width used for column alignment: one column per extended grapheme cluster.
    package static func width(_ text: String) -> Int {
        text.count
    }
}
