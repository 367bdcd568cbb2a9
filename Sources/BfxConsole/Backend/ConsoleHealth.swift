import BfxProtocol

/// What the prompt shows: endpoint kind and connection health.
public struct ConsoleHealth: ConsoleRecord, Sendable, Equatable {
    /// Short endpoint label (`sim`, `live`).
    public var label: String
    /// Connected connections.
    public var connectionsUp: Int
    /// All connections.
    public var connectionsTotal: Int
    /// Firing alerts.
    public var alertsFiring: Int

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(label: String, connectionsUp: Int, connectionsTotal: Int, alertsFiring: Int) {
        self.label = label
        self.connectionsUp = connectionsUp
        self.connectionsTotal = connectionsTotal
        self.alertsFiring = alertsFiring
    }

    /// Column names in display order.
    public static let columns: [String] = ["label", "connections_up", "connections_total", "alerts_firing"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("label", .string(label)),
            JSONObject.Member("connections_up", .int(connectionsUp)),
            JSONObject.Member("connections_total", .int(connectionsTotal)),
            JSONObject.Member("alerts_firing", .int(alertsFiring)),
        ]
    }
}
