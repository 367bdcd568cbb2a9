import BfxProtocol
import Logging
import NIOCore

/// One pooled connection for its whole life: it connects, handshakes (`info` → `conf`),
/// subscribes its assigned channels, routes their data, watches liveness, and reconnects with
/// backoff through the shared rate limiter — resubscribing everything with the original
/// parameters after each reconnect.
///
/// Concurrency: all mutable state is confined to `eventLoop` (the loop every socket of this supervisor
/// is opened on). Entry points from other threads hop with `eventLoop.execute`/`submit`; the
/// reconnect loop and watchdog are tasks that only touch state through such hops. That makes the
/// class safe to share, hence the `@unchecked Sendable`.
final class ConnectionSupervisor: @unchecked Sendable {
    let id: Int
    let eventLoop: any EventLoop
    let url: WebSocketURL
    let environment: ClientEnvironment
    private let limiter: ConnectionRateLimiter
    private var logger: Logger

    // MARK: event-loop confined state
    private(set) var state: ConnectionState = .idle
    private var channel: (any Channel)?
    private var generation = 0
    private var pendingCloseReason: CloseReason?
    private(set) var lastCloseReason: CloseReason?
    private var stopRequested = false
    private var members: [SubscriptionID: ChannelState] = [:]
    private var memberOrder: [SubscriptionID] = []
    private var byChanId: [Int: ChannelState] = [:]
    private var connectedAt: Duration = .zero
    private var lastInboundAt: Duration?
    private var lastPingAt: Duration = .zero
    private var pingCid = 0
    private var lastSeq: Int64?
    private var confAcknowledged = false
    private var messages = 0
    private var messagesFlushed = 0
    private(set) var opens = 0
    private var reconnectLoop: Task<Void, Never>?
    private var watchdog: Task<Void, Never>?
    /// Authenticated connections only (see ``AuthenticationHook``).
    let authHook: AuthenticationHook?
    private(set) var isAuthenticated = false

    init(id: Int, eventLoop: any EventLoop, url: WebSocketURL, environment: ClientEnvironment, limiter: ConnectionRateLimiter,
         authHook: AuthenticationHook? = nil) {
        self.authHook = authHook
        self.id = id
        self.eventLoop = eventLoop
        self.url = url
        self.environment = environment
        self.limiter = limiter
        var logger = environment.logger
        logger[metadataKey: "bfx.connection"] = "\(id)"
        self.logger = logger
    }

    private var configuration: BfxClientConfiguration { environment.configuration }
    private var now: Duration { environment.clock.now() }

    // MARK: - lifecycle (any thread)

    /// Starts the supervisor (connect/reconnect loop) and the liveness watchdog.
    func start() {
        eventLoop.execute { [self] in
            guard reconnectLoop == nil, !stopRequested else { return }
            reconnectLoop = Task { await self.supervise() }
            watchdog = Task { await self.watch() }
        }
    }

