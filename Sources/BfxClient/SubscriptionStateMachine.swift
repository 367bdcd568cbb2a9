import BfxProtocol

/// The subscribe / unsubscribe / resync lifecycle of one channel on its connection, as a value
/// type that takes events and returns what the ``ConnectionSupervisor`` must do.
///
/// It owns the channel's phase, its current `chanId`, and the two bounded retry schedules
/// (``SubscriptionRetryMachine``): a retryable `subscribe` error re-arms a timer and the channel
/// waits in `pending`; an integrity failure (checksum mismatch, sequence gap, malformed frame,
/// silent channel) unsubscribes, waits for `unsubscribed` and subscribes again with the same
/// parameters; a retryable error answering that `unsubscribe` re-sends it after a backoff, and
/// only when those retries run out is the socket replaced. No sockets, clocks or actors inside:
/// time arrives as `now`, randomness as an injected generator, and timers are identified by a
/// token so a timer that fires after the world moved on is recognised as stale.
struct SubscriptionStateMachine: Sendable {
    /// Where the channel is in its subscribe/unsubscribe cycle.
    enum Phase: Equatable, Sendable {
        /// Must be (re)subscribed when the connection is ready.
        case pending
        /// `subscribe` sent, waiting for `subscribed`.
        case subscribing
        /// Subscribed; waiting for the first snapshot (books, trades, candles).
        case awaitingSnapshot
        /// Data flows.
        case live
        /// `unsubscribe` sent; then resubscribe (resync) or forget (removed by the user).
        case unsubscribing(thenResubscribe: Bool)
        /// Failed permanently.
        case failed
    }

    /// What the supervisor must do after an event.
    enum Action: Equatable, Sendable {
        /// Nothing to send.
        case none
        /// Write a `subscribe` with the channel's original parameters (then call ``subscribeSent()``).
        case sendSubscribe
        /// Write an `unsubscribe` for `chanId`.
        case sendUnsubscribe(chanId: Int)
        /// Arm the subscribe retry timer; when it fires call ``subscribeRetryDue(token:)``.
        case scheduleSubscribeRetry(after: Duration, attempt: Int, token: Int)
        /// Arm the unsubscribe retry timer; when it fires call ``unsubscribeRetryDue(token:chanId:)``.
        case scheduleUnsubscribeRetry(after: Duration, attempt: Int, token: Int, chanId: Int)
        /// The subscription failed for good: report `error` and end its events.
        case fail(SubscriptionError)
        /// Only a new socket clears this up (the server still holds the channel, or never answered).
        case replaceSocket
        /// The `unsubscribe` failed permanently (e.g. 10401 not subscribed): treat it as confirmed.
        case treatAsUnsubscribed(chanId: Int)
    }

    /// What a liveness check found for this channel.
    enum StallVerdict: Equatable, Sendable {
        /// Within its deadline.
        case healthy
        /// Data stopped flowing: resync this channel only.
        case resync(silentFor: Duration)
        /// A request the server never answered: replace the socket.
        case replaceSocket
    }

    /// What a book checksum mismatch leads to (see ``checksumMismatch(at:)``).
    enum ChecksumMismatchAction: Equatable, Sendable {
        /// Resubscribe the channel now (``resync(hasSocket:)``).
        case resync
        /// Count only; the next checksum resync is allowed from `nextResyncAt` (`nil`: never,
        /// the channel does not act on checksums). `report` is `true` for the first such
        /// mismatch since the last resync or matching checksum (one event per episode, not one
        /// per `cs` frame: a funding book with wrong server checksums mismatches on every frame).
        case reportOnly(nextResyncAt: Duration?, report: Bool)
    }

    /// How this channel reacts to checksum mismatches (its book kind's mode of the client's
    /// ``ChecksumPolicy``).
    let checksumMode: ChecksumPolicy.Mode
    /// In `observe`, the shortest time between two checksum resyncs.
    let observeResyncWindow: Duration
    /// When the last checksum resync under `observe` was decided; survives reconnects so a
    /// reconnect does not reopen the window.
    private(set) var lastObservedResync: Duration?
    /// A report-only mismatch was reported since the last resync or matching checksum.
    private(set) var observedMismatchReported = false

    /// The current phase.
    private(set) var phase: Phase = .pending
    /// The server's channel id while subscribed on the current socket.
    private(set) var chanId: Int?
    /// A retry timer is armed: while `pending` the channel is not subscribed before it fires (a
    /// new socket subscribes it at once and invalidates the timer); while `unsubscribing` the
    /// timer re-sends the `unsubscribe`.
    private(set) var awaitingRetry = false
    /// Identifies the armed retry timer; bumped whenever a timer becomes stale.
    private(set) var retryToken = 0
    /// Retryable errors answering `subscribe`; reset by `subscribed`.
    private(set) var subscribeRetry: SubscriptionRetryMachine
    /// Retryable errors answering the resync `unsubscribe`; reset by `unsubscribed` or a new socket.
    private(set) var unsubscribeRetry: SubscriptionRetryMachine

