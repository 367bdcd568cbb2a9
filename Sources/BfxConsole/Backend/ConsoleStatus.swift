import BfxProtocol

/// The runtime's overall state as `status` shows it.
public struct ConsoleStatus: ConsoleRecord, Sendable, Equatable {
    /// Endpoint description (`simulator`, a URL, …).
    public var endpoint: String
    /// Whether the runtime talks to the embedded simulator.
    public var isSimulator: Bool
    /// Runtime phase (`starting`, `running`, `stopping`, `stopped`).
    public var phase: String
    /// bfxkit version.
    public var version: String
    /// Seconds since start.
    public var uptimeSeconds: Double
    /// Connections currently connected.
    public var connectionsUp: Int
    /// Connections configured or open.
    public var connectionsTotal: Int
    /// Subscribed channels.
    public var channels: Int
    /// Whether an authenticated connection is up.
    public var authenticated: Bool
    /// Alerts currently firing.
    public var alertsFiring: Int
    /// Current runtime log level.
    public var logLevel: String

    /// Built by a ``ConsoleBackend`` for each row it returns; each parameter sets the property of
    /// the same name, optional ones default to `nil` (unknown, shown as empty).
    public init(endpoint: String, isSimulator: Bool, phase: String, version: String, uptimeSeconds: Double, connectionsUp: Int, connectionsTotal: Int, channels: Int, authenticated: Bool, alertsFiring: Int, logLevel: String) {
        self.endpoint = endpoint
        self.isSimulator = isSimulator
        self.phase = phase
        self.version = version
        self.uptimeSeconds = uptimeSeconds
        self.connectionsUp = connectionsUp
        self.connectionsTotal = connectionsTotal
        self.channels = channels
        self.authenticated = authenticated
        self.alertsFiring = alertsFiring
        self.logLevel = logLevel
    }

    /// Column names in display order.
    public static let columns: [String] = ["endpoint", "simulator", "phase", "version", "uptime_s", "connections_up", "connections_total", "channels", "authenticated", "alerts_firing", "log_level"]

    /// The fields in display order.
    public var consoleFields: [JSONObject.Member] {
        [
            JSONObject.Member("endpoint", .string(endpoint)),
            JSONObject.Member("simulator", .bool(isSimulator)),
            JSONObject.Member("phase", .string(phase)),
            JSONObject.Member("version", .string(version)),
            JSONObject.Member("uptime_s", .double(uptimeSeconds)),
            JSONObject.Member("connections_up", .int(connectionsUp)),
            JSONObject.Member("connections_total", .int(connectionsTotal)),
            JSONObject.Member("channels", .int(channels)),
            JSONObject.Member("authenticated", .bool(authenticated)),
            JSONObject.Member("alerts_firing", .int(alertsFiring)),
            JSONObject.Member("log_level", .string(logLevel)),
        ]
    }
}
