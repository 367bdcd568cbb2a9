import BfxProtocol
import Logging
import NIOCore

/// One pooled connection for its whole life: it connects, handshakes (`info` → `conf`),
/// subscribes its assigned channels, routes their data, watches liveness, and reconnects with
/// backoff through the shared rate limiter — resubscribing everything with the original
/// parameters after each reconnect.
///
/// The decisions live in value-type state machines that take events and return actions:
/// ``ConnectionStateMachine`` (handshake, `info` codes, maintenance), one
/// ``SubscriptionStateMachine`` per channel (subscribe/unsubscribe retries, integrity resync),
/// ``Deadlines`` (handshake timeout, heartbeat watchdog, pings) and ``ReconnectBackoff``. This
/// class only performs their actions: it writes frames, closes sockets, arms timers on the
/// injected clock and emits events, metrics and logs.
///
/// Concurrency: all mutable state is confined to `eventLoop` (the loop every socket of this
/// supervisor is opened on). Entry points from other threads hop with `eventLoop.execute`/`submit`;
/// the reconnect loop and the timers are tasks that only touch state through such hops. That
/// makes the class safe to share, hence the `@unchecked Sendable`.
final class ConnectionSupervisor: @unchecked Sendable {
    /// How deadline timers are driven.
    enum TimerMode: Sendable {
        /// Each deadline is a timer on the injected clock, armed for exactly its due time.
        case clock
        /// No timers: the caller invokes ``checkLiveness()`` (handler tests on an
        /// `EmbeddedEventLoop`, which must not be entered from another thread).
        case manual
    }

    /// The connection number (as in ``ClientSnapshot``).
    let id: Int
    /// The loop every socket of this supervisor is opened on, and its state confined to.
    let eventLoop: any EventLoop
    let url: WebSocketURL
    let environment: ClientEnvironment
    let limiter: ConnectionRateLimiter
    let timerMode: TimerMode
    var logger: Logger
    /// Authenticated connections only (see ``AuthenticationHook``).
    let authHook: AuthenticationHook?

    // MARK: event-loop confined state (internal only for the extension files)
    var connection: ConnectionStateMachine
    var deadlines: Deadlines
    var channel: (any Channel)?
    var generation = 0
    var pendingCloseReason: CloseReason?
    private(set) var lastCloseReason: CloseReason?
    var stopRequested = false
    var members: [SubscriptionID: ChannelState] = [:]
    var memberOrder: [SubscriptionID] = []
    var byChanId: [Int: ChannelState] = [:]
    var lastSeq: Int64?
    var messages = 0
    private var messagesFlushed = 0
    private(set) var opens = 0
    private var reconnectLoop: Task<Void, Never>?
    /// The armed deadline timer: its due instant, the token that identifies it, its task.
    private var deadlineTimer: (due: Duration, token: Int, task: Task<Void, Never>)?
    private var deadlineToken = 0

    /// Creates an idle supervisor; ``start()`` begins connecting. `timerMode` is `.manual` only
    /// in handler tests.
    init(id: Int, eventLoop: any EventLoop, url: WebSocketURL, environment: ClientEnvironment, limiter: ConnectionRateLimiter,
         authHook: AuthenticationHook? = nil, timerMode: TimerMode = .clock) {
        self.authHook = authHook
        self.id = id
        self.eventLoop = eventLoop
        self.url = url
        self.environment = environment
        self.limiter = limiter
        self.timerMode = timerMode
        let configuration = environment.configuration
        self.connection = ConnectionStateMachine(
            requiresAuthentication: authHook != nil, pipelinesSubscribes: configuration.pipelineSubscribes
        )
        self.deadlines = Deadlines(
            connectTimeout: configuration.connectTimeout, heartbeatTimeout: configuration.heartbeatTimeout,
            pingInterval: configuration.pingInterval
        )
        var logger = environment.logger
        logger[metadataKey: "bfx.connection"] = "\(id)"
        self.logger = logger
    }

