import BfxProtocol

/// Client-level events: connection lifecycle, server notices and integrity incidents. Observe
/// them through ``BfxClient/events``; they are also logged and counted.
public enum ClientEvent: Sendable {
    /// A pooled connection changed state.
    case connectionState(connection: Int, state: ConnectionState)
    /// A connection was closed (by the peer or by the client) for `reason`.
    case connectionClosed(connection: Int, reason: CloseReason)
    /// A reconnect attempt is scheduled after `delay`.
    case reconnectScheduled(connection: Int, attempt: Int, delay: Duration)
    /// The reconnect policy gave up on a connection.
    case gaveUp(connection: Int, reason: String)
    /// Info 20051: the server is restarting; the connection reconnects at once.
    case serverRestart(connection: Int)
    /// Info 20060 (`true`) / 20061 (`false`): maintenance started / ended.
    case maintenance(connection: Int, active: Bool)
    /// A data integrity incident and what was done about it.
    case integrity(IntegrityEvent)
    /// A subscription failed permanently (for example an unknown symbol, or a retryable error
    /// that persisted beyond ``BfxClientConfiguration/subscribeRetry``).
    case subscriptionFailed(SubscriptionID, ChannelSpec, SubscriptionError)
    /// The server answered a `subscribe` with a retryable error (10300, 10400, 11000, 10008):
    /// it is sent again after `delay` (1-based `attempt` of ``BfxClientConfiguration/subscribeRetry``).
    case subscribeRetryScheduled(SubscriptionID, ChannelSpec, code: Int, attempt: Int, delay: Duration)
}

/// A detected data-integrity incident on one subscription (or connection) and the recovery taken.
public struct IntegrityEvent: Sendable, Hashable, CustomStringConvertible {
    /// What was detected.
    public enum Kind: Sendable, Hashable {
        /// A book's checksum differs from the server's `cs`: the local book diverged, or the
        /// server's checksum is wrong (funding books, see ``ChecksumPolicy``). Under the book
        /// kind's ``ChecksumPolicy/Mode`` the channel is resubscribed and rebuilt from a fresh
        /// snapshot (``Recovery/resync``) or, in `observe` within its resync window, only
        /// counted and reported (``Recovery/reportOnly(nextResyncAt:)``).
        case checksumMismatch(server: Int32, local: Int32)
        /// A sequence number was skipped (SEQ_ALL): a message was lost. The channel whose message
        /// revealed the gap is resubscribed; other books are guarded by their checksums.
        case sequenceGap(expected: Int64, received: Int64)
        /// Trades may have been missed while disconnected: the fresh snapshot does not reach back
        /// to the last trade seen. Fetch `lastSeenID+1 ..< firstRecoveredID` via REST if needed.
        case tradeGap(lastSeenID: Int64, firstRecoveredID: Int64, outage: Duration)
        /// A channel stopped receiving data and heartbeats; it is resubscribed.
        case channelStalled(silentFor: Duration)
        /// A frame could not be decoded; it is skipped and the affected channel resubscribed.
        case malformedFrame(reason: String)
    }

    /// What the client did about an incident.
    public enum Recovery: Sendable, Hashable {
        /// The affected channel is resubscribed (`stale(.resync)`, then a fresh snapshot).
        case resync
        /// Counted and reported only; nothing was resubscribed. `nextResyncAt` is the client
        /// clock's instant from which a checksum mismatch resyncs this book again (observe
        /// window), `nil` when no automatic resync follows (a trade gap).
        case reportOnly(nextResyncAt: Duration?)
    }

    /// What was detected.
    public var kind: Kind
    /// What was done about it.
    public var recovery: Recovery
    /// The affected subscription, if the incident is attributable to one.
    public var subscription: SubscriptionID?
    /// The affected channel, if known.
    public var channel: ChannelSpec?
    /// The connection it happened on.
    public var connection: Int

    /// Creates an event; `recovery` defaults to what the kind normally does (``Recovery/resync``,
    /// except ``Kind/tradeGap(lastSeenID:firstRecoveredID:outage:)``, which is report-only).
    public init(kind: Kind, subscription: SubscriptionID?, channel: ChannelSpec?, connection: Int, recovery: Recovery? = nil) {
        self.kind = kind
        if let recovery {
            self.recovery = recovery
        } else if case .tradeGap = kind {
            self.recovery = .reportOnly(nextResyncAt: nil)
        } else {
            self.recovery = .resync
        }
        self.subscription = subscription
        self.channel = channel
        self.connection = connection
    }

    /// One-line summary.
    public var description: String {
        let target = channel.map { "\($0)" } ?? "connection \(connection)"
        switch kind {
        case .checksumMismatch(let server, let local):
            guard case .reportOnly = recovery else {
                return "checksum mismatch on \(target): server \(server), local \(local); resubscribing"
            }
            return "checksum mismatch on \(target): server \(server), local \(local); observed (checksum policy), not resubscribing"
        case .sequenceGap(let expected, let received): return "sequence gap on connection \(connection): expected \(expected), got \(received) (\(target)); resubscribing"
        case .tradeGap(let last, let first, let outage): return "possible trade gap on \(target): last seen \(last), first recovered \(first) after \(outage) outage"
        case .channelStalled(let silent): return "\(target) silent for \(silent); resubscribing"
        case .malformedFrame(let reason): return "malformed frame on \(target): \(reason)"
        }
    }
}

/// Why a subscription failed permanently.
public struct SubscriptionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Bitfinex error code (10001 unknown pair, 10011 unknown precision, …) or 0 for client-side.
    public var code: Int
    /// Server or client message.
    public var message: String
    /// How many `subscribe` requests were answered with this error before giving up (1 for a
    /// fatal code; `subscribeRetry.maxAttempts + 1` when retries of a retryable code ran out).
    public var attempts: Int

    /// A subscribe error with the server's `code` and text, after `attempts` tries.
    public init(code: Int, message: String, attempts: Int = 1) {
        self.code = code
        self.message = message
        self.attempts = attempts
    }

    /// Whether Bitfinex classifies `code` as transient (see `BfxErrorCode.category`).
    public var isRetryable: Bool { BfxErrorCode(code).category == .retryable }

    /// `code: message`.
    public var description: String { attempts > 1 ? "\(code): \(message) (after \(attempts) attempts)" : "\(code): \(message)" }
}
