import BfxProtocol
import Synchronization

/// Shared mode (ADR 0019): the user-data client runs on one authenticated connection of a
/// ``BfxClient`` pool that also carries public subscriptions (ticker, trades, book, … on the
/// authenticated endpoint), so one socket serves both.
///
/// The pool owns the socket: it connects through the authenticated rate limiter, watches
/// liveness, reconnects under its reconnect policy and, after every reconnect, asks this
/// transport for a freshly signed `auth` request before resubscribing the public channels. Each
/// socket is presented to ``UserDataClient`` as one ``UserDataConnection``: the client's first
/// `send` on it is its `auth` frame (signed inside the nonce manager's serialized section, as in
/// separate mode), which this transport hands to the pool; the auth answer, channel-0 frames and
/// `info` codes come back already decoded; the connection ends when the socket closes. Order
/// correlation, outage buffering and reconciliation are therefore unchanged.
///
/// ```swift
/// let market = try BfxClient(configuration: .init(publicURL: url, authenticatedURL: url))
/// let shared = try SharedUserDataTransport(client: market)   // opens the shared connection
/// let account = UserDataClient(credentials: credentials,
///                              configuration: UserDataConfiguration(sharing: .shared),
///                              transport: shared, nonceManager: nonces)
/// try await account.start()
/// let ticker = try await market.subscribe(.ticker("tBTCUSD"))   // placed on the same socket
/// ```
///
/// Stopping the user-data client (or a fatal auth failure) closes the shared connection and
/// ends the public subscriptions it carried. When the pool's reconnect policy gives up on the
/// shared connection, or the pool is shut down, ``connect()`` throws (``UserDataError/notConnected``
/// or ``UserDataError/closed``) and the user-data client stops with that error.
public struct SharedUserDataTransport: UserDataTransport {
    let core: SharedAuthCore
    /// The pooled authenticated connection (its `id` is the connection
    /// number in ``BfxClient/snapshot()``).
    package let connection: AuthenticatedConnection

    /// Opens the shared authenticated connection in `client`'s pool (on
    /// ``BfxClientConfiguration/authenticatedURL``). Public subscriptions made on `client`
    /// afterwards are placed on it first, up to the per-connection limit.
    /// - Throws: `BfxClient.ClientError` when the client is shut down or the URL is invalid.
    public init(client: BfxClient) throws {
        let core = SharedAuthCore()
        let hook = AuthenticationHook(
            makeAuthRequest: { try await core.authRequested() },
            onAuthResult: { core.deliver(.event(.auth($0))) },
            onUserFrame: { core.deliver($0) },
            onInfo: { core.deliver(.event(.info(InfoEvent(code: BfxErrorCode(rawValue: $0))))) },
            onDisconnected: { core.socketClosed() },
            onStopped: { core.connectionEnded($0) })
        let connection = try client.openAuthenticatedConnection(hook, sharesPublicSubscriptions: true)
        core.attach(connection)
        self.core = core
        self.connection = connection
    }

    /// `.shared`.
    public var sharing: UserDataConfiguration.ConnectionSharing { .shared }
    /// The pool reconnects.
    public var reconnectsItself: Bool { true }

    /// Waits for the pool's next socket that asks for authentication.
    /// - Throws: ``UserDataError/notConnected`` once the pool gave up on the connection,
    ///   ``UserDataError/closed`` once it was stopped (``shutdown()``, `BfxClient.shutdown()`).
    public func connect() async throws -> any UserDataConnection {
        try await core.next()
    }

    /// Closes the shared connection for good.
    public func shutdown() async {
        core.shutdown()
        await connection.close()
    }
}

