import BfxProtocol
import Logging
import NIOCore

/// Control events from the server (`info`, `conf`, `auth`, `subscribed`, `unsubscribed`, `error`)
/// fed to the state machines, and the performing of the actions they return. Runs on the event
/// loop (called by ``ConnectionRouterHandler``).
extension ConnectionSupervisor {
    // MARK: - connection machine

    /// Feeds one event to the ``ConnectionStateMachine``, reports a state change, performs the action.
    func handle(_ event: (inout ConnectionStateMachine) -> ConnectionStateMachine.Action) {
        let old = state
        let action = event(&connection)
        // Action first: its client events (e.g. `.maintenance`) precede the state change event.
        perform(action)
        stateChanged(from: old)
    }

    /// Performs one ``ConnectionStateMachine/Action``.
    func perform(_ action: ConnectionStateMachine.Action) {
        switch action {
        case .none:
            break
        case .sendConf(let pipelineSubscribes):
            guard let channel else { return }
            sendConf()
            // Public connections pipeline every pending `subscribe` right behind the `conf` in the
            // same flush (the server handles a connection's requests in order, so the flags apply
            // before the first snapshot; ADR 0018); authenticated ones wait for conf + auth.
            if pipelineSubscribes {
                let sent = writePendingSubscribes()
                if sent > 0 { logger.info("subscribing (pipelined with conf)", metadata: ["count": "\(sent)"]) }
            }
            channel.flush()
        case .authenticate:
            if let authHook { authenticate(authHook) }
        case .subscribePending:
            subscribeAllPending()
        case .reconnectNow:
            logger.notice("server restart (20051): reconnecting now")
            environment.metrics.serverRestarts.increment()
            environment.count { $0.serverRestarts += 1 }
            environment.emit(.serverRestart(connection: id))
            close(reason: .serverRestart)
        case .enterMaintenance:
            enterMaintenance()
        case .leaveMaintenance(let resubscribe):
            leaveMaintenance(resubscribe: resubscribe)
        case .unsupportedVersion(let version):
            logger.error("unsupported protocol version", metadata: ["version": "\(version)"])
            close(reason: .protocolVersion)
        case .close(let reason):
            close(reason: reason)
        case .logInfo(let code):
            logger.info("info", metadata: ["code": "\(code)"])
        }
    }

    /// An `info` event: classified by the connection machine (20051, 20060/20061, platform
    /// status 0, protocol version); the code is also passed to the authentication hook.
    func didReceiveInfo(version: Int?, platformStatus: Int?, code: Int?) {
        // Authenticated connections: the user-data consumer learns about restarts/maintenance too.
        defer { if let code { authHook?.onInfo(code) } }
        handle { $0.infoReceived(version: version, platformStatus: platformStatus, code: code) }
    }

    /// Maintenance started: every channel that has not failed goes stale; nothing is sent.
    private func enterMaintenance() {
        logger.notice("maintenance started (20060): books stale, pausing")
        environment.metrics.maintenance.increment()
        environment.count { $0.maintenanceStarts += 1 }
        environment.emit(.maintenance(connection: id, active: true))
        let now = self.now
        for member in members.values where member.phase != .failed {
            member.core.setLive(false)
            if member.staleSince == nil { member.staleSince = now }
            member.core.emit(.stale(.maintenance))
        }
    }

    /// Maintenance ended: every channel is resubscribed for fresh snapshots (when configured).
    private func leaveMaintenance(resubscribe: Bool) {
        logger.notice("maintenance ended (20061): resubscribing everything")
        environment.emit(.maintenance(connection: id, active: false))
        guard resubscribe, let channel else { return }
        for sid in memberOrder {
            guard let member = members[sid] else { continue }
            perform(member.machine.maintenanceEnded(), for: member)
        }
        channel.flush()
        rearmDeadlines()
    }

