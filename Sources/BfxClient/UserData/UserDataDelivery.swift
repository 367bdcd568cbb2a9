/// The consumers of one user-data client: event streams, account-change streams and synchronous
/// handlers, each under an id. Owned by the ``UserDataClient`` actor (it is only touched there),
/// so a plain value type suffices.
struct UserDataDelivery {
    private var eventSubscribers: [UInt64: AsyncStream<UserDataEvent>.Continuation] = [:]
    private var changeSubscribers: [UInt64: AsyncStream<AccountChange>.Continuation] = [:]
    private var handlers: [UInt64: @Sendable (UserDataEvent) -> Void] = [:]
    private var nextID: UInt64 = 0

    /// A fresh id (subscribers, handlers and `ox_multi` groups share the sequence).
    mutating func nextIdentifier() -> UInt64 {
        nextID += 1
        return nextID
    }

    /// Registers an event stream under `id`.
    mutating func addEventSubscriber(_ id: UInt64, _ continuation: AsyncStream<UserDataEvent>.Continuation) {
        eventSubscribers[id] = continuation
    }

    /// Registers an account-change stream under `id`.
    mutating func addChangeSubscriber(_ id: UInt64, _ continuation: AsyncStream<AccountChange>.Continuation) {
        changeSubscribers[id] = continuation
    }

    /// Registers a synchronous handler; returns its token.
    mutating func addHandler(_ handler: @escaping @Sendable (UserDataEvent) -> Void) -> UInt64 {
        let id = nextIdentifier()
        handlers[id] = handler
        return id
    }

    /// Unregisters a handler.
    mutating func removeHandler(_ id: UInt64) { handlers[id] = nil }
    /// Unregisters an event stream (its consumer went away).
    mutating func removeEventSubscriber(_ id: UInt64) { eventSubscribers[id] = nil }
    /// Unregisters an account-change stream (its consumer went away).
    mutating func removeChangeSubscriber(_ id: UInt64) { changeSubscribers[id] = nil }

    /// Delivers `event` to every stream, then to every handler.
    func emit(_ event: UserDataEvent) {
        for continuation in eventSubscribers.values { continuation.yield(event) }
        for handler in handlers.values { handler(event) }
    }

    /// Delivers account changes to every change stream, in order.
    func publish(_ changes: [AccountChange]) {
        guard !changes.isEmpty else { return }
        for continuation in changeSubscribers.values {
            for change in changes { continuation.yield(change) }
        }
    }

    /// Finishes every stream (handlers stay registered but receive nothing more).
    mutating func finishStreams() {
        for continuation in eventSubscribers.values { continuation.finish() }
        for continuation in changeSubscribers.values { continuation.finish() }
        eventSubscribers.removeAll()
        changeSubscribers.removeAll()
    }
}
