import BfxProtocol

/// Lets an authenticated client (the user-data client) run on a pooled connection of this layer:
/// after every (re)connect and `conf`, the connection asks `makeAuthRequest` for a freshly signed
/// `auth` request (new nonce each time), sends it, reports the answer and forwards channel-0 frames.
/// Public subscriptions on that connection are sent only after a successful auth.
public struct AuthenticationHook: Sendable {
    /// Returns the complete `auth` request text signed with a fresh nonce (for example
    /// `BfxSignature.wsAuth(credentials:nonce:).request.text` with a nonce from the nonce manager).
    /// Called once per socket; throwing closes the socket (reconnect with backoff).
    public var makeAuthRequest: @Sendable () async throws -> String
    /// Called with the server's answer to every auth request (OK or failure such as 10114).
    public var onAuthResult: @Sendable (AuthEvent) -> Void
    /// Called for every channel-0 frame (account data, notifications, `hb`), in order.
    public var onUserFrame: @Sendable (Frame) -> Void

    /// Creates a hook.
    public init(
        makeAuthRequest: @escaping @Sendable () async throws -> String,
        onAuthResult: @escaping @Sendable (AuthEvent) -> Void = { _ in },
        onUserFrame: @escaping @Sendable (Frame) -> Void
    ) {
        self.makeAuthRequest = makeAuthRequest
        self.onAuthResult = onAuthResult
        self.onUserFrame = onUserFrame
    }
}

/// A handle to an authenticated connection opened with ``BfxClient/openAuthenticatedConnection(_:)``.
public final class AuthenticatedConnection: Sendable {
    let slot: ConnectionSlot

    init(slot: ConnectionSlot) { self.slot = slot }

    /// The connection number (as in ``ClientSnapshot``).
    public var id: Int { slot.id }

    /// Sends a request text (for example an order input) if the connection is authenticated;
    /// returns `false` when it is not (the caller buffers or retries).
    @discardableResult
    public func send(_ text: String) async -> Bool {
        (try? await slot.eventLoop.submit { self.slot.sendIfAuthenticated(text) }.get()) ?? false
    }

    /// Whether the current socket is authenticated.
    public var isAuthenticated: Bool {
        get async { (try? await slot.eventLoop.submit { self.slot.isAuthenticated }.get()) ?? false }
    }

    /// Forces a reconnect (and so a re-auth with a fresh nonce).
    public func reconnect() { slot.reconnect(reason: .requested) }

    /// Closes the connection for good.
    public func close() async {
        try? await slot.stop(reason: .shutdown, finishSubscriptions: true).get()
    }
}
