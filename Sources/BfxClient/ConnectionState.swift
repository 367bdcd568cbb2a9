/// The lifecycle state of one pooled connection.
public enum ConnectionState: String, Sendable, Hashable, CaseIterable {
    /// Created, no attempt made yet.
    case idle
    /// Waiting for the rate limiter or opening TCP/TLS/WebSocket.
    case connecting
    /// Socket open, waiting for `info` and the `conf` acknowledgement.
    case handshaking
    /// Subscriptions are (being) established and data flows.
    case open
    /// The server announced maintenance (20060): books are stale, nothing is sent until 20061.
    case maintenance
    /// Lost; waiting for the backoff delay before the next attempt.
    case waitingToReconnect
    /// The reconnect policy gave up; subscriptions on it have failed.
    case failed
    /// Closed on purpose (no subscriptions left, or client shut down).
    case closed
}

/// Why a connection was closed by the client or found closed.
public enum CloseReason: String, Sendable, Hashable {
    /// The peer closed the socket or the network failed.
    case connectionLost
    /// No data (not even `hb`/`pong`) within the heartbeat timeout while TCP stayed up.
    case stalled
    /// The handshake (`info`, `conf`) did not finish in time.
    case handshakeTimeout
    /// The server asked clients to reconnect (info 20051).
    case serverRestart
    /// The server speaks an unsupported protocol version.
    case protocolVersion
    /// The `auth` request could not be built or the server rejected it.
    case authenticationFailed
    /// A user or operator asked for a reconnect.
    case requested
    /// No subscriptions left on the connection.
    case idle
    /// The client is shutting down.
    case shutdown
}