    /// Stops for good: closes the socket, ends the loops. With `finishSubscriptions` the members'
    /// event streams end too (client shutdown).
    func stop(reason: CloseReason, finishSubscriptions: Bool) -> EventLoopFuture<Void> {
        eventLoop.submit { [self] in
            stopRequested = true
            authHook?.onStopped(.stopped(reason.rawValue))
            reconnectLoop?.cancel()
            watchdog?.cancel()
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
            let member = ChannelState(core: core)
            member.staleSince = now
            members[core.id] = member
            memberOrder.append(core.id)
            if state == .open && confAcknowledged {
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
            if let chanId = member.chanId, state == .open, let channel {
                member.phase = .unsubscribing(thenResubscribe: false)
                channel.writeAndFlush(Requests.unsubscribe(chanId: chanId, allocator: channel.allocator), promise: nil)
                // Forget it now; the `unsubscribed` for this chanId is simply ignored.
                byChanId[chanId] = nil
            }
            members[id] = nil
            memberOrder.removeAll { $0 == id }
        }
    }

    // MARK: - supervisor

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
                    environment.metrics.reconnectDuration.recordNanoseconds(Int64(clamping: (now - start).components.seconds &* 1_000_000_000 &+ (now - start).components.attoseconds / 1_000_000_000))
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

    private func onLoop<T: Sendable>(_ body: @escaping @Sendable (ConnectionSupervisor) -> T) async throws -> T {
        try await eventLoop.submit { body(self) }.get()
    }

    private func onLoopVoid(_ body: @escaping @Sendable (ConnectionSupervisor) -> Void) async {
        _ = try? await eventLoop.submit { body(self) }.get()
    }

    // MARK: - watchdog

    private func watch() async {
        let tick = max(.milliseconds(10), min(configuration.heartbeatTimeout / 4, configuration.pingInterval))
        // Bounded by cancellation (stop()).
        while !Task.isCancelled {
            do { try await environment.clock.sleep(for: tick) } catch { return }
            let stopped = (try? await onLoop { supervisor -> Bool in
                supervisor.checkLiveness()
                return supervisor.stopRequested
            }) ?? true
            if stopped { return }
        }
    }

    /// Called on every watchdog tick (event loop): stall detection, pings, metric flushes.
    func checkLiveness() {
        flushMessageMetric()
        guard let channel, !stopRequested else { return }
        let now = self.now
        let timeout = configuration.heartbeatTimeout
        switch state {
        case .handshaking:
            if now - connectedAt >= configuration.connectTimeout {
                logger.warning("handshake timed out", metadata: ["after": "\(now - connectedAt)"])
                close(reason: .handshakeTimeout)
            }
            return
        case .open, .maintenance:
            break
        default:
            return
        }
        let silent = now - (lastInboundAt ?? connectedAt)
        if silent >= timeout {
            logger.warning("connection stalled: no data", metadata: ["silentFor": "\(silent)"])
            environment.metrics.stalls.increment()
            environment.count { $0.stalls += 1 }
            close(reason: .stalled)
            return
        }
        if now - lastPingAt >= configuration.pingInterval {
            lastPingAt = now
            pingCid += 1
            channel.writeAndFlush(Requests.ping(cid: pingCid, allocator: channel.allocator), promise: nil)
        }
        guard state == .open else { return }
        var resynced = false
        for sid in memberOrder {
            guard let member = members[sid] else { continue }
            let quiet = now - member.lastActivity
            switch member.phase {
            case .live, .awaitingSnapshot:
                if quiet >= timeout {
                    environment.count { $0.channelStalls += 1 }
                    report(.channelStalled(silentFor: quiet), member: member)
                    resync(member)
                    resynced = true
                }
            case .subscribing, .unsubscribing:
                // A request the server never answered: only a new socket clears that up. (An
                // unsubscribe waiting for its retry timer was answered; the timer resends it.)
                if quiet >= timeout, !member.awaitingRetry {
                    logger.warning("subscription request unanswered; reconnecting", metadata: ["channel": "\(member.spec)"])
                    close(reason: .stalled)
                    return
                }
            case .pending, .failed:
                break
            }
        }
        if resynced { channel.flush() }
    }

    private func flushMessageMetric() {
        let delta = messages - messagesFlushed
        if delta > 0 {
            environment.metrics.messages.increment(by: Int64(delta))
            messagesFlushed = messages
        }
    }

    // MARK: - connection events (event loop)

    private func setState(_ new: ConnectionState) {
        guard new != state else { return }
        if state == .closed && new != .closed { return }
        logger.debug("state", metadata: ["from": "\(state.rawValue)", "to": "\(new.rawValue)"])
        state = new
        environment.emit(.connectionState(connection: id, state: new))
    }

    private func attach(_ channel: any Channel, generation: Int) -> Bool {
        guard !stopRequested, generation == self.generation else { return false }
        self.channel = channel
        opens += 1
        connectedAt = now
        lastInboundAt = nil
        lastPingAt = connectedAt
        lastSeq = nil
        confAcknowledged = false
        isAuthenticated = false
        pendingCloseReason = nil
        byChanId.removeAll(keepingCapacity: true)
        environment.metrics.connectionOpens.increment()
        environment.metrics.openConnections.record(1)
        logger.info("connected", metadata: ["url": "\(url)", "opens": "\(opens)"])
        setState(.handshaking)
        // The complete flag set goes out first, before any subscribe. Not gated on `info`: that
        // frame races the upgrade response and carries nothing we need before configuring.
        // Public connections pipeline every pending `subscribe` right behind the `conf` in the
        // same flush (the server handles a connection's requests in order, so the flags apply
        // before the first snapshot; ADR 0018); authenticated ones wait for conf + auth.
        sendConf()
        if authHook == nil && configuration.pipelineSubscribes {
            let sent = writePendingSubscribes()
            if sent > 0 { logger.info("subscribing (pipelined with conf)", metadata: ["count": "\(sent)"]) }
        }
        channel.flush()
        return true
    }

    /// The socket closed; everything subscribed becomes pending (stale) until resubscribed.
    private func detach(generation: Int) -> CloseReason {
        let reason = pendingCloseReason ?? .connectionLost
        guard generation == self.generation else { return reason }
        channel = nil
        confAcknowledged = false
        isAuthenticated = false
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
            let wasLive = member.phase == .live || member.phase == .awaitingSnapshot
            member.phase = .pending
            member.chanId = nil
            // A new socket subscribes it at once; the armed retry timer (if any) becomes stale.
            member.awaitingRetry = false
            member.retryToken &+= 1
            member.unsubscribeRetry = nil
            if wasLive || member.staleSince == nil {
                member.staleSince = member.staleSince ?? now
                member.core.setLive(false)
                member.core.emit(.stale(.disconnected))
            }
        }
        return reason
    }

