import BfxProtocol

/// Per-subscription runtime state owned by a ``ConnectionSupervisor`` and confined to its event loop:
/// where the subscription is in its subscribe/unsubscribe cycle, its current `chanId`, liveness
/// and integrity bookkeeping. Survives reconnects (only `chanId` and the phase are reset).
final class ChannelState {
    enum Phase: Equatable {
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

    let core: SubscriptionCore
    var spec: ChannelSpec { core.spec }
    var id: SubscriptionID { core.id }

    var phase: Phase = .pending
    var chanId: Int?
    /// Set when the user unsubscribed while a request was in flight.
    var removalRequested = false
    /// Subscribed at least once (later `subscribed` events are resubscriptions).
    var everSubscribed = false
    var lastActivity: Duration = .zero
    var subscribedAt: Duration = .zero
    var messages = 0
    var subscribeRequests = 0
    var checksumMismatches = 0
    var checksumsVerified = 0
    var sequenceGaps = 0
    var resyncs = 0
    var overflowed = 0
    var malformed = 0
    /// When the data stopped being live (for trade-gap reports).
    var staleSince: Duration?
    var trades = TradeDeduplicator()
    var lastError: SubscriptionError?
    /// Backoff of consecutive retryable subscribe errors (10300, 10400, 11000, 10008); `nil`
    /// until the first one, reset when a `subscribed` arrives.
    var subscribeRetry: ReconnectBackoff?
    /// A retry timer is armed: the member stays `pending` but is not subscribed before it fires
    /// (a new socket subscribes it at once and invalidates the timer).
    var awaitingRetry = false
    /// Identifies the armed retry timer (stale timers are ignored).
    var retryToken = 0
    /// Backoff of consecutive retryable errors answering the resync `unsubscribe` (same policy as
    /// ``subscribeRetry``); `nil` until the first one, reset when `unsubscribed` arrives or the
    /// socket is replaced. While its timer is armed `awaitingRetry` is set in `unsubscribing`.
    var unsubscribeRetry: ReconnectBackoff?

    init(core: SubscriptionCore) {
        self.core = core
    }

    var isLive: Bool { phase == .live }
}
