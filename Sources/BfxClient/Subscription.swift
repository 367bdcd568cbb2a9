import BfxProtocol

/// A handle to one subscription. It stays valid across reconnects, maintenance and integrity
/// resyncs: the client resubscribes behind it and tells you through ``SubscriptionEvent/stale(_:)``
/// and ``SubscriptionEvent/subscribed(chanId:connection:resubscribed:)``.
///
/// Consume events either with `for await event in subscription.events` or with
/// ``onEvent(_:)`` — one consumer per subscription.
public final class Subscription: Sendable {
    /// The subscription's id (also its Bitfinex `subId`).
    public var id: SubscriptionID { core.id }
    /// The channel and all its parameters.
    public var channel: ChannelSpec { core.spec }

    let core: SubscriptionCore
    private let unsubscribeAction: @Sendable (SubscriptionID) async -> Void

    init(core: SubscriptionCore, unsubscribe: @escaping @Sendable (SubscriptionID) async -> Void) {
        self.core = core
        self.unsubscribeAction = unsubscribe
    }

    /// The events of this subscription, in order. Ends after ``unsubscribe()``, client shutdown
    /// or a ``SubscriptionEvent/failed(_:)`` event.
    public var events: SubscriptionEvents { SubscriptionEvents(core: core) }

    /// Calls `handler` for every event on a new task (the callback form of ``events``); cancel the
    /// returned task to stop.
    @discardableResult
    public func onEvent(_ handler: @escaping @Sendable (SubscriptionEvent) async -> Void) -> Task<Void, Never> {
        let core = self.core
        return Task {
            while let event = await core.nextEvent() {
                await handler(event)
            }
        }
    }

    /// Unsubscribes (sends `unsubscribe` if live) and ends ``events``.
    public func unsubscribe() async {
        await unsubscribeAction(core.id)
    }

    /// Whether the channel is currently subscribed with fresh data.
    public var isLive: Bool { core.isLive }

    /// The current maintained order book (book subscriptions only; `nil` before the first snapshot).
    public func currentBook() -> OrderBook? { core.currentBook() }
}

/// The `AsyncSequence` of a subscription's events.
public struct SubscriptionEvents: AsyncSequence, Sendable {
    /// Element type.
    public typealias Element = SubscriptionEvent
    let core: SubscriptionCore

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator { Iterator(core: core) }

    /// Iterator over subscription events.
    public struct Iterator: AsyncIteratorProtocol {
        let core: SubscriptionCore
        /// The next event, or `nil` when the subscription ended (or the task was cancelled).
        public mutating func next() async -> SubscriptionEvent? { await core.nextEvent() }
    }
}
