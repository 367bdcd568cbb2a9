import Foundation

/// Overall state of a runtime.
public struct RuntimeStatus: Sendable, Hashable, Codable {
    /// Lifecycle phases.
    public enum Phase: String, Sendable, Hashable, Codable {
        /// Built, `start()` not called yet.
        case created
        /// Starting the simulator, HTTP server, connections and user-data streams.
        case starting
        /// Up: streaming, serving metrics and the dashboard, accepting console commands.
        case running
        /// Graceful shutdown in progress (draining connections, finishing signed calls).
        case stopping
        /// Everything closed; the runtime cannot be restarted.
        case stopped
    }

    /// Where the runtime is in its lifecycle (`created` … `stopped`).
    public var phase: Phase
    /// `simulator`, `live` or `custom`.
    public var endpoint: String
    /// Public WebSocket URL in use.
    public var wsURL: String?
    /// REST base URL in use.
    public var restURL: String?
    /// Seconds since start.
    public var uptimeSeconds: Double
    /// When it started.
    public var startedAt: Date?
    /// HTTP (metrics/dashboard) address, e.g. `http://127.0.0.1:9464`.
    public var httpAddress: String?
    /// Connections / channels / firing alerts.
    public var connections: Int
    /// Subscriptions.
    public var channels: Int
    /// Alert rules currently in the `firing` state.
    public var alertsFiring: Int
    /// Channel messages received.
    public var messages: Int
    /// Reconnects so far.
    public var reconnects: Int
    /// Config file, if any.
    public var configFile: String?
    /// Authenticated user-data streams running (`connections[].key`); nil in older dumps.
    public var userDataStreams: Int?
    /// User-data events counted so far (order/wallet/position/trade messages, notifications,
    /// offline-change reports, auth failures, disconnects); nil in older dumps.
    public var userDataEvents: Int?
}