    var configuration: BfxClientConfiguration { environment.configuration }
    var now: Duration { environment.clock.now() }
    /// The connection state (see ``ConnectionStateMachine``).
    var state: ConnectionState { connection.state }
    /// Whether the current socket passed `auth`.
    var isAuthenticated: Bool { connection.isAuthenticated }

    // MARK: - lifecycle (any thread)

    /// Starts the reconnect loop (connect, wait for close, back off, reconnect).
    func start() {
        eventLoop.execute { [self] in
            guard reconnectLoop == nil, !stopRequested else { return }
            reconnectLoop = Task { await self.supervise() }
        }
    }

    /// Stops for good: closes the socket, ends the loops. With `finishSubscriptions` the members'
    /// event streams end too (client shutdown).
    func stop(reason: CloseReason, finishSubscriptions: Bool) -> EventLoopFuture<Void> {
        eventLoop.submit { [self] in
            stopRequested = true
            authHook?.onStopped(.stopped(reason.rawValue))
            reconnectLoop?.cancel()
            cancelDeadlineTimer()
            if let channel {
                pendingCloseReason = reason
                channel.close(promise: nil)
            }
            setState(.closed)
            if finishSubscriptions {
                for member in members.values {
                    member.core.setLive(false)
                    member.core.buffer.finish()
                }
            }
        }
    }

    /// Forces a reconnect (operator command or test).
    func reconnect(reason: CloseReason = .requested) {
        eventLoop.execute { [self] in close(reason: reason) }
    }

    // MARK: - membership (any thread)

    /// Assigns a subscription to this connection; it is subscribed as soon as the connection is ready.
    func add(_ core: SubscriptionCore) {
        eventLoop.execute { [self] in
            let member = ChannelState(core: core, retryPolicy: configuration.subscribeRetry, checksumPolicy: configuration.checksumPolicy)
            member.staleSince = now
            members[core.id] = member
            memberOrder.append(core.id)
            if connection.canSubscribe {
                sendSubscribe(member)
                channel?.flush()
            }
        }
    }

    /// Removes a subscription: sends `unsubscribe` if it is subscribed and ends its events.
    func remove(_ id: SubscriptionID) -> EventLoopFuture<Void> {
        eventLoop.submit { [self] in
            guard let member = members[id] else { return }
            member.removalRequested = true
            member.core.setLive(false)
            member.core.buffer.finish()
            if let channel, case .sendUnsubscribe(let chanId) = member.machine.remove(connectionOpen: state == .open) {
                channel.writeAndFlush(Requests.unsubscribe(chanId: chanId, allocator: channel.allocator), promise: nil)
                // Forget it now; the `unsubscribed` for this chanId is simply ignored.
                byChanId[chanId] = nil
            }
            members[id] = nil
            memberOrder.removeAll { $0 == id }
        }
    }

    // MARK: - reconnect loop