    /// Closes the current socket for `reason` (the supervisor reconnects).
    func close(reason: CloseReason) {
        guard let channel else { return }
        if pendingCloseReason == nil { pendingCloseReason = reason }
        environment.emit(.connectionClosed(connection: id, reason: reason))
        channel.close(promise: nil)
    }

    private func failAll(_ error: SubscriptionError) {
        setState(.failed)
        for sid in memberOrder {
            guard let member = members[sid] else { continue }
            member.phase = .failed
            member.lastError = error
            member.core.setLive(false)
            member.core.emit(.failed(error))
            member.core.buffer.finish()
            environment.emit(.subscriptionFailed(member.id, member.spec, error))
        }
    }

    // MARK: - requests

    private func sendConf() {
        guard let channel else { return }
        var flags: ConfFlags = []
        if configuration.checksum { flags.insert(.checksum) }
        if configuration.sequenceNumbers { flags.insert(.sequenceAll) }
        if configuration.timestamps { flags.insert(.timestamp) }
        logger.debug("sending conf", metadata: ["flags": "\(flags.rawValue)"])
        // Written, not flushed: the caller flushes (together with pipelined subscribes).
        channel.write(Requests.conf(flags: flags, allocator: channel.allocator), promise: nil)
    }

    /// Writes (without flushing) a `subscribe` for `member` with all of its original parameters.
    private func sendSubscribe(_ member: ChannelState) {
        guard let channel else { return }
        member.phase = .subscribing
        member.subscribeRequests += 1
        member.lastActivity = now
        environment.metrics.subscribeRequests.increment()
        if member.subscribeRequests > 1 {
            environment.metrics.resubscriptions.increment()
            environment.count { $0.resubscriptions += 1 }
        }
        channel.write(Requests.subscribe(member.spec, subId: member.id.rawValue, allocator: channel.allocator), promise: nil)
    }

    private func subscribeAllPending() {
        guard let channel, state == .open, confAcknowledged else { return }
        let sent = writePendingSubscribes()
        if sent > 0 {
            logger.info("subscribing", metadata: ["count": "\(sent)"])
            channel.flush()
        }
    }

    /// Writes (no flush) a `subscribe` for every pending member not waiting for a retry timer;
    /// returns how many. Each member is `pending` at most once per socket, so it is subscribed
    /// at most once per socket.
    private func writePendingSubscribes() -> Int {
        var sent = 0
        for sid in memberOrder {
            guard let member = members[sid], member.phase == .pending, !member.awaitingRetry else { continue }
            sendSubscribe(member)
            sent += 1
        }
        return sent
    }

