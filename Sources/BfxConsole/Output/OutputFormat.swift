/// How command results are printed.
public enum OutputFormat: String, Sendable, CaseIterable, Equatable {
    /// Aligned columns for people (default on a terminal).
    case table
    /// Tab-separated values with a header line, no colour or padding (default when stdout is not a terminal).
    case plain
    /// One pretty-printed JSON document per command.
    case json
    /// Newline-delimited JSON: one compact object per row (one line for non-list results).
    case ndjson
}
