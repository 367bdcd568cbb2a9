/// Opens connections to the authenticated endpoint for ``UserDataClient``.
///
/// The client only needs three things from a connection: send a text frame, read text frames
/// in order, close. Keeping that seam small lets the user-data logic (auth, correlation,
/// buffering, reconciliation) be tested against a scripted in-memory server, and lets it run
/// on whichever WebSocket implementation the process uses (see ADR 0014).
public protocol UserDataTransport: Sendable {
    /// Opens a new connection; throws when the connection cannot be established.
    func connect() async throws -> any UserDataConnection
}

/// One open connection to the authenticated endpoint.
public protocol UserDataConnection: Sendable {
    /// Text frames from the server in arrival order; finishes (or throws) when the connection closes.
    var frames: AsyncThrowingStream<String, any Error> { get }
    /// Writes one text frame; throws when the connection is closed.
    func send(_ text: String) async throws
    /// Closes the connection; `frames` finishes afterwards. Idempotent.
    func close() async
}