    /// The reconnect loop: acquire the rate limiter, connect, attach, wait for the close, back
    /// off (``ReconnectBackoff``) and reconnect, until stopped or the policy gives up.
    private func supervise() async {
        var backoff = ReconnectBackoff(policy: configuration.reconnect)
        var immediate = false
        var outageStart: Duration?
        // Bounded by cancellation, stop() and the policy's give-up rule.
        while !Task.isCancelled {
            // One hop each: check for stop and move on (the reconnect path is latency-critical).
            let stopped = (try? await onLoop { supervisor -> Bool in
                if supervisor.stopRequested { return true }
                supervisor.setState(.connecting)
                return false
            }) ?? true
            if stopped { break }
            do {
                let waited = try await limiter.acquire()
                if waited > .zero { environment.metrics.rateLimitWaits.increment() }
            } catch { break }
            let next = (try? await onLoop { supervisor -> Int? in
                if supervisor.stopRequested { return nil }
                supervisor.generation += 1
                return supervisor.generation
            }) ?? nil
            guard let generation = next else { break }
            do {
                let channel = try await environment.connector.connect(to: url, on: eventLoop) { [self] channel in
                    try channel.pipeline.syncOperations.addHandler(BfxFrameDecoderHandler())
                    try channel.pipeline.syncOperations.addHandler(ConnectionRouterHandler(supervisor: self, generation: generation))
                }
                let attached = (try? await onLoop { $0.attach(channel, generation: generation) }) ?? false
                if !attached {
                    channel.close(promise: nil)
                    break
                }
                backoff.connectionOpened(at: now)
                if let start = outageStart {
                    let outage = now - start
                    environment.metrics.reconnectDuration.recordNanoseconds(
                        Int64(clamping: outage.components.seconds &* 1_000_000_000 &+ outage.components.attoseconds / 1_000_000_000)
                    )
                    outageStart = nil
                }
                try? await channel.closeFuture.get()
                let reason = (try? await onLoop { $0.detach(generation: generation) }) ?? .connectionLost
                backoff.connectionClosed(at: now)
                outageStart = now
                immediate = reason == .serverRestart || reason == .requested
                if (try? await onLoop({ $0.stopRequested })) ?? true { break }
            } catch {
                backoff.attemptFailed(at: now)
                if outageStart == nil { outageStart = now }
                environment.metrics.connectFailures.increment()
                logger.warning("connect failed", metadata: ["error": "\(error)", "url": "\(url)"])
            }
            switch environment.nextDecision(&backoff, immediate: immediate) {
            case .retry(let delay, let attempt):
                immediate = false
                environment.metrics.reconnects.increment()
                environment.count { $0.reconnects += 1 }
                environment.emit(.reconnectScheduled(connection: id, attempt: attempt, delay: delay))
                logger.info("reconnect scheduled", metadata: ["attempt": "\(attempt)", "delay": "\(delay)"])
                await onLoopVoid { $0.setState(.waitingToReconnect) }
                if delay > .zero {
                    do { try await environment.clock.sleep(for: delay) } catch { break }
                }
            case .giveUp(let reason):
                environment.metrics.giveUps.increment()
                environment.count { $0.giveUps += 1 }
                logger.error("reconnect gave up", metadata: ["reason": "\(reason)"])
                environment.emit(.gaveUp(connection: id, reason: reason))
                authHook?.onStopped(.reconnectGaveUp("\(reason)"))
                await onLoopVoid { $0.failAll(SubscriptionError(code: 0, message: "reconnect gave up: \(reason)")) }
                return
            }
        }
    }

    /// Runs `body` on the event loop and returns its result.
    private func onLoop<T: Sendable>(_ body: @escaping @Sendable (ConnectionSupervisor) -> T) async throws -> T {
        try await eventLoop.submit { body(self) }.get()
    }

    /// Runs `body` on the event loop and waits for it.
    private func onLoopVoid(_ body: @escaping @Sendable (ConnectionSupervisor) -> Void) async {
        _ = try? await eventLoop.submit { body(self) }.get()
    }

    // MARK: - deadlines (event loop)

    /// The instant the earliest deadline of the current socket falls: the connection's own
    /// (``Deadlines``) and, while open, every channel's liveness deadline.
    func nextDeadline() -> Duration? {
        guard var due = deadlines.nextDue(in: state) else { return nil }
        if state == .open {
            let timeout = configuration.heartbeatTimeout
            for member in members.values {
                if let memberDue = member.machine.stallDeadline(lastActivity: member.lastActivity, timeout: timeout) {
                    due = min(due, memberDue)
                }
            }
        }
        return due
    }

    /// Makes sure a timer is armed for the earliest deadline. A timer armed for an earlier or equal
    /// instant is kept: deadlines only move later between re-arms (inbound data), and the timer
    /// re-arms itself after it fired. Called after every event that can bring a deadline forward.
    func rearmDeadlines() {
        guard timerMode == .clock, channel != nil, !stopRequested, pendingCloseReason == nil, let due = nextDeadline() else {
            cancelDeadlineTimer()
            return
        }
        if let armed = deadlineTimer, armed.due <= due { return }
        deadlineTimer?.task.cancel()
        deadlineToken &+= 1
        let token = deadlineToken
        // A deadline already passed fires on the next tick (never a busy loop: `checkLiveness`
        // acts on every passed deadline, which moves it or closes the socket).
        let delay = max(due - now, .zero)
        let loop = eventLoop
        let clock = environment.clock
        let task = Task { [weak self] in
            do { try await clock.sleep(for: delay) } catch { return }
            // Strong only for the hop; a deallocated supervisor drops the timer.
            let supervisor = self
            loop.execute { supervisor?.deadlineTimerFired(token: token) }
        }
        deadlineTimer = (due, token, task)
    }

