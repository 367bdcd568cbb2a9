import BfxProtocol

/// Turns a `ConsoleOutput` into text in one of the `OutputFormat`s.
public enum OutputRenderer {
    /// Renders `output`; the result ends with a newline unless empty.
    public static func render(_ output: ConsoleOutput, format: OutputFormat) -> String {
        switch format {
        case .json:
            if case .empty = output.human, output.json == .null { return "" }
            return output.json.prettyText + "\n"
        case .ndjson:
            if case .empty = output.human, output.json == .null { return "" }
            if case .array(let items) = output.json {
                return items.map { $0.compactText + "\n" }.joined()
            }
            return output.json.compactText + "\n"
        case .table:
            return human(output.human, plain: false)
        case .plain:
            return human(output.human, plain: true)
        }
    }

    /// Renders a human view as aligned text (`plain == false`) or TSV (`plain == true`).
    public static func human(_ view: HumanView, plain: Bool) -> String {
        switch view {
        case .empty:
            return ""
        case .text(let raw):
            let text = TerminalText.sanitized(raw, keepingLineBreaks: true)
            return text.hasSuffix("\n") || text.isEmpty ? text : text + "\n"
        case .keyValue(let fields):
            if plain {
                return fields.map { "\($0.key)\t\(plainCell($0.value))\n" }.joined()
            }
            let width = fields.map { TerminalText.width($0.key) }.max() ?? 0
            return fields.map { field in
                field.key + String(repeating: " ", count: width - TerminalText.width(field.key) + 2) + field.value.cellText + "\n"
            }.joined()
        case .table(let columns, let rows):
            return plain ? tsv(columns: columns, rows: rows) : table(columns: columns, rows: rows)
        case .sections(let sections):
            var out = ""
            for (index, section) in sections.enumerated() {
                if plain {
                    out += "# \(section.title)\n"
                } else {
                    if index > 0 { out += "\n" }
                    out += "\(section.title)\n"
                }
                out += human(section.view, plain: plain)
            }
            return out
        }
    }

    private static func plainCell(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .bool(let flag): return flag ? "true" : "false"
        default:
            // Tabs and newlines would break the TSV framing.
            return value.cellText.replacingTabs()
        }
    }

    private static func tsv(columns: [String], rows: [[JSONValue]]) -> String {
        var out = columns.joined(separator: "\t") + "\n"
        for row in rows {
            out += row.map(plainCell).joined(separator: "\t") + "\n"
        }
        return out
    }

    private static func table(columns: [String], rows: [[JSONValue]]) -> String {
        let headers = columns.map { $0.uppercased() }
        let cells = rows.map { $0.map(\.cellText) }
        var widths = headers.map(TerminalText.width)
        var numeric = Array(repeating: !rows.isEmpty, count: columns.count)
        for (rowIndex, row) in cells.enumerated() {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], TerminalText.width(cell))
                let value = rows[rowIndex][column]
                if !(value.isNumber || value == .null) { numeric[column] = false }
            }
        }
        func line(_ row: [String]) -> String {
            var parts: [String] = []
            for (column, cell) in row.enumerated() where column < widths.count {
                let pad = String(repeating: " ", count: widths[column] - TerminalText.width(cell))
                let isLast = column == widths.count - 1
                if numeric[column] {
                    parts.append(pad + cell)
                } else {
                    parts.append(isLast ? cell : cell + pad)
                }
            }
            return parts.joined(separator: "  ") + "\n"
        }
        var out = line(headers)
        for row in cells { out += line(row) }
        if rows.isEmpty { out += "(no rows)\n" }
        return out
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        guard contains(where: { $0 == "\t" || $0 == "\n" }) else { return self }
        return String(map { $0 == "\t" || $0 == "\n" ? " " : $0 })
    }
}