    /// Creates a `pending` channel whose retries follow `retryPolicy` and whose checksum
    /// mismatches are handled in `checksumMode` (with `observeResyncWindow` for `observe`).
    init(retryPolicy: ReconnectPolicy, checksumMode: ChecksumPolicy.Mode = .resync, observeResyncWindow: Duration = .seconds(600)) {
        subscribeRetry = SubscriptionRetryMachine(policy: retryPolicy)
        unsubscribeRetry = SubscriptionRetryMachine(policy: retryPolicy)
        self.checksumMode = checksumMode
        self.observeResyncWindow = observeResyncWindow
    }

    /// Data flows (books, trades and candles after their snapshot).
    var isLive: Bool { phase == .live }

    /// Subscribed on the current socket, live or waiting for its snapshot.
    var isReceiving: Bool { phase == .live || phase == .awaitingSnapshot }

    /// Whether a ready connection should subscribe it now (pending, no retry timer armed).
    var wantsSubscribe: Bool { phase == .pending && !awaitingRetry }

    // MARK: - subscribe

    /// A `subscribe` for this channel was written.
    mutating func subscribeSent() { phase = .subscribing }

    /// `subscribed` arrived with `chanId`. Returns `false` (and changes nothing) when no
    /// `subscribe` was outstanding. Channels with a snapshot wait for it; the others are live.
    mutating func subscribed(chanId: Int, expectsSnapshot: Bool) -> Bool {
        guard phase == .subscribing else { return false }
        self.chanId = chanId
        subscribeRetry.reset()
        phase = expectsSnapshot ? .awaitingSnapshot : .live
        return true
    }

    /// The first snapshot after `subscribed` arrived: data flows.
    mutating func snapshotReceived() { phase = .live }

    /// The server answered this channel's `subscribe` with error `code` at `now`.
    /// 10301 (already subscribed) replaces the socket; a late error for a request that is no longer
    /// outstanding is ignored; a retryable code backs off (or fails once retries run out); any
    /// other code fails the subscription.
    mutating func subscribeError(
        code: Int, message: String, at now: Duration, using random: inout some RandomNumberGenerator
    ) -> Action {
        if code == BfxErrorCode.alreadySubscribed.rawValue { return .replaceSocket }
        guard phase == .subscribing else { return .none }
        guard BfxErrorCode(code).category == .retryable else {
            return fail(SubscriptionError(code: code, message: message))
        }
        switch subscribeRetry.failed(at: now, using: &random) {
        case .retry(let delay, let attempt):
            phase = .pending
            awaitingRetry = true
            retryToken &+= 1
            return .scheduleSubscribeRetry(after: delay, attempt: attempt, token: retryToken)
        case .giveUp(_, let attempts):
            return fail(SubscriptionError(code: code, message: message, attempts: attempts))
        }
    }

    /// The subscribe retry timer `token` fired. Returns `true` when the channel should be
    /// subscribed now (if the connection is ready; otherwise the next open subscribes it), `false`
    /// when the timer is stale (a reconnect, a removal or a newer timer happened meanwhile).
    mutating func subscribeRetryDue(token: Int) -> Bool {
        guard token == retryToken, awaitingRetry, phase == .pending else { return false }
        awaitingRetry = false
        return true
    }

    /// Fails the subscription for good.
    mutating func fail(_ error: SubscriptionError) -> Action {
        phase = .failed
        awaitingRetry = false
        return .fail(error)
    }

    // MARK: - unsubscribe and resync

    /// The user removed the subscription: unsubscribe if it holds a channel on an open socket.
    mutating func remove(connectionOpen: Bool) -> Action {
        guard let chanId, connectionOpen else { return .none }
        phase = .unsubscribing(thenResubscribe: false)
        return .sendUnsubscribe(chanId: chanId)
    }

    /// Integrity resync: unsubscribe and subscribe again when `unsubscribed` arrives. Without a
    /// socket or a `chanId` the channel simply becomes `pending`.
    mutating func resync(hasSocket: Bool) -> Action {
        guard hasSocket, let chanId else {
            phase = .pending
            return .none
        }
        phase = .unsubscribing(thenResubscribe: true)
        return .sendUnsubscribe(chanId: chanId)
    }

    /// Whether `cs` frames of this channel are compared with the local book at all (not in
    /// ``ChecksumPolicy/Mode/ignore``).
    var verifiesChecksums: Bool { checksumMode != .ignore }

    /// A `cs` frame at `now` differed from the local book. `resync`: every mismatch resyncs.
    /// `observe`: the first mismatch resyncs, later ones within ``observeResyncWindow`` of that
    /// resync are only reported, so a server whose checksums are wrong (funding books, reference
    /// §4.4) costs at most one resubscribe per window instead of a loop. `ignore`: nothing.
    mutating func checksumMismatch(at now: Duration) -> ChecksumMismatchAction {
        switch checksumMode {
        case .resync:
            return .resync
        case .ignore:
            return .reportOnly(nextResyncAt: nil, report: false)
        case .observe:
            if let last = lastObservedResync, now - last < observeResyncWindow {
                defer { observedMismatchReported = true }
                return .reportOnly(nextResyncAt: last + observeResyncWindow, report: !observedMismatchReported)
            }
            lastObservedResync = now
            observedMismatchReported = false
            return .resync
        }
    }

