import BfxProtocol

/// Everything the user-data client reports, in the order it happened. Channel-0 messages are
/// delivered as ``message(_:)`` in server order; lifecycle events are interleaved where they
/// occur (a reconnect yields `disconnected` → `reconnecting` → `authenticated` →
/// `offlineChanges` → `ready`, then the live messages that arrived meanwhile).
public enum UserDataEvent: Sendable {
    /// A connection attempt starts (1-based attempt within the current outage; 0 = first connect).
    case connecting(attempt: Int)
    /// Authentication succeeded with this nonce.
    case authenticated(userID: Int64?, nonce: Int64)
    /// An authentication attempt failed (recoverable failures are followed by a retry).
    case authenticationFailed(UserDataError, nonce: Int64)
    /// Account snapshots received and reconciled; buffered inputs were flushed. Inputs are sent
    /// directly from now on.
    case ready(afterReconnect: Bool)
    /// One channel-0 message (order, position, wallet, trade, funding, notification…).
    case message(UserEvent)
    /// What changed while the client was disconnected (only after a reconnect).
    case offlineChanges(OfflineChangeReport)
    /// Inputs held during the outage were handled: `sent` written once, `expired` dropped,
    /// `alreadyKnown` not resent because the server already had their CID.
    case outageBufferFlushed(sent: Int, expired: Int, alreadyKnown: Int)
    /// An input held during the outage outlived ``UserDataConfiguration/outageBufferMaxAge`` and
    /// was dropped, never sent (its caller gets ``UserDataError/expiredInOutageBuffer(request:)``).
    /// `requests` is the number of correlated requests it carried (an `ox_multi` may carry
    /// several; a `calc` none).
    case bufferedInputExpired(request: UserDataRequestKind, requests: Int)
    /// The connection was lost (or closed for a reconnect).
    case disconnected(reason: String)
    /// Waiting `delay` before reconnect attempt `attempt`.
    case reconnecting(attempt: Int, delay: Duration)
    /// A server `info` code: 20051 (restart; the client reconnects), 20060/20061 (maintenance).
    case serverInfo(code: Int, message: String?)
    /// The client stopped: `nil` after ``UserDataClient/stop()``, otherwise the fatal reason
    /// (bad key, bad signature, permissions, reconnect policy gave up).
    case stopped(UserDataError?)
}

/// The client's lifecycle phase.
public enum UserDataPhase: String, Sendable, Equatable {
    /// Not started.
    case idle
    /// Opening a connection.
    case connecting
    /// Waiting for the `auth` response.
    case authenticating
    /// Authenticated; waiting for snapshots and reconciling.
    case synchronizing
    /// Live: inputs go straight to the server.
    case ready
    /// Connection lost; inputs are buffered; a reconnect is scheduled.
    case disconnected
    /// Stopped (by the user or a fatal error).
    case stopped
}

/// A point-in-time view of the client for status displays and tests.
public struct UserDataStatus: Sendable {
    /// One authentication attempt.
    public struct AuthAttempt: Sendable, Equatable {
        /// Connection number (0-based, counts every connection the client opened).
        public var connection: Int
        /// The nonce sent.
        public var nonce: Int64
        /// `"OK"` or the failure description.
        public var outcome: String
    }

    /// Current phase.
    public var phase: UserDataPhase
    /// Connections opened so far.
    public var connectionsOpened: Int
    /// Every auth attempt, oldest first (bounded to the last 100).
    public var authAttempts: [AuthAttempt]
    /// Requests waiting for a server answer.
    public var pendingRequests: Int
    /// Inputs held in the outage buffer.
    public var bufferedInputs: Int
    /// Frames written to the server (inputs, auth, calc).
    public var framesSent: Int
    /// Frames received (any kind, including heartbeats and events).
    public var framesReceived: Int
    /// Channel-0 messages received.
    public var messagesReceived: Int
    /// Frames that could not be decoded (logged and skipped).
    public var decodeErrors: Int
    /// Reconciliations performed after reconnects.
    public var reconciliations: Int
    /// The fatal error that stopped the client, if any.
    public var fatalError: UserDataError?
}