    /// Resubscribes only `member` (integrity resync): unsubscribe, then subscribe again with the
    /// same parameters when `unsubscribed` arrives. Its data is stale until the fresh snapshot.
    private func resync(_ member: ChannelState) {
        member.resyncs += 1
        member.core.setLive(false)
        if member.staleSince == nil { member.staleSince = now }
        member.core.emit(.stale(.resync))
        member.lastActivity = now
        guard let channel, let chanId = member.chanId else {
            member.phase = .pending
            return
        }
        member.phase = .unsubscribing(thenResubscribe: true)
        channel.write(Requests.unsubscribe(chanId: chanId, allocator: channel.allocator), promise: nil)
    }

    private func report(_ kind: IntegrityEvent.Kind, member: ChannelState?) {
        let event = IntegrityEvent(kind: kind, subscription: member?.id, channel: member?.spec, connection: id)
        logger.warning("integrity", metadata: ["event": "\(event)"])
        member?.core.emit(.integrity(event))
        environment.emit(.integrity(event))
    }

    // MARK: - inbound (event loop, from ConnectionRouterHandler)

    /// Every inbound frame first passes here (liveness bookkeeping).
    @inline(__always)
    func noteInbound(generation: Int) -> Bool {
        guard generation == self.generation, channel != nil else { return false }
        messages &+= 1
        lastInboundAt = now
        return true
    }

    func didReceiveInfo(version: Int?, platformStatus: Int?, code: Int?) {
        // Authenticated connections: the user-data consumer learns about restarts/maintenance too.
        defer { if let code { authHook?.onInfo(code) } }
        switch code {
        case BfxErrorCode.serverRestart.rawValue?:
            logger.notice("server restart (20051): reconnecting now")
            environment.metrics.serverRestarts.increment()
            environment.count { $0.serverRestarts += 1 }
            environment.emit(.serverRestart(connection: id))
            close(reason: .serverRestart)
        case BfxErrorCode.maintenanceStart.rawValue?:
            enterMaintenance()
        case BfxErrorCode.maintenanceEnd.rawValue?:
            leaveMaintenance()
        case nil:
            if let version, version != 2 {
                logger.error("unsupported protocol version", metadata: ["version": "\(version)"])
                close(reason: .protocolVersion)
                return
            }
            if platformStatus == 0 {
                enterMaintenance()
            }
        default:
            logger.info("info", metadata: ["code": "\(code ?? 0)"])
        }
    }

    private func enterMaintenance() {
        logger.notice("maintenance started (20060): books stale, pausing")
        environment.metrics.maintenance.increment()
        environment.count { $0.maintenanceStarts += 1 }
        environment.emit(.maintenance(connection: id, active: true))
        setState(.maintenance)
        let now = self.now
        for member in members.values where member.phase != .failed {
            member.core.setLive(false)
            if member.staleSince == nil { member.staleSince = now }
            member.core.emit(.stale(.maintenance))
        }
    }

    private func leaveMaintenance() {
        guard state == .maintenance else { return }
        logger.notice("maintenance ended (20061): resubscribing everything")
        environment.emit(.maintenance(connection: id, active: false))
        setState(.open)
        guard let channel, confAcknowledged else { return }
        for sid in memberOrder {
            guard let member = members[sid] else { continue }
            switch member.phase {
            case .live, .awaitingSnapshot:
                if let chanId = member.chanId {
                    member.phase = .unsubscribing(thenResubscribe: true)
                    member.lastActivity = now
                    channel.write(Requests.unsubscribe(chanId: chanId, allocator: channel.allocator), promise: nil)
                }
            case .pending where !member.awaitingRetry:
                sendSubscribe(member)
            default:
                break
            }
        }
        channel.flush()
    }

    func didReceiveConf(ok: Bool, flags: Int64?) {
        if !ok {
            logger.error("conf rejected; continuing without integrity flags", metadata: ["flags": "\(flags ?? -1)"])
        }
        confAcknowledged = true
        if let authHook, !isAuthenticated {
            authenticate(authHook)
            return
        }
        if state == .handshaking { setState(.open) }
        subscribeAllPending()
    }