    /// Cancels the armed deadline timer (socket gone or stopped).
    private func cancelDeadlineTimer() {
        deadlineTimer?.task.cancel()
        deadlineTimer = nil
    }

    /// The deadline timer `token` fired: act on what is due, arm the next one.
    private func deadlineTimerFired(token: Int) {
        guard deadlineTimer?.token == token else { return }
        deadlineTimer = nil
        checkLiveness()
        rearmDeadlines()
    }

    /// Acts on every deadline that has passed: handshake timeout, stall, ping, channel stalls;
    /// flushes the message metric. Run by the deadline timer (or by tests in `.manual` mode).
    func checkLiveness() {
        flushMessageMetric()
        guard let channel, !stopRequested else { return }
        let now = self.now
        switch deadlines.expire(at: now, in: state) {
        case .handshakeTimedOut(let after):
            logger.warning("handshake timed out", metadata: ["after": "\(after)"])
            close(reason: .handshakeTimeout)
            return
        case .stalled(let silent):
            logger.warning("connection stalled: no data", metadata: ["silentFor": "\(silent)"])
            environment.metrics.stalls.increment()
            environment.count { $0.stalls += 1 }
            close(reason: .stalled)
            return
        case .sendPing(let cid):
            channel.writeAndFlush(Requests.ping(cid: cid, allocator: channel.allocator), promise: nil)
        case nil:
            break
        }
        guard state == .open else { return }
        let timeout = configuration.heartbeatTimeout
        var resynced = false
        for sid in memberOrder {
            guard let member = members[sid] else { continue }
            switch member.machine.stallVerdict(now: now, lastActivity: member.lastActivity, timeout: timeout) {
            case .healthy:
                break
            case .resync(let quiet):
                environment.count { $0.channelStalls += 1 }
                report(.channelStalled(silentFor: quiet), member: member)
                resync(member)
                resynced = true
            case .replaceSocket:
                logger.warning("subscription request unanswered; reconnecting", metadata: ["channel": "\(member.spec)"])
                close(reason: .stalled)
                return
            }
        }
        if resynced { channel.flush() }
    }

    /// Adds the messages counted since the last flush to the metric (kept off the hot path).
    private func flushMessageMetric() {
        let delta = messages - messagesFlushed
        if delta > 0 {
            environment.metrics.messages.increment(by: Int64(delta))
            messagesFlushed = messages
        }
    }

    // MARK: - connection events (event loop)

    /// Moves the connection machine to `new`; emits the change and re-arms the deadlines.
    func setState(_ new: ConnectionState) {
        let old = state
        guard connection.transition(to: new) else { return }
        stateChanged(from: old)
    }

    /// Reports a state change made by the connection machine (log, client event, deadlines).
    func stateChanged(from old: ConnectionState) {
        guard state != old else { return }
        logger.debug("state", metadata: ["from": "\(old.rawValue)", "to": "\(state.rawValue)"])
        environment.emit(.connectionState(connection: id, state: state))
        rearmDeadlines()
    }

    /// A socket opened for `generation`: start its handshake and deadlines. `false` when it is
    /// stale (stopped meanwhile or superseded).
    func attach(_ channel: any Channel, generation: Int) -> Bool {
        guard !stopRequested, generation == self.generation else { return false }
        self.channel = channel
        opens += 1
        deadlines.socketOpened(at: now)
        lastSeq = nil
        pendingCloseReason = nil
        byChanId.removeAll(keepingCapacity: true)
        environment.metrics.connectionOpens.increment()
        environment.metrics.openConnections.record(1)
        logger.info("connected", metadata: ["url": "\(url)", "opens": "\(opens)"])
        let old = state
        let action = connection.socketOpened()
        stateChanged(from: old)
        perform(action)
        rearmDeadlines()
        return true
    }

