/// The one JSON string escaper of bfxkit: frames, snapshots, console output and reports all
/// quote strings through it, so an API key, an order comment or hostile console input can never
/// break the JSON around it.
package enum JSONString {
    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `s` to `out` as a JSON string literal (quotes included), escaping `"`, `\` and every
    /// control character. With `terminalSafe`, DEL, C1 controls and U+2028/U+2029 are escaped too,
    /// so text printed to a terminal cannot carry escape sequences.
    package static func append(_ s: String, to out: inout String, terminalSafe: Bool = false) {
        out.append("\"")
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out.append("\\\"")
            case "\\": out.append("\\\\")
            case "\n": out.append("\\n")
            case "\r": out.append("\\r")
            case "\t": out.append("\\t")
            case "\u{08}": out.append("\\b")
            case "\u{0C}": out.append("\\f")
            default:
                let v = scalar.value
                if v < 0x20 || (terminalSafe && (v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029)) {
                    out.append("\\u")
                    for shift in stride(from: 12, through: 0, by: -4) {
                        out.unicodeScalars.append(Unicode.Scalar(hex[Int((v >> UInt32(shift)) & 0xF)]))
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out.append("\"")
    }

    /// `s` as a JSON string literal (see ``append(_:to:terminalSafe:)``).
    package static func quoted(_ s: String, terminalSafe: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count + 2)
        append(s, to: &out, terminalSafe: terminalSafe)
        return out
    }

    /// Appends `s` as a JSON string literal to a byte buffer (the allocation-light frame path).
    package static func append(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