    /// Asks the hook for a freshly signed `auth` request (off the event loop: it may wait for the
    /// nonce manager) and sends it on the socket that is current now.
    private func authenticate(_ hook: AuthenticationHook) {
        let generation = self.generation
        logger.info("authenticating")
        Task {
            do {
                let text = try await hook.makeAuthRequest()
                self.eventLoop.execute {
                    guard generation == self.generation, let channel = self.channel else { return }
                    var buffer = channel.allocator.buffer(capacity: text.utf8.count)
                    buffer.writeString(text)
                    channel.writeAndFlush(buffer, promise: nil)
                }
            } catch {
                self.eventLoop.execute {
                    guard generation == self.generation else { return }
                    self.logger.error("could not build auth request", metadata: ["error": "\(error)"])
                    self.close(reason: .authenticationFailed)
                }
            }
        }
    }

    func didReceiveAuth(_ event: AuthEvent) {
        authHook?.onAuthResult(event)
        if event.isOK {
            isAuthenticated = true
            logger.info("authenticated")
            if state == .handshaking { setState(.open) }
            subscribeAllPending()
        } else {
            // Never log the request; the server's code/message carry no secret.
            logger.error("authentication failed", metadata: ["code": "\(event.code?.rawValue ?? 0)", "msg": "\(event.message ?? event.status)"])
            close(reason: .authenticationFailed)
        }
    }

    func userFrame(_ frame: Frame) {
        authHook?.onUserFrame(frame)
    }

    func sendIfAuthenticated(_ text: String) -> Bool {
        guard isAuthenticated, let channel else { return false }
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        channel.writeAndFlush(buffer, promise: nil)
        return true
    }

    func didSubscribe(chanId: Int, subId: Int?) {
        guard let subId, let member = members[SubscriptionID(rawValue: subId)] else {
            // Not ours any more (unsubscribed meanwhile): release it server-side.
            if let channel {
                channel.writeAndFlush(Requests.unsubscribe(chanId: chanId, allocator: channel.allocator), promise: nil)
            }
            return
        }
        guard member.phase == .subscribing else {
            logger.warning("unexpected subscribed", metadata: ["channel": "\(member.spec)", "chanId": "\(chanId)"])
            return
        }
        member.chanId = chanId
        member.subscribeRetry = nil
        member.subscribedAt = now
        member.lastActivity = now
        byChanId[chanId] = member
        let resubscribed = member.everSubscribed
        member.everSubscribed = true
        switch member.spec {
        case .book, .rawBook, .trades, .candles:
            member.phase = .awaitingSnapshot
        case .ticker, .status:
            member.phase = .live
            member.staleSince = nil
            member.core.setLive(state == .open)
        }
        logger.debug("subscribed", metadata: ["channel": "\(member.spec)", "chanId": "\(chanId)", "resubscribed": "\(resubscribed)"])
        member.core.emit(.subscribed(chanId: chanId, connection: id, resubscribed: resubscribed))
    }

    func didUnsubscribe(chanId: Int) {
        guard let member = byChanId.removeValue(forKey: chanId) else { return }
        member.chanId = nil
        member.unsubscribeRetry = nil
        if case .unsubscribing = member.phase, member.awaitingRetry {
            // Confirmed while a retry timer was armed: the timer becomes stale.
            member.awaitingRetry = false
            member.retryToken &+= 1
        }
        if case .unsubscribing(let thenResubscribe) = member.phase, thenResubscribe, members[member.id] != nil {
            member.phase = .pending
            if state == .open, let channel {
                sendSubscribe(member)
                channel.flush()
            }
        }
    }

    func didReceiveError(code: Int, message: String, subId: Int?, chanId: Int?) {
        logger.warning("server error", metadata: ["code": "\(code)", "msg": "\(message)", "subId": "\(subId.map(String.init) ?? "-")"])
        if let subId, let member = members[SubscriptionID(rawValue: subId)] {
            if code == BfxErrorCode.alreadySubscribed.rawValue {
                // The server still holds the channel: a new socket is the clean way out.
                close(reason: .stalled)
                return
            }
            // Only an answer to our pending `subscribe` counts (a late error for an old request
            // must not fail or re-arm a subscription that has moved on).
            guard member.phase == .subscribing else {
                logger.debug("ignoring error for a subscription not awaiting an answer", metadata: ["channel": "\(member.spec)", "code": "\(code)"])
                return
            }
            if BfxErrorCode(code).category == .retryable {
                retrySubscribe(member, code: code, message: message)
            } else {
                fail(member, SubscriptionError(code: code, message: message))
            }
        } else if let chanId, let member = byChanId[chanId], case .unsubscribing(true) = member.phase {
            if BfxErrorCode(code).category == .retryable {
                // The server may still hold the channel: subscribing now would get 10301 and
                // replace the socket. Send the unsubscribe again (bounded backoff) instead.
                guard !member.awaitingRetry else { return }
                retryUnsubscribe(member, chanId: chanId, code: code)
            } else {
                // Unsubscribe failed for good (e.g. 10401 not subscribed): just subscribe again.
                didUnsubscribe(chanId: chanId)
            }
        }
    }