    /// The socket closed; everything subscribed becomes pending (stale) until resubscribed.
    func detach(generation: Int) -> CloseReason {
        let reason = pendingCloseReason ?? .connectionLost
        guard generation == self.generation else { return reason }
        channel = nil
        cancelDeadlineTimer()
        connection.socketClosed()
        lastCloseReason = reason
        pendingCloseReason = nil
        byChanId.removeAll(keepingCapacity: true)
        flushMessageMetric()
        environment.metrics.closes.increment()
        environment.emit(.connectionClosed(connection: id, reason: reason))
        logger.info("connection closed", metadata: ["reason": "\(reason.rawValue)"])
        authHook?.onDisconnected()
        let now = self.now
        for sid in memberOrder {
            guard let member = members[sid], member.phase != .failed else { continue }
            let wasLive = member.machine.socketClosed()
            if wasLive || member.staleSince == nil {
                member.staleSince = member.staleSince ?? now
                member.core.setLive(false)
                member.core.emit(.stale(.disconnected))
            }
        }
        return reason
    }

    /// Closes the current socket for `reason` (the reconnect loop reconnects).
    func close(reason: CloseReason) {
        guard let channel else { return }
        if pendingCloseReason == nil { pendingCloseReason = reason }
        environment.emit(.connectionClosed(connection: id, reason: reason))
        channel.close(promise: nil)
    }

    /// The reconnect policy gave up: the connection and every subscription on it fail.
    private func failAll(_ error: SubscriptionError) {
        setState(.failed)
        for sid in memberOrder {
            guard let member = members[sid] else { continue }
            member.machine.connectionFailed()
            member.lastError = error
            member.core.setLive(false)
            member.core.emit(.failed(error))
            member.core.buffer.finish()
            environment.emit(.subscriptionFailed(member.id, member.spec, error))
        }
    }

    // MARK: - status

    /// The connection's and its channels' status for ``ClientSnapshot``.
    func status() -> (ConnectionStatus, [ChannelStatus]) {
        let now = self.now
        var live = 0
        var channels: [ChannelStatus] = []
        for sid in memberOrder {
            guard let m = members[sid] else { continue }
            if m.isLive { live += 1 }
            let stats = m.core.buffer.stats
            channels.append(ChannelStatus(
                subscription: m.id, channel: m.spec, connection: id, chanId: m.chanId,
                phase: Self.phaseName(m.phase), messages: m.messages,
                lastMessageAge: m.messages > 0 ? now - m.lastActivity : nil,
                subscribeRequests: m.subscribeRequests, checksumsVerified: m.checksumsVerified,
                checksumMismatches: m.checksumMismatches,
                checksumMismatchesObserved: m.checksumMismatchesObserved, sequenceGaps: m.sequenceGaps, resyncs: m.resyncs,
                bufferDepth: stats.depth, coalesced: stats.coalesced
            ))
        }
        let summary = ConnectionStatus(
            id: id, state: state, url: url.description, subscriptions: members.count, liveSubscriptions: live,
            lastMessageAge: deadlines.lastInboundAt.map { now - $0 }, messages: messages, opens: opens,
            lastCloseReason: lastCloseReason
        )
        return (summary, channels)
    }

    /// The name of a channel phase in status output.
    static func phaseName(_ phase: ChannelState.Phase) -> String {
        switch phase {
        case .pending: "pending"
        case .subscribing: "subscribing"
        case .awaitingSnapshot: "awaitingSnapshot"
        case .live: "live"
        case .unsubscribing: "unsubscribing"
        case .failed: "failed"
        }
    }

    /// How many subscriptions are assigned to this connection.
    var memberCount: Int { members.count }
}
