import BfxProtocol

/// Lets an authenticated client (the user-data client) run on a pooled connection of this layer:
/// after every (re)connect and `conf`, the connection asks `makeAuthRequest` for a freshly signed
/// `auth` request (new nonce each time), sends it, reports the answer and forwards channel-0 frames.
/// Public subscriptions on that connection are sent only after a successful auth.
package struct AuthenticationHook: Sendable {
    /// Returns the complete `auth` request text signed with a fresh nonce (for example
    /// `BfxSignature.wsAuth(credentials:nonce:).request.text` with a nonce from the nonce manager).
    /// Called once per socket; throwing closes the socket (reconnect with backoff).
    package var makeAuthRequest: @Sendable () async throws -> String
    /// Called with the server's answer to every auth request (OK or failure such as 10114).
    package var onAuthResult: @Sendable (AuthEvent) -> Void
    /// Called for every channel-0 frame (account data, notifications, `hb`), in order.
    package var onUserFrame: @Sendable (Frame) -> Void
    /// Called with the code of every `info` event that carries one (20051 restart, 20060/20061
    /// maintenance), after the connection acted on it. Default: ignored.
    package var onInfo: @Sendable (Int) -> Void
    /// Called each time the socket closes (before the pool reconnects), so a consumer can treat
    /// inputs written afterwards as not sent. Default: ignored.
    package var onDisconnected: @Sendable () -> Void
    /// Called when the connection ends for good (its reconnect policy gave up, or it was
    /// stopped: client shutdown or ``AuthenticatedConnection/close()``), with the reason; no
    /// further socket follows (a later `close()` may call it again). Default: ignored.
    package var onStopped: @Sendable (StopReason) -> Void

    /// Why an authenticated connection ended for good.
    package enum StopReason: Sendable, Equatable, CustomStringConvertible {
        /// The reconnect policy gave up (attempts or time exhausted); the text says why.
        case reconnectGaveUp(String)
        /// The connection was stopped on purpose (client shutdown, `close()`); the text says how.
        case stopped(String)

        /// A log-friendly description.
        package var description: String {
            switch self {
            case .reconnectGaveUp(let why): "reconnect gave up: \(why)"
            case .stopped(let how): "connection stopped (\(how))"
            }
        }
    }

    /// Creates a hook.
    package init(
        makeAuthRequest: @escaping @Sendable () async throws -> String,
        onAuthResult: @escaping @Sendable (AuthEvent) -> Void = { _ in },
        onUserFrame: @escaping @Sendable (Frame) -> Void,
        onInfo: @escaping @Sendable (Int) -> Void = { _ in },
        onDisconnected: @escaping @Sendable () -> Void = {},
        onStopped: @escaping @Sendable (StopReason) -> Void = { _ in }
    ) {
        self.makeAuthRequest = makeAuthRequest
        self.onAuthResult = onAuthResult
        self.onUserFrame = onUserFrame
        self.onInfo = onInfo
        self.onDisconnected = onDisconnected
        self.onStopped = onStopped
    }
}

/// A handle to an authenticated connection opened with ``BfxClient/openAuthenticatedConnection(_:sharesPublicSubscriptions:)``.
package final class AuthenticatedConnection: Sendable {
    let supervisor: ConnectionSupervisor
    let release: @Sendable () -> Void

    init(supervisor: ConnectionSupervisor, release: @escaping @Sendable () -> Void = {}) {
        self.supervisor = supervisor
        self.release = release
    }

    /// The connection number (as in ``ClientSnapshot``).
    package var id: Int { supervisor.id }

    /// Sends a request text (for example an order input) if the connection is authenticated;
    /// returns `false` when it is not (the caller buffers or retries).
    @discardableResult
    package func send(_ text: String) async -> Bool {
        (try? await supervisor.eventLoop.submit { self.supervisor.sendIfAuthenticated(text) }.get()) ?? false
    }

    /// Whether the current socket is authenticated.
    package var isAuthenticated: Bool {
        get async { (try? await supervisor.eventLoop.submit { self.supervisor.isAuthenticated }.get()) ?? false }
    }

    /// Forces a reconnect (and so a re-auth with a fresh nonce).
    package func reconnect() { supervisor.reconnect(reason: .requested) }

    /// Closes the connection for good and removes it from the pool (public subscriptions it
    /// carried in shared mode end).
    package func close() async {
        try? await supervisor.stop(reason: .shutdown, finishSubscriptions: true).get()
        release()
    }
}
