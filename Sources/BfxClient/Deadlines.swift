/// The connection-level deadlines of one socket as a value type: the handshake timeout
/// (``BfxClientConfiguration/connectTimeout`` from the open until `conf`/`auth` complete), the
/// heartbeat watchdog (no inbound frame at all for ``BfxClientConfiguration/heartbeatTimeout``)
/// and the application-level `ping` every ``BfxClientConfiguration/pingInterval``.
///
/// It knows when the next deadline falls (``nextDue(in:)``), so the supervisor arms one timer for
/// exactly that instant instead of polling, and what is due at a given `now`
/// (``expire(at:in:)``). Time is always passed in; nothing here reads a clock.
struct Deadlines: Sendable {
    /// A deadline that has passed.
    enum Action: Equatable, Sendable {
        /// The handshake did not finish within the connect timeout (`after` since the open).
        case handshakeTimedOut(after: Duration)
        /// Nothing arrived (not even `hb`/`pong`) for `silentFor`: the socket is stalled.
        case stalled(silentFor: Duration)
        /// Time for an application-level `ping` with this `cid`.
        case sendPing(cid: Int)
    }

    /// Handshake budget from the socket open.
    let connectTimeout: Duration
    /// Longest silence tolerated on an open connection (and on each subscribed channel).
    let heartbeatTimeout: Duration
    /// Interval between application-level pings.
    let pingInterval: Duration

    /// When the current socket opened.
    private(set) var connectedAt: Duration = .zero
    /// When the last inbound frame arrived on the current socket (`nil`: none yet).
    private(set) var lastInboundAt: Duration?
    /// When the last `ping` went out (the open counts as one).
    private(set) var lastPingAt: Duration = .zero
    /// The `cid` of the last `ping`.
    private(set) var pingCid = 0

    /// Creates the deadlines for the configured timeouts.
    init(connectTimeout: Duration, heartbeatTimeout: Duration, pingInterval: Duration) {
        self.connectTimeout = connectTimeout
        self.heartbeatTimeout = heartbeatTimeout
        self.pingInterval = pingInterval
    }

    /// A socket opened at `now`: the handshake clock starts, the ping schedule restarts.
    mutating func socketOpened(at now: Duration) {
        connectedAt = now
        lastInboundAt = nil
        lastPingAt = now
    }

    /// A frame arrived at `now` (hot path: only moves the heartbeat deadline later).
    @inline(__always)
    mutating func inbound(at now: Duration) {
        lastInboundAt = now
    }

    /// The instant the next deadline falls in connection `state` (`nil`: none applies, e.g. no
    /// socket). Handshaking: the connect timeout. Open or in maintenance: the heartbeat watchdog
    /// or the next ping, whichever comes first.
    func nextDue(in state: ConnectionState) -> Duration? {
        switch state {
        case .handshaking:
            return connectedAt + connectTimeout
        case .open, .maintenance:
            return min((lastInboundAt ?? connectedAt) + heartbeatTimeout, lastPingAt + pingInterval)
        case .idle, .connecting, .waitingToReconnect, .failed, .closed:
            return nil
        }
    }

    /// What is due at `now` in `state`: a handshake timeout or a stall (both end the socket, so
    /// nothing else is checked), else a ping when its interval has passed (recorded as sent).
    mutating func expire(at now: Duration, in state: ConnectionState) -> Action? {
        switch state {
        case .handshaking:
            let elapsed = now - connectedAt
            return elapsed >= connectTimeout ? .handshakeTimedOut(after: elapsed) : nil
        case .open, .maintenance:
            let silent = now - (lastInboundAt ?? connectedAt)
            if silent >= heartbeatTimeout { return .stalled(silentFor: silent) }
            guard now - lastPingAt >= pingInterval else { return nil }
            lastPingAt = now
            pingCid += 1
            return .sendPing(cid: pingCid)
        case .idle, .connecting, .waitingToReconnect, .failed, .closed:
            return nil
        }
    }
}
