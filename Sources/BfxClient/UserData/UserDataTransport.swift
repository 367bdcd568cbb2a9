import BfxProtocol

/// Opens connections to the authenticated endpoint for ``UserDataClient``.
///
/// The client only needs three things from a connection: send a text frame, read frames in
/// order, close. Keeping that seam small lets the user-data logic (auth, correlation,
/// buffering, reconciliation) be tested against a scripted in-memory server, and lets it run
/// on whichever WebSocket implementation the process uses (see ADR 0014), including a pooled
/// connection of ``BfxClient`` shared with market data (``SharedUserDataTransport``, ADR 0019).
public protocol UserDataTransport: Sendable {
    /// Opens a new connection; throws when the connection cannot be established.
    func connect() async throws -> any UserDataConnection
    /// Whether the connections also carry market data (must match
    /// ``UserDataConfiguration/sharing``). Default: `.separate`.
    var sharing: UserDataConfiguration.ConnectionSharing { get }
    /// `true` when the transport reconnects by itself (the pool's reconnect policy governs) and
    /// `connect()` simply waits for its next socket; the client then adds no backoff of its own.
    /// Default: `false`.
    var reconnectsItself: Bool { get }
    /// Releases what the transport holds (called once by ``UserDataClient/stop()`` and when the
    /// client stops for a fatal error). Default: nothing.
    func shutdown() async
}

extension UserDataTransport {
    /// Separate connections.
    public var sharing: UserDataConfiguration.ConnectionSharing { .separate }
    /// The client reconnects.
    public var reconnectsItself: Bool { false }
    /// Nothing to release.
    public func shutdown() async {}
}

/// One open connection to the authenticated endpoint.
public protocol UserDataConnection: Sendable {
    /// Text frames from the server in arrival order; finishes (or throws) when the connection closes.
    var frames: AsyncThrowingStream<String, any Error> { get }
    /// Frames already decoded by the transport (a shared connection's pipeline decodes them for
    /// routing); when non-nil the client reads these instead of ``frames``. Default: nil.
    var decodedFrames: AsyncThrowingStream<Frame, any Error>? { get }
    /// Writes one text frame; throws when the connection is closed.
    func send(_ text: String) async throws
    /// Closes the connection; `frames` finishes afterwards. Idempotent.
    func close() async
}

extension UserDataConnection {
    /// Text frames only.
    public var decodedFrames: AsyncThrowingStream<Frame, any Error>? { nil }
}

/// One inbound item of a ``UserDataConnection``: raw text or an already decoded frame.
enum UserDataInbound: Sendable {
    case text(String)
    case frame(Frame)
}

/// Reads a connection's ``UserDataConnection/decodedFrames`` when present, else its text frames.
struct UserDataInboundIterator {
    private var text: AsyncThrowingStream<String, any Error>.Iterator?
    private var decoded: AsyncThrowingStream<Frame, any Error>.Iterator?

    init(_ connection: any UserDataConnection) {
        if let decoded = connection.decodedFrames {
            self.decoded = decoded.makeAsyncIterator()
        } else {
            self.text = connection.frames.makeAsyncIterator()
        }
    }

    mutating func next(isolation actor: isolated (any Actor)? = #isolation) async throws -> UserDataInbound? {
        if var iterator = decoded {
            let frame = try await iterator.next(isolation: actor)
            decoded = iterator
            return frame.map(UserDataInbound.frame)
        }
        if var iterator = text {
            let string = try await iterator.next(isolation: actor)
            text = iterator
            return string.map(UserDataInbound.text)
        }
        return nil
    }
}
