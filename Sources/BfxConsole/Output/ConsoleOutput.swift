import BfxProtocol

/// The result of one command: the data (`json`) and how to show it to people (`human`).
///
/// Both are built from the same values, so `--json` never carries less than the table.
public struct ConsoleOutput: Sendable, Equatable {
    /// Machine form.
    public var json: JSONValue
    /// Human form.
    public var human: HumanView

    /// Pairs the machine-readable `json` (printed for `--json`/`--ndjson`) with the `human` view
    /// printed in table format; both should describe the same data.
    public init(json: JSONValue, human: HumanView) {
        self.json = json
        self.human = human
    }

    /// A list of records: a table for people, an array of objects for machines.
    public static func records<R: ConsoleRecord>(_ records: [R]) -> ConsoleOutput {
        ConsoleOutput(
            json: .array(records.map(\.consoleValue)),
            human: .table(columns: R.columns, rows: records.map { $0.consoleFields.map(\.value) })
        )
    }

    /// One record: `key value` lines for people, an object for machines.
    public static func record<R: ConsoleRecord>(_ record: R) -> ConsoleOutput {
        ConsoleOutput(json: record.consoleValue, human: .keyValue(record.consoleFields))
    }

    /// A message: text for people, `{"message": …}` for machines.
    public static func message(_ text: String) -> ConsoleOutput {
        ConsoleOutput(json: .fields([JSONObject.Member("message", .string(text))]), human: .text(text))
    }

    /// An arbitrary JSON value; objects show as `key value` lines, the rest as JSON text.
    public static func value(_ value: JSONValue) -> ConsoleOutput {
        if case .object(let fields) = value {
            return ConsoleOutput(json: value, human: .keyValue(fields.members))
        }
        if case .array(let items) = value, let table = tableIfUniform(items) {
            return ConsoleOutput(json: value, human: table)
        }
        if case .array(let items) = value, !items.isEmpty, items.allSatisfy({ if case .array = $0 { return true } else { return false } }) {
            // Bitfinex rows (arrays of arrays): one compact row per line reads best.
            return ConsoleOutput(json: value, human: .text(items.map(\.compactText).joined(separator: "\n")))
        }
        return ConsoleOutput(json: value, human: .text(value.prettyText))
    }

    /// Nothing to show.
    public static let empty = ConsoleOutput(json: .null, human: .empty)

    private static func tableIfUniform(_ items: [JSONValue]) -> HumanView? {
        guard case .object(let first)? = items.first else { return nil }
        let keys = first.map(\.key)
        var rows: [[JSONValue]] = []
        for item in items {
            guard case .object(let fields) = item, fields.map(\.key) == keys else { return nil }
            rows.append(fields.map(\.value))
        }
        return .table(columns: keys, rows: rows)
    }
}