    /// A retryable error answered the resync `unsubscribe` of `member`: back off
    /// (``BfxClientConfiguration/subscribeRetry``) and send it again; the resubscribe waits for
    /// `unsubscribed`. Retries used up: replace the socket (clears every server-side channel).
    private func retryUnsubscribe(_ member: ChannelState, chanId: Int, code: Int) {
        var backoff = member.unsubscribeRetry ?? ReconnectBackoff(policy: configuration.subscribeRetry)
        backoff.attemptFailed(at: now)
        let decision = environment.nextDecision(&backoff, immediate: false)
        member.unsubscribeRetry = backoff
        switch decision {
        case .retry(let delay, let attempt):
            member.lastActivity = now
            member.awaitingRetry = true
            member.retryToken &+= 1
            logger.warning("unsubscribe failed with a retryable error; retrying", metadata: [
                "channel": "\(member.spec)", "code": "\(code)", "attempt": "\(attempt)", "delay": "\(delay)",
            ])
            let token = member.retryToken
            let id = member.id
            afterDelay(delay) { $0.unsubscribeRetryDue(id, chanId: chanId, token: token) }
        case .giveUp(let reason):
            logger.error("unsubscribe retries exhausted; replacing the socket", metadata: [
                "channel": "\(member.spec)", "code": "\(code)", "reason": "\(reason)",
            ])
            member.unsubscribeRetry = nil
            close(reason: .stalled)
        }
    }

    /// The unsubscribe retry timer of `id` fired: send it again if the member is still waiting
    /// for that channel on this socket (a reconnect or an `unsubscribed` makes the timer stale).
    private func unsubscribeRetryDue(_ id: SubscriptionID, chanId: Int, token: Int) {
        guard let member = members[id], member.retryToken == token, member.awaitingRetry,
              case .unsubscribing(true) = member.phase, member.chanId == chanId, byChanId[chanId] === member
        else { return }
        member.awaitingRetry = false
        guard let channel else { return }
        member.lastActivity = now
        channel.writeAndFlush(Requests.unsubscribe(chanId: chanId, allocator: channel.allocator), promise: nil)
    }

    /// A retryable subscribe error: back off (``BfxClientConfiguration/subscribeRetry``) and send
    /// the same `subscribe` again, or fail for good once the attempts are used up.
    private func retrySubscribe(_ member: ChannelState, code: Int, message: String) {
        var backoff = member.subscribeRetry ?? ReconnectBackoff(policy: configuration.subscribeRetry)
        backoff.attemptFailed(at: now)
        let decision = environment.nextDecision(&backoff, immediate: false)
        member.subscribeRetry = backoff
        switch decision {
        case .retry(let delay, let attempt):
            member.phase = .pending
            member.lastActivity = now
            member.awaitingRetry = true
            member.retryToken &+= 1
            environment.metrics.subscribeRetries.increment()
            environment.count { $0.subscribeRetries += 1 }
            logger.warning("subscribe failed with a retryable error; retrying", metadata: [
                "channel": "\(member.spec)", "code": "\(code)", "attempt": "\(attempt)", "delay": "\(delay)",
            ])
            environment.emit(.subscribeRetryScheduled(member.id, member.spec, code: code, attempt: attempt, delay: delay))
            let token = member.retryToken
            let id = member.id
            afterDelay(delay) { $0.subscribeRetryDue(id, token: token) }
        case .giveUp(let reason):
            logger.error("subscribe retries exhausted", metadata: ["channel": "\(member.spec)", "code": "\(code)", "reason": "\(reason)"])
            fail(member, SubscriptionError(code: code, message: message, attempts: backoff.attempts))
        }
    }