    /// The `conf` answer: the handshake continues with `auth` or the subscribes.
    func didReceiveConf(ok: Bool, flags: Int64?) {
        if !ok {
            logger.error("conf rejected; continuing without integrity flags", metadata: ["flags": "\(flags ?? -1)"])
        }
        handle { $0.confReceived() }
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

    /// The `auth` answer: passed to the hook; subscribes follow a success, a failure closes.
    func didReceiveAuth(_ event: AuthEvent) {
        authHook?.onAuthResult(event)
        if event.isOK {
            logger.info("authenticated")
        } else {
            // Never log the request; the server's code/message carry no secret.
            logger.error("authentication failed", metadata: ["code": "\(event.code?.rawValue ?? 0)", "msg": "\(event.message ?? event.status)"])
        }
        handle { $0.authReceived(ok: event.isOK) }
    }

    /// A channel-0 frame for the user-data consumer.
    func userFrame(_ frame: Frame) {
        authHook?.onUserFrame(frame)
    }

    /// Sends `text` if the current socket is authenticated; `false` otherwise.
    func sendIfAuthenticated(_ text: String) -> Bool {
        guard isAuthenticated, let channel else { return false }
        var buffer = channel.allocator.buffer(capacity: text.utf8.count)
        buffer.writeString(text)
        channel.writeAndFlush(buffer, promise: nil)
        return true
    }

    // MARK: - requests

    /// Writes (no flush) the `conf` with the configured flags (checksum, SEQ_ALL, timestamps).
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
    func sendSubscribe(_ member: ChannelState) {
        guard let channel else { return }
        member.machine.subscribeSent()
        member.subscribeRequests += 1
        member.lastActivity = now
        environment.metrics.subscribeRequests.increment()
        if member.subscribeRequests > 1 {
            environment.metrics.resubscriptions.increment()
            environment.count { $0.resubscriptions += 1 }
        }
        channel.write(Requests.subscribe(member.spec, subId: member.id.rawValue, allocator: channel.allocator), promise: nil)
    }

    /// Subscribes every pending channel if the connection is ready, in one flush.
    private func subscribeAllPending() {
        guard let channel, connection.canSubscribe else { return }
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
            guard let member = members[sid], member.machine.wantsSubscribe else { continue }
            sendSubscribe(member)
            sent += 1
        }
        return sent
    }

    /// Resubscribes only `member` (integrity resync): unsubscribe, then subscribe again with the
    /// same parameters when `unsubscribed` arrives. Its data is stale until the fresh snapshot.
    /// Writes without flushing.
    func resync(_ member: ChannelState) {
        member.resyncs += 1
        member.core.setLive(false)
        if member.staleSince == nil { member.staleSince = now }
        member.core.emit(.stale(.resync))
        member.lastActivity = now
        perform(member.machine.resync(hasSocket: channel != nil), for: member)
    }

    /// Reports an integrity event to the channel, the client event stream and the log.
    func report(_ kind: IntegrityEvent.Kind, member: ChannelState?, recovery: IntegrityEvent.Recovery? = nil) {
        let event = IntegrityEvent(kind: kind, subscription: member?.id, channel: member?.spec, connection: id, recovery: recovery)
        logger.warning("integrity", metadata: ["event": "\(event)"])
        member?.core.emit(.integrity(event))
        environment.emit(.integrity(event))
    }

    // MARK: - subscription machines

