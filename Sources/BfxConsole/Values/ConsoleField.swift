/// One key/value pair of a `ConsoleValue.object`, kept in declaration order.
public struct ConsoleField: Sendable, Equatable {
    /// The key (a column name in table output).
    public var key: String
    /// The value.
    public var value: ConsoleValue

    /// Creates a field.
    public init(_ key: String, _ value: ConsoleValue) {
        self.key = key
        self.value = value
    }
}