    /// Runs `action` on this supervisor's event loop after `delay` on the injected clock (the
    /// subscribe/unsubscribe retry timers). Not cancelled: each timer carries a token and the
    /// action ignores a stale one; a deallocated supervisor drops it.
    private func afterDelay(_ delay: Duration, _ action: @escaping @Sendable (ConnectionSupervisor) -> Void) {
        let loop = eventLoop
        let clock = environment.clock
        Task { [weak self] in
            if delay > .zero {
                do { try await clock.sleep(for: delay) } catch { return }
            }
            loop.execute { if let self { action(self) } }
        }
    }

    /// The retry timer of `id` fired: subscribe now if nothing else (a reconnect, a removal, a
    /// newer timer) happened meanwhile; if the socket is not ready, the next open subscribes it.
    private func subscribeRetryDue(_ id: SubscriptionID, token: Int) {
        guard let member = members[id], member.retryToken == token, member.awaitingRetry, member.phase == .pending else { return }
        member.awaitingRetry = false
        guard state == .open, confAcknowledged, let channel else { return }
        sendSubscribe(member)
        channel.flush()
    }

    private func fail(_ member: ChannelState, _ error: SubscriptionError) {
        member.phase = .failed
        member.awaitingRetry = false
        member.lastError = error
        member.core.setLive(false)
        member.core.emit(.failed(error))
        member.core.buffer.finish()
        environment.emit(.subscriptionFailed(member.id, member.spec, error))
    }

    // MARK: channel data

    /// Routes a channel message; returns the member if it should be processed (live routing,
    /// sequence audit done). `seq` is the trailing SEQ_ALL number, if any.
    @inline(__always)
    func member(forChanId chanId: Int, seq: Int64?) -> ChannelState? {
        let member = byChanId[chanId]
        if let seq {
            if let last = lastSeq, seq != last &+ 1 {
                lastSeq = seq
                sequenceGap(expected: last &+ 1, received: seq, member: member)
                return nil
            }
            lastSeq = seq
        }
        guard let member else { return nil }
        member.messages &+= 1
        member.lastActivity = lastInboundAt ?? now
        switch member.phase {
        case .live, .awaitingSnapshot: return member
        default: return nil
        }
    }

    private func sequenceGap(expected: Int64, received: Int64, member: ChannelState?) {
        environment.metrics.sequenceGaps.increment()
        environment.count { $0.sequenceGaps += 1 }
        if let member {
            member.sequenceGaps += 1
            report(.sequenceGap(expected: expected, received: received), member: member)
            if case .unsubscribing = member.phase {} else {
                resync(member)
                channel?.flush()
            }
        } else {
            report(.sequenceGap(expected: expected, received: received), member: nil)
        }
    }

    func heartbeat(chanId: Int, seq: Int64?) {
        _ = member(forChanId: chanId, seq: seq)
    }

    func malformed(_ error: FrameDecodingError, chanId: Int?) {
        environment.metrics.malformedFrames.increment()
        environment.count { $0.malformedFrames += 1 }
        let member = chanId.flatMap { byChanId[$0] }
        member?.malformed += 1
        report(.malformedFrame(reason: "\(error.reason)"), member: member)
        // A frame we could not read may have carried a book change or a trade: resync the
        // channel it belongs to; if unknown, the checksums/heartbeats of the others guard them.
        if let member, member.isLive || member.phase == .awaitingSnapshot {
            resync(member)
            channel?.flush()
        }
    }

    // Books ------------------------------------------------------------------

    func bookSnapshot(_ member: ChannelState, build: () throws -> OrderBook) {
        do {
            let book = try build()
            member.core.withBook { $0 = book }
        } catch {
            malformed(error as? FrameDecodingError ?? FrameDecodingError(reason: .unexpectedShape("book snapshot: \(error)"), offset: 0, frame: []), chanId: member.chanId)
            return
        }
        becameLive(member)
        member.core.bookChanged(snapshot: true)
    }

