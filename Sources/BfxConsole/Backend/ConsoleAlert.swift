import BfxProtocol

/// One alert rule and its state.
public struct ConsoleAlert: ConsoleRecord, Sendable, Equatable {
    /// Rule name.
    public var name: String
    /// What it measures.
    public var kind: String
    /// `ok` or `firing`.
    public var state: String
    /// Current value.
    public var value: String?
    /// The configured `threshold` the value is compared with (printed as configured).
    public var threshold: String
    /// Times it fired.
    public var episodes: Int

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(name: String, kind: String, state: String, value: String? = nil, threshold: String, episodes: Int) {
        self.name = name
        self.kind = kind
        self.state = state
        self.value = value
        self.threshold = threshold
        self.episodes = episodes
    }

    /// Column names in display order.
    public static let columns: [String] = ["name", "kind", "state", "value", "threshold", "episodes"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("name", .string(name)),
            JSONObject.Member("kind", .string(kind)),
            JSONObject.Member("state", .string(state)),
            JSONObject.Member("value", value.map { .string($0) } ?? .null),
            JSONObject.Member("threshold", .string(threshold)),
            JSONObject.Member("episodes", .int(episodes)),
        ]
    }
}
