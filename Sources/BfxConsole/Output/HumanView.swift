import BfxProtocol

/// The human-oriented shape of a result; JSON output ignores it and prints `ConsoleOutput.json`.
public indirect enum HumanView: Sendable, Equatable {
    /// Rows under column headers.
    case table(columns: [String], rows: [[JSONValue]])
    /// `key  value` lines.
    case keyValue([JSONObject.Member])
    /// Free text.
    case text(String)
    /// Titled sub-views printed one after another.
    case sections([HumanSection])
    /// Nothing to print (e.g. `format json`).
    case empty
}
