/// The lifecycle of one pooled connection as a value type: connect → handshake (`conf` written at
/// once, `info` checked, `conf` acknowledged, optionally `auth`) → open → subscribes, plus the
/// server's `info` codes (20051 restart, 20060/20061 maintenance, platform status 0, protocol
/// version). It takes events and returns the ``Action`` the ``ConnectionSupervisor`` performs;
/// no sockets, clocks or actors inside.
///
/// `info` events are classified by the shared ``ServerInfoAction/classify(version:platformStatus:code:)``
/// so this path and the user-data client never disagree about a code.
struct ConnectionStateMachine: Sendable {
    /// What the supervisor must do after an event.
    enum Action: Equatable, Sendable {
        /// Nothing.
        case none
        /// A socket just opened: write the `conf` with the complete flag set; with
        /// `pipelineSubscribes` write every pending `subscribe` right behind it (ADR 0018); flush.
        case sendConf(pipelineSubscribes: Bool)
        /// `conf` acknowledged on an authenticated connection: send a freshly signed `auth`.
        case authenticate
        /// The connection is ready: subscribe every pending channel.
        case subscribePending
        /// Info 20051: count it, report it and close for an immediate reconnect.
        case reconnectNow
        /// Info 20060 or platform status 0: mark every channel stale, send nothing.
        case enterMaintenance
        /// Info 20061 after 20060: resubscribe every channel when `resubscribe` (conf acknowledged).
        case leaveMaintenance(resubscribe: Bool)
        /// The server speaks another protocol version: close (``CloseReason/protocolVersion``).
        case unsupportedVersion(Int)
        /// Close the socket for `reason` (authentication failure).
        case close(CloseReason)
        /// An `info` code that needs no action: log it.
        case logInfo(code: Int)
    }

    /// Authenticated connections wait for `auth` before subscribing.
    let requiresAuthentication: Bool
    /// Public connections pipeline their subscribes behind the `conf` (ADR 0018).
    let pipelinesSubscribes: Bool
    /// The current state; ``ConnectionState/closed`` is final.
    private(set) var state: ConnectionState = .idle
    /// The server acknowledged the `conf` on the current socket.
    private(set) var confAcknowledged = false
    /// The current socket passed `auth`.
    private(set) var isAuthenticated = false

    /// Creates an idle machine.
    init(requiresAuthentication: Bool, pipelinesSubscribes: Bool) {
        self.requiresAuthentication = requiresAuthentication
        self.pipelinesSubscribes = pipelinesSubscribes
    }

    /// Subscribes may be sent now (open, configured; authenticated when required).
    var canSubscribe: Bool { state == .open && confAcknowledged }

    /// Moves to `new` unless the machine was closed for good; returns whether the state changed.
    @discardableResult
    mutating func transition(to new: ConnectionState) -> Bool {
        guard new != state, state != .closed || new == .closed else { return false }
        state = new
        return true
    }

    /// A socket opened: handshake. The `conf` goes out first, not gated on `info` (that frame
    /// races the upgrade response and carries nothing needed before configuring).
    mutating func socketOpened() -> Action {
        confAcknowledged = false
        isAuthenticated = false
        transition(to: .handshaking)
        return .sendConf(pipelineSubscribes: !requiresAuthentication && pipelinesSubscribes)
    }

    /// The server answered the `conf` (a rejection only loses the integrity flags, so it is
    /// treated as an acknowledgement): authenticate, or open and subscribe.
    mutating func confReceived() -> Action {
        confAcknowledged = true
        if requiresAuthentication && !isAuthenticated { return .authenticate }
        if state == .handshaking { transition(to: .open) }
        return .subscribePending
    }

    /// The server answered `auth`: open and subscribe, or close.
    mutating func authReceived(ok: Bool) -> Action {
        guard ok else { return .close(.authenticationFailed) }
        isAuthenticated = true
        if state == .handshaking { transition(to: .open) }
        return .subscribePending
    }

    /// An `info` event arrived (classified by ``ServerInfoAction``).
    mutating func infoReceived(version: Int?, platformStatus: Int?, code: Int?) -> Action {
        switch ServerInfoAction.classify(version: version, platformStatus: platformStatus, code: code) {
        case .proceed:
            return .none
        case .reconnectNow:
            return .reconnectNow
        case .enterMaintenance:
            transition(to: .maintenance)
            return .enterMaintenance
        case .leaveMaintenance:
            guard state == .maintenance else { return .none }
            transition(to: .open)
            return .leaveMaintenance(resubscribe: confAcknowledged)
        case .unsupportedVersion(let version):
            return .unsupportedVersion(version)
        case .ignore(let code):
            return .logInfo(code: code)
        }
    }

    /// The socket closed: the next one starts its handshake from scratch.
    mutating func socketClosed() {
        confAcknowledged = false
        isAuthenticated = false
    }
}
