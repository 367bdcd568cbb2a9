/// The state of one authenticated user-data stream (`connections[].key`), for status, snapshot
/// (`/api/state`) and the console.
public struct UserDataView: Sendable, Hashable, Codable {
    /// The config connection group that asked for it (`connections[].name`).
    public var connection: String
    /// The key name (`keys[].name`).
    public var key: String
    /// `UserDataClient` phase: `idle`, `connecting`, `authenticating`, `synchronizing`, `ready`, `disconnected`, `stopped`.
    public var phase: String
    /// Open orders in the live account state.
    public var orders: Int
    /// Positions in the live account state.
    public var positions: Int
    /// Wallets in the live account state.
    public var wallets: Int
    /// Order messages received (`os`, `on`, `ou`, `oc`).
    public var orderEvents: Int
    /// Wallet and balance messages received (`ws`, `wu`, `bu`).
    public var walletEvents: Int
    /// Position messages received (`ps`, `pn`, `pu`, `pc`).
    public var positionEvents: Int
    /// Trade messages received (`te`, `tu`).
    public var tradeEvents: Int
    /// Notifications received (`n`).
    public var notifications: Int
    /// Offline-change reports (one per reconnect).
    public var offlineReports: Int
    /// Authentication failures (recoverable and fatal).
    public var authFailures: Int
    /// Connection losses.
    public var disconnects: Int
    /// Order inputs (submit/update/cancel) sent over this stream by the runtime.
    public var inputsSent: Int
    /// Order inputs that failed (rejected, timed out, outcome unknown…).
    public var inputErrors: Int
    /// Requests waiting for the server's answer.
    public var pendingRequests: Int
    /// Inputs held in the outage buffer.
    public var bufferedInputs: Int
    /// Why the stream stopped, if it stopped on an error.
    public var fatalError: String?

    /// Total user-data events counted (messages, reports, auth failures, disconnects).
    public var totalEvents: Int {
        orderEvents + walletEvents + positionEvents + tradeEvents + notifications + offlineReports + authFailures + disconnects
    }
}
