/// A point-in-time view of a ``BfxClient`` for dashboards, the console and diagnostics dumps.
public struct ClientSnapshot: Sendable, Hashable {
    /// Every pooled connection.
    public var connections: [ConnectionStatus]
    /// Every subscription.
    public var channels: [ChannelStatus]
    /// Client-wide integrity and recovery counters.
    public var integrity: IntegrityCounters
    /// Connection opens granted by the shared public rate limiter.
    public var connectionOpensGranted: Int
    /// Times a connection open had to wait for the rate limiter.
    public var connectionOpensThrottled: Int
}

/// Status of one pooled connection.
public struct ConnectionStatus: Sendable, Hashable {
    /// Connection number (stable for the life of the pool slot).
    public var id: Int
    /// Lifecycle state.
    public var state: ConnectionState
    /// Endpoint URL.
    public var url: String
    /// Subscriptions assigned to this connection.
    public var subscriptions: Int
    /// Of those, how many are live.
    public var liveSubscriptions: Int
    /// Time since the last inbound message (`nil` if never connected).
    public var lastMessageAge: Duration?
    /// Inbound messages over the slot's life.
    public var messages: Int
    /// Successful opens of this slot (first connect included).
    public var opens: Int
    /// Why the previous socket closed, if it did.
    public var lastCloseReason: CloseReason?
}

/// Status of one subscription.
public struct ChannelStatus: Sendable, Hashable {
    /// Subscription id (also the `subId` sent to Bitfinex).
    public var subscription: SubscriptionID
    /// Channel and parameters.
    public var channel: ChannelSpec
    /// Connection it is assigned to.
    public var connection: Int
    /// Current Bitfinex `chanId` (`nil` while not subscribed).
    public var chanId: Int?
    /// Phase name (`pending`, `subscribing`, `awaitingSnapshot`, `live`, `unsubscribing`, `failed`).
    public var phase: String
    /// Messages received for this subscription.
    public var messages: Int
    /// Time since its last message.
    public var lastMessageAge: Duration?
    /// `subscribe` requests sent (1 + resubscriptions).
    public var subscribeRequests: Int
    /// Checksums verified / mismatched.
    public var checksumsVerified: Int
    /// Checksum mismatches detected.
    public var checksumMismatches: Int
    /// Of those, how many were only counted and reported (``ChecksumPolicy/Mode/observe``
    /// within its resync window) instead of resubscribing the book.
    public var checksumMismatchesObserved: Int
    /// Sequence gaps attributed to this subscription.
    public var sequenceGaps: Int
    /// Integrity resyncs (resubscriptions of this channel alone).
    public var resyncs: Int
    /// Events waiting in its buffer.
    public var bufferDepth: Int
    /// Events coalesced (latest-only) so far.
    public var coalesced: Int
}

/// Client-wide integrity and recovery counters (monotonic).
public struct IntegrityCounters: Sendable, Hashable {
    /// Reconnect attempts started.
    public var reconnects = 0
    /// Connections closed as stalled (no data within the heartbeat timeout).
    public var stalls = 0
    /// Channels resubscribed after being silent.
    public var channelStalls = 0
    /// Book `cs` frames whose value differed from the local book's CRC-32 (each one resubscribes
    /// that book, except those counted in ``checksumMismatchesObserved``).
    public var checksumMismatches = 0
    /// Checksum mismatches only counted and reported, not resynced (books whose
    /// ``ChecksumPolicy/Mode`` is `observe`, within the resync window).
    public var checksumMismatchesObserved = 0
    /// SEQ_ALL sequence numbers that skipped or went back (each one resubscribes the affected channel).
    public var sequenceGaps = 0
    /// Possible trade gaps reported after outages.
    public var tradeGaps = 0
    /// Frames that failed to decode.
    public var malformedFrames = 0
    /// `subscribe` requests sent after the first one of a subscription.
    public var resubscriptions = 0
    /// Duplicate trades (`tu` after `te`, snapshot repeats) dropped.
    public var duplicateTradesDropped = 0
    /// Info 20051 received.
    public var serverRestarts = 0
    /// Info 20060 received.
    public var maintenanceStarts = 0
    /// Times the reconnect policy gave up.
    public var giveUps = 0
    /// Subscribe requests retried after a retryable server error (10300, 10400, 11000, 10008).
    public var subscribeRetries = 0

    /// All zero.
    public init() {}
}
