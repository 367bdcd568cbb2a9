import BfxProtocol

/// A value that renders as one table row and one JSON object with the same keys.
public protocol ConsoleRecord: Sendable {
    /// Column names in display order (also used for empty tables).
    static var columns: [String] { get }
    /// The fields in display order; keys match `columns`.
    var consoleFields: [JSONObject.Member] { get }
}

extension ConsoleRecord {
    /// The record as a JSON object value.
    public var consoleValue: JSONValue {
        .fields(consoleFields)
    }
}