    /// Performs one ``SubscriptionStateMachine/Action`` of `member`; `code` is the server error
    /// that caused it (logs and events only). Writes are not flushed; the caller flushes.
    func perform(_ action: SubscriptionStateMachine.Action, for member: ChannelState, code: Int = 0) {
        switch action {
        case .none:
            break
        case .sendSubscribe:
            sendSubscribe(member)
        case .sendUnsubscribe(let chanId):
            guard let channel else { return }
            member.lastActivity = now
            channel.write(Requests.unsubscribe(chanId: chanId, allocator: channel.allocator), promise: nil)
        case .scheduleSubscribeRetry(let delay, let attempt, let token):
            member.lastActivity = now
            environment.metrics.subscribeRetries.increment()
            environment.count { $0.subscribeRetries += 1 }
            logger.warning("subscribe failed with a retryable error; retrying", metadata: [
                "channel": "\(member.spec)", "code": "\(code)", "attempt": "\(attempt)", "delay": "\(delay)",
            ])
            environment.emit(.subscribeRetryScheduled(member.id, member.spec, code: code, attempt: attempt, delay: delay))
            let id = member.id
            afterDelay(delay) { $0.subscribeRetryDue(id, token: token) }
        case .scheduleUnsubscribeRetry(let delay, let attempt, let token, let chanId):
            member.lastActivity = now
            logger.warning("unsubscribe failed with a retryable error; retrying", metadata: [
                "channel": "\(member.spec)", "code": "\(code)", "attempt": "\(attempt)", "delay": "\(delay)",
            ])
            let id = member.id
            afterDelay(delay) { $0.unsubscribeRetryDue(id, chanId: chanId, token: token) }
        case .fail(let error):
            if error.attempts > 1 {
                logger.error("subscribe retries exhausted", metadata: ["channel": "\(member.spec)", "code": "\(error.code)"])
            }
            member.lastError = error
            member.core.setLive(false)
            member.core.emit(.failed(error))
            member.core.buffer.finish()
            environment.emit(.subscriptionFailed(member.id, member.spec, error))
        case .replaceSocket:
            logger.error("channel needs a new socket; replacing it", metadata: ["channel": "\(member.spec)", "code": "\(code)"])
            close(reason: .stalled)
        case .treatAsUnsubscribed(let chanId):
            didUnsubscribe(chanId: chanId)
        }
    }

    /// `subscribed`: the channel machine records the `chanId` (books, trades and candles then
    /// wait for their snapshot); a `subscribed` for a removed subscription is released again.
    func didSubscribe(chanId: Int, subId: Int?) {
        guard let subId, let member = members[SubscriptionID(rawValue: subId)] else {
            // Not ours any more (unsubscribed meanwhile): release it server-side.
            if let channel {
                channel.writeAndFlush(Requests.unsubscribe(chanId: chanId, allocator: channel.allocator), promise: nil)
            }
            return
        }
        let expectsSnapshot: Bool
        switch member.spec {
        case .book, .rawBook, .trades, .candles: expectsSnapshot = true
        case .ticker, .status: expectsSnapshot = false
        }
        guard member.machine.subscribed(chanId: chanId, expectsSnapshot: expectsSnapshot) else {
            logger.warning("unexpected subscribed", metadata: ["channel": "\(member.spec)", "chanId": "\(chanId)"])
            return
        }
        member.subscribedAt = now
        member.lastActivity = now
        byChanId[chanId] = member
        let resubscribed = member.everSubscribed
        member.everSubscribed = true
        if member.isLive {
            member.staleSince = nil
            member.core.setLive(state == .open)
        }
        logger.debug("subscribed", metadata: ["channel": "\(member.spec)", "chanId": "\(chanId)", "resubscribed": "\(resubscribed)"])
        member.core.emit(.subscribed(chanId: chanId, connection: id, resubscribed: resubscribed))
    }

    /// `unsubscribed` (or an unsubscribe that failed for good): a resync subscribes again.
    func didUnsubscribe(chanId: Int) {
        guard let member = byChanId.removeValue(forKey: chanId) else { return }
        let action = member.machine.unsubscribed(
            stillMember: members[member.id] != nil, connectionOpen: state == .open && channel != nil
        )
        guard action == .sendSubscribe else { return }
        perform(action, for: member)
        channel?.flush()
    }