/// The state shared by the hook callbacks (event loop), the pool's auth task and the
/// user-data client's actor: which socket is current, its pending auth request and a waiting
/// `connect()`. Behind a `Mutex` because those three run on different executors; the lock is
/// never held across an await and continuations are resumed outside it.
final class SharedAuthCore: Sendable {
    private struct State {
        var connection: AuthenticatedConnection?
        /// The connection of the current socket (nil between sockets).
        var current: SharedUserDataConnection?
        /// `current` while no `connect()` has taken it yet.
        var offered: SharedUserDataConnection?
        /// The pool's `makeAuthRequest` waiting for the client's auth frame on `current`.
        var pendingAuth: (id: Int, continuation: CheckedContinuation<String, any Error>)?
        var waiter: (id: UInt64, continuation: CheckedContinuation<any UserDataConnection, any Error>)?
        var nextID = 0
        var nextWaiterID: UInt64 = 0
        var isShutdown = false
        /// Why no more sockets come: thrown by `connect()` (nil: ``UserDataError/closed``).
        var endError: UserDataError?
    }

    private let state = Mutex(State())

    func attach(_ connection: AuthenticatedConnection) {
        state.withLock { $0.connection = connection }
    }

    /// The pool opened a socket and wants its `auth` request: present the socket as a new
    /// connection and wait for the client's auth frame on it.
    func authRequested() async throws -> String {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
            let (refused, stale, staleAuth, handOff) = state.withLock { s
                -> (Bool, SharedUserDataConnection?, CheckedContinuation<String, any Error>?,
                    (CheckedContinuation<any UserDataConnection, any Error>, SharedUserDataConnection)?) in
                guard !s.isShutdown else { return (true, nil, nil, nil) }
                let stale = s.current
                let staleAuth = s.pendingAuth?.continuation
                s.nextID += 1
                let connection = SharedUserDataConnection(id: s.nextID, core: self)
                s.current = connection
                s.pendingAuth = (connection.id, continuation)
                if let waiter = s.waiter {
                    s.waiter = nil
                    s.offered = nil
                    return (false, stale, staleAuth, (waiter.continuation, connection))
                }
                s.offered = connection
                return (false, stale, staleAuth, nil)
            }
            if refused {
                continuation.resume(throwing: UserDataError.closed)
                return
            }
            stale?.finish()
            staleAuth?.resume(throwing: UserDataError.notConnected)
            if let (waiter, connection) = handOff { waiter.resume(returning: connection) }
        }
    }

    /// `connect()`: the offered connection, or the next one.
    func next() async throws -> any UserDataConnection {
        let id: UInt64 = state.withLock { s in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any UserDataConnection, any Error>) in
                enum Outcome { case ready(SharedUserDataConnection), closed(UserDataError), waiting(CheckedContinuation<any UserDataConnection, any Error>?) }
                let cancelled = Task.isCancelled
                let outcome = state.withLock { s -> Outcome in
                    if s.isShutdown || cancelled { return .closed(s.endError ?? .closed) }
                    if let offered = s.offered {
                        s.offered = nil
                        return .ready(offered)
                    }
                    let previous = s.waiter?.continuation
                    s.waiter = (id, continuation)
                    return .waiting(previous)
                }
                switch outcome {
                case let .ready(connection): continuation.resume(returning: connection)
                case let .closed(error): continuation.resume(throwing: cancelled ? CancellationError() : error)
                case let .waiting(previous): previous?.resume(throwing: UserDataError.closed)
                }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<any UserDataConnection, any Error>? in
                guard let waiter = s.waiter, waiter.id == id else { return nil }
                s.waiter = nil
                return waiter.continuation
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// A frame for the current socket's connection (called on the pool's event loop, in order).
    func deliver(_ frame: Frame) {
        state.withLock { s in
            _ = s.current?.continuation.yield(frame)
        }
    }

    /// The pool's socket closed: its connection ends; a pending auth request is abandoned.
    func socketClosed() {
        let (current, pending) = state.withLock { s in
            let taken = (s.current, s.pendingAuth?.continuation)
            s.current = nil
            s.offered = nil
            s.pendingAuth = nil
            return taken
        }
        current?.finish()
        pending?.resume(throwing: UserDataError.notConnected)
    }

    /// The client's `send` on connection `id`: its auth frame goes to the pool's pending auth
    /// request, anything else is written if the socket is still that connection's and authenticated.
    func send(_ text: String, on id: Int) async throws {
        enum Action { case auth(CheckedContinuation<String, any Error>), write(AuthenticatedConnection), closed }
        let action = state.withLock { s -> Action in
            guard s.current?.id == id else { return .closed }
            if let pending = s.pendingAuth, pending.id == id {
                s.pendingAuth = nil
                return .auth(pending.continuation)
            }
            guard let connection = s.connection else { return .closed }
            return .write(connection)
        }
        switch action {
        case let .auth(continuation):
            continuation.resume(returning: text)
        case let .write(connection):
            // `send` refuses when the socket is not authenticated: the auth of this socket
            // failed, or it closed (the pool's next socket can only authenticate through the
            // next connection, so an authenticated socket is always this connection's).
            guard await connection.send(text) else { throw UserDataError.notConnected }
        case .closed:
            throw UserDataError.notConnected
        }
    }

    /// The client closes connection `id` (stall, auth timeout, stop): the socket is replaced.
    func close(_ id: Int) {
        let (wasCurrent, pending, connection, closing) = state.withLock { s
            -> (Bool, CheckedContinuation<String, any Error>?, AuthenticatedConnection?, SharedUserDataConnection?) in
            guard let current = s.current, current.id == id else { return (false, nil, nil, nil) }
            s.current = nil
            if s.offered?.id == id { s.offered = nil }
            var pending: CheckedContinuation<String, any Error>?
            if let auth = s.pendingAuth, auth.id == id {
                pending = auth.continuation
                s.pendingAuth = nil
            }
            return (true, pending, s.isShutdown ? nil : s.connection, current)
        }
        closing?.finish()
        guard wasCurrent else { return }
        if let pending {
            // The pool closes the socket when its auth request fails, then reconnects.
            pending.resume(throwing: UserDataError.notConnected)
        } else {
            connection?.reconnect()
        }
    }

    /// The pool's connection ended for good (its reconnect policy gave up, or it was stopped,
    /// for example by `BfxClient.shutdown()`): a waiting or later `connect()` throws, so the
    /// user-data client stops as in separate mode — ``UserDataError/notConnected`` when the
    /// policy gave up, ``UserDataError/closed`` when the connection was stopped. A no-op after
    /// ``shutdown(with:)`` (the client's own stop closes the connection too).
    func connectionEnded(_ reason: AuthenticationHook.StopReason) {
        let error: UserDataError
        switch reason {
        case .reconnectGaveUp: error = .notConnected
        case .stopped: error = .closed
        }
        shutdown(with: error)
    }

    /// No more sockets are handed out; everything waiting is failed with `error`.
    func shutdown(with error: UserDataError = .closed) {
        let taken = state.withLock { s -> (CheckedContinuation<any UserDataConnection, any Error>?,
                                           CheckedContinuation<String, any Error>?, SharedUserDataConnection?)? in
            guard !s.isShutdown else { return nil }
            s.isShutdown = true
            s.endError = error
            let taken = (s.waiter?.continuation, s.pendingAuth?.continuation, s.current)
            s.waiter = nil
            s.pendingAuth = nil
            s.current = nil
            s.offered = nil
            return taken
        }
        guard let (waiter, pending, current) = taken else { return }
        waiter?.resume(throwing: error)
        pending?.resume(throwing: error)
        current?.finish()
    }
}

/// One socket of the shared connection as the user-data client sees it.
final class SharedUserDataConnection: UserDataConnection {
    let id: Int
    private let core: SharedAuthCore
    let continuation: AsyncThrowingStream<Frame, any Error>.Continuation
    private let stream: AsyncThrowingStream<Frame, any Error>

    init(id: Int, core: SharedAuthCore) {
        self.id = id
        self.core = core
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Frame.self, throwing: (any Error).self)
    }

    /// Unused: frames arrive decoded.
    var frames: AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { $0.finish() }
    }

    var decodedFrames: AsyncThrowingStream<Frame, any Error>? { stream }

    func send(_ text: String) async throws {
        try await core.send(text, on: id)
    }

    func close() async {
        core.close(id)
    }

    func finish() {
        continuation.finish()
    }
}
