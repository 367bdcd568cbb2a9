import BfxProtocol

/// Per-subscription runtime state owned by a ``ConnectionSupervisor`` and confined to its event loop:
/// where the subscription is in its subscribe/unsubscribe cycle, its current `chanId`, liveness
/// and integrity bookkeeping. Survives reconnects (only `chanId` and the phase are reset).
final class ChannelState {
    /// The phases of ``SubscriptionStateMachine``.
    typealias Phase = SubscriptionStateMachine.Phase

    let core: SubscriptionCore
    var spec: ChannelSpec { core.spec }
    var id: SubscriptionID { core.id }

    /// The subscribe/unsubscribe/resync decisions (phase, `chanId`, retry schedules and timers).
    var machine: SubscriptionStateMachine
    /// The current phase (see ``machine``).
    var phase: Phase { machine.phase }
    /// The `chanId` on the current socket (see ``machine``).
    var chanId: Int? { machine.chanId }
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

    /// Checksum mismatches counted and reported without a resync (``ChecksumPolicy/Mode/observe``).
    var checksumMismatchesObserved = 0

    init(core: SubscriptionCore, retryPolicy: ReconnectPolicy, checksumPolicy: ChecksumPolicy = .standard) {
        self.core = core
        self.machine = SubscriptionStateMachine(
            retryPolicy: retryPolicy, checksumMode: checksumPolicy.mode(for: core.spec),
            observeResyncWindow: checksumPolicy.observeResyncWindow
        )
    }

    /// Data flows.
    var isLive: Bool { machine.isLive }
}