    /// An `error` event: answers a `subscribe` (by `subId`) or a resync `unsubscribe` (by
    /// `chanId`); the channel machine decides between retry, failure and a new socket.
    /// Whether the server echoes the request's fields (`subId`, `chanId` …) in `error` is
    /// UNVERIFIED (reference §3.1): an error without both is matched to the one request it can
    /// answer — a subscription awaiting `subscribed` that fits the echoed `channel`/`symbol`/`key`
    /// (any, when nothing is echoed; subscribe error codes only) or a resync awaiting
    /// `unsubscribed` (unsubscribe error codes only). With more than one candidate it is left
    /// unmatched (docs/adr/0028).
    func didReceiveError(code: Int, message: String, subId: Int?, chanId: Int?, echo: ErrorEcho = ErrorEcho()) {
        logger.warning("server error", metadata: ["code": "\(code)", "msg": "\(message)", "subId": "\(subId.map(String.init) ?? "-")"])
        let now = self.now
        var subId = subId
        var chanId = chanId
        if subId == nil, chanId == nil {
            let subscribing = ErrorEcho.subscribeErrorCodes.contains(code)
                ? members.values.filter { $0.machine.phase == .subscribing && echo.fits($0.spec) } : []
            let unsubscribing = ErrorEcho.unsubscribeErrorCodes.contains(code)
                ? members.values.filter { $0.machine.phase == .unsubscribing(thenResubscribe: true) } : []
            if subscribing.count + unsubscribing.count == 1 {
                if let member = subscribing.first { subId = member.id.rawValue } else { chanId = unsubscribing.first?.machine.chanId }
            }
        }
        if let subId, let member = members[SubscriptionID(rawValue: subId)] {
            let action = environment.withRandom { member.machine.subscribeError(code: code, message: message, at: now, using: &$0) }
            if action == .none {
                // Only an answer to our pending `subscribe` counts (a late error for an old request
                // must not fail or re-arm a subscription that has moved on).
                logger.debug("ignoring error for a subscription not awaiting an answer", metadata: ["channel": "\(member.spec)", "code": "\(code)"])
            }
            perform(action, for: member, code: code)
        } else if let chanId, let member = byChanId[chanId] {
            // Only an answer to a resync `unsubscribe` counts; the machine ignores anything else.
            let action = environment.withRandom { member.machine.unsubscribeError(code: code, chanId: chanId, at: now, using: &$0) }
            perform(action, for: member, code: code)
        }
    }

    /// Runs `action` on this supervisor's event loop after `delay` on the injected clock (the
    /// subscribe/unsubscribe retry timers). Not cancelled: each timer carries a token and the
    /// machine ignores a stale one; a deallocated supervisor drops it.
    private func afterDelay(_ delay: Duration, _ action: @escaping @Sendable (ConnectionSupervisor) -> Void) {
        let loop = eventLoop
        let clock = environment.clock
        Task { [weak self] in
            if delay > .zero {
                do { try await clock.sleep(for: delay) } catch { return }
            }
            // Strong only for the hop; a deallocated supervisor drops the timer.
            guard let supervisor = self else { return }
            loop.execute { action(supervisor) }
        }
    }

    /// The subscribe retry timer of `id` fired: subscribe now if the machine still wants it; if
    /// the socket is not ready, the next open subscribes it.
    private func subscribeRetryDue(_ id: SubscriptionID, token: Int) {
        guard let member = members[id], member.machine.subscribeRetryDue(token: token) else { return }
        guard connection.canSubscribe, let channel else { return }
        sendSubscribe(member)
        channel.flush()
        rearmDeadlines()
    }

    /// The unsubscribe retry timer of `id` fired: send it again if the member still waits for that
    /// channel on this socket (a reconnect or an `unsubscribed` makes the timer stale).
    private func unsubscribeRetryDue(_ id: SubscriptionID, chanId: Int, token: Int) {
        guard let member = members[id], byChanId[chanId] === member else { return }
        let action = member.machine.unsubscribeRetryDue(token: token, chanId: chanId)
        guard action != .none, let channel else { return }
        perform(action, for: member)
        channel.flush()
        rearmDeadlines()
    }
}