    /// A `cs` frame matched the local book: the next report-only mismatch is reported again.
    mutating func checksumMatched() {
        if observedMismatchReported { observedMismatchReported = false }
    }

    /// Whether a sequence gap revealed by this channel should resync it (not while an
    /// `unsubscribe` is already on its way).
    var resyncsOnSequenceGap: Bool {
        if case .unsubscribing = phase { return false }
        return true
    }

    /// `unsubscribed` arrived for this channel. A resync subscribes again at once when the
    /// connection is open (`.sendSubscribe`) or stays `pending` for the next chance; a removal
    /// (`stillMember == false`) or any other phase just forgets the `chanId`.
    mutating func unsubscribed(stillMember: Bool, connectionOpen: Bool) -> Action {
        chanId = nil
        unsubscribeRetry.reset()
        if case .unsubscribing = phase, awaitingRetry {
            // Confirmed while a retry timer was armed: the timer becomes stale.
            awaitingRetry = false
            retryToken &+= 1
        }
        guard case .unsubscribing(true) = phase, stillMember else { return .none }
        phase = .pending
        return connectionOpen ? .sendSubscribe : .none
    }

    /// The server answered the resync `unsubscribe` of `chanId` with error `code` at `now`. A
    /// subscribe now could get 10301, so a retryable code re-sends the `unsubscribe` after a
    /// backoff (a second error while the timer is armed is ignored); retries used up replace the
    /// socket (which clears every server-side channel); any other code counts as unsubscribed.
    mutating func unsubscribeError(
        code: Int, chanId: Int, at now: Duration, using random: inout some RandomNumberGenerator
    ) -> Action {
        guard case .unsubscribing(true) = phase else { return .none }
        guard BfxErrorCode(code).category == .retryable else { return .treatAsUnsubscribed(chanId: chanId) }
        guard !awaitingRetry else { return .none }
        switch unsubscribeRetry.failed(at: now, using: &random) {
        case .retry(let delay, let attempt):
            awaitingRetry = true
            retryToken &+= 1
            return .scheduleUnsubscribeRetry(after: delay, attempt: attempt, token: retryToken, chanId: chanId)
        case .giveUp:
            unsubscribeRetry.reset()
            return .replaceSocket
        }
    }

    /// The unsubscribe retry timer `token` for `chanId` fired. Returns `.sendUnsubscribe` when
    /// the channel still waits for that `unsubscribe` on this socket, `.none` for a stale timer.
    mutating func unsubscribeRetryDue(token: Int, chanId: Int) -> Action {
        guard token == retryToken, awaitingRetry, case .unsubscribing(true) = phase, self.chanId == chanId else {
            return .none
        }
        awaitingRetry = false
        return .sendUnsubscribe(chanId: chanId)
    }

    /// Maintenance ended (20061) on an open, configured socket: live channels resync, pending ones
    /// (without an armed retry timer) subscribe; everything else waits for its own answer.
    mutating func maintenanceEnded() -> Action {
        switch phase {
        case .live, .awaitingSnapshot:
            guard let chanId else { return .none }
            phase = .unsubscribing(thenResubscribe: true)
            return .sendUnsubscribe(chanId: chanId)
        case .pending where !awaitingRetry:
            return .sendSubscribe
        default:
            return .none
        }
    }

    // MARK: - socket and liveness

    /// The socket closed: every channel that has not failed becomes `pending`, armed retry timers
    /// become stale (a new socket subscribes at once). Returns whether data was flowing.
    mutating func socketClosed() -> Bool {
        guard phase != .failed else { return false }
        let wasReceiving = isReceiving
        phase = .pending
        chanId = nil
        awaitingRetry = false
        retryToken &+= 1
        unsubscribeRetry.reset()
        return wasReceiving
    }

    /// The connection gave up for good: the channel fails with it.
    mutating func connectionFailed() {
        phase = .failed
    }

    /// When this channel's liveness deadline falls, given its last activity (data, request sent or
    /// answered) and the heartbeat timeout; `nil` when no deadline applies in this phase.
    func stallDeadline(lastActivity: Duration, timeout: Duration) -> Duration? {
        switch phase {
        case .live, .awaitingSnapshot:
            return lastActivity + timeout
        case .subscribing, .unsubscribing:
            // An unsubscribe waiting for its retry timer was answered; the timer resends it.
            return awaitingRetry ? nil : lastActivity + timeout
        case .pending, .failed:
            return nil
        }
    }

    /// Checks the liveness deadline at `now` (see ``stallDeadline(lastActivity:timeout:)``).
    func stallVerdict(now: Duration, lastActivity: Duration, timeout: Duration) -> StallVerdict {
        guard let deadline = stallDeadline(lastActivity: lastActivity, timeout: timeout), now >= deadline else {
            return .healthy
        }
        return isReceiving ? .resync(silentFor: now - lastActivity) : .replaceSocket
    }
}