    func bookUpdate(_ member: ChannelState, apply: (inout OrderBook) throws -> Void) {
        guard member.phase == .live else { return }
        do {
            try member.core.withBook { book in
                // In-place mutation of the optional (no copy of the book); checked non-nil first.
                guard book != nil else { return }
                try apply(&book!)
            }
        } catch {
            malformed(error as? FrameDecodingError ?? FrameDecodingError(reason: .unexpectedShape("book update: \(error)"), offset: 0, frame: []), chanId: member.chanId)
            return
        }
        member.core.bookChanged(snapshot: false)
    }

    func bookChecksum(_ member: ChannelState, server: Int32) {
        guard member.phase == .live else { return }
        guard let local = member.core.withBook({ $0?.checksum() }) else { return }
        if local == server {
            member.checksumsVerified += 1
            member.core.recordVerifiedChecksum()
            return
        }
        member.checksumMismatches += 1
        environment.metrics.checksumMismatches.increment()
        environment.count { $0.checksumMismatches += 1 }
        report(.checksumMismatch(server: server, local: local), member: member)
        resync(member)
        channel?.flush()
    }

    private func becameLive(_ member: ChannelState) {
        member.phase = .live
        member.staleSince = nil
        member.core.setLive(state == .open)
    }

    // Trades -----------------------------------------------------------------

    func tradeSnapshot(_ member: ChannelState, _ trades: [PublicTrade]) {
        let ascending = trades.sorted { $0.id < $1.id }
        if let highest = member.trades.highestID {
            // Reconnect/resync: deliver only what we have not seen, report a possible gap.
            let recovered = ascending.filter { $0.id > highest }
            if let first = ascending.first, first.id > highest, !member.trades.contains(first.id) {
                let outage = now - (member.staleSince ?? now)
                environment.metrics.tradeGaps.increment()
                environment.count { $0.tradeGaps += 1 }
                report(.tradeGap(lastSeenID: highest, firstRecoveredID: first.id, outage: outage), member: member)
            }
            var duplicates = 0
            for trade in recovered {
                if member.trades.admit(trade.id) { member.core.emit(.trade(trade)) } else { duplicates += 1 }
            }
            duplicates += ascending.count - recovered.count
            if duplicates > 0 {
                environment.metrics.duplicateTrades.increment(by: Int64(duplicates))
                environment.count { $0.duplicateTradesDropped += duplicates }
            }
        } else {
            for trade in ascending { _ = member.trades.admit(trade.id) }
            member.core.emit(.tradeSnapshot(ascending))
        }
        becameLive(member)
    }

    func trade(_ member: ChannelState, _ trade: PublicTrade, isUpdate: Bool) {
        guard member.phase == .live else { return }
        if member.trades.admit(trade.id) {
            member.core.emit(.trade(trade))
        } else {
            environment.metrics.duplicateTrades.increment()
            environment.count { $0.duplicateTradesDropped += 1 }
        }
    }

    // Others -----------------------------------------------------------------

    func deliver(_ member: ChannelState, _ event: SubscriptionEvent) {
        member.core.emit(event)
    }

    func candleSnapshot(_ member: ChannelState, _ candles: [Candle]) {
        becameLive(member)
        member.core.emit(.candleSnapshot(candles))
    }

    // MARK: - test support

    /// Adopts an already-connected channel (an `EmbeddedChannel` in handler tests) as the current
    /// socket without the supervisor; returns the generation to give the router handler.
    func adoptForTesting(_ channel: any Channel) -> Int {
        generation += 1
        _ = attach(channel, generation: generation)
        return generation
    }

    /// Runs the close bookkeeping the supervisor would run (handler tests).
    func detachForTesting() -> CloseReason { detach(generation: generation) }

    // MARK: - status

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
                checksumMismatches: m.checksumMismatches, sequenceGaps: m.sequenceGaps, resyncs: m.resyncs,
                bufferDepth: stats.depth, coalesced: stats.coalesced
            ))
        }
        let connection = ConnectionStatus(
            id: id, state: state, url: url.description, subscriptions: members.count, liveSubscriptions: live,
            lastMessageAge: lastInboundAt.map { now - $0 }, messages: messages, opens: opens, lastCloseReason: lastCloseReason
        )
        return (connection, channels)
    }

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

    var memberCount: Int { members.count }
}
