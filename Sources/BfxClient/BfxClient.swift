import BfxProtocol
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// The Bitfinex WebSocket market-data client: a pool of connections (at most
/// ``BfxClientConfiguration/maxSubscriptionsPerConnection`` subscriptions each) that connect
/// through one shared rate limiter, watch their liveness, reconnect with backoff and resubscribe
/// everything, verify book checksums and sequence numbers, and deliver typed events per
/// subscription with bounded buffers.
///
/// ```swift
/// let client = try BfxClient(configuration: .init(publicURL: simulator.wsURL))
/// let book = try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25))
/// for await event in book.events {
///     if case .book(let change) = event { print(change.book.bids.first) }
/// }
/// ```
public final class BfxClient: Sendable {
    /// Why a client could not be created.
    public struct ConfigurationError: Error, CustomStringConvertible {
        /// One entry per invalid setting.
        public var problems: [String]
        /// All problems, one per line.
        public var description: String { "invalid WebSocket client configuration:\n" + problems.joined(separator: "\n") }
    }

    /// Why a request to the client was refused.
    public struct ClientError: Error, CustomStringConvertible {
        /// What went wrong.
        public var message: String
        /// The message.
        public var description: String { message }
    }

    private struct PoolEntry {
        let slot: ConnectionSupervisor
        var assigned: Int
        /// An authenticated connection that also carries public subscriptions (shared mode):
        /// filled first, and kept open when its last public subscription goes.
        var sharedAuthenticated = false
    }

    private struct PoolState {
        var slots: [Int: PoolEntry] = [:]
        var nextSlotID = 1
        var nextSubscriptionID = 1
        var subscriptions: [SubscriptionID: (slot: Int, core: SubscriptionCore)] = [:]
        var isShutdown = false
    }

    /// The configuration in use.
    public let configuration: BfxClientConfiguration
    /// Client-level events (connection states, maintenance, integrity incidents). Bounded: keeps
    /// the newest 4096 if nobody reads. Single consumer.
    public let events: AsyncStream<ClientEvent>

    let environment: ClientEnvironment
    private let group: any EventLoopGroup
    private let publicURL: WebSocketURL
    // Mutex: pool membership is changed by subscribe/unsubscribe from any task; held only for
    // bookkeeping, never across an await.
    private let pool = Mutex(PoolState())

    /// Creates a client; nothing connects until the first subscription.
    /// - Parameters:
    ///   - configuration: endpoints, limits, policies (validated here).
    ///   - eventLoopGroup: where sockets live (default: the shared NIO singleton group).
    ///   - clock: time source for every timer (inject the manual clock of `BfxTestSupport` in tests).
    ///   - logger: swift-log logger; every state change and recovery step is logged.
    ///   - metricsLabel: value of the `client` dimension of the swift-metrics instruments.
    public init(
        configuration: BfxClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        clock: any BfxClock = SystemClock(),
        logger: Logger = Logger(label: "bfx.ws"),
        metricsLabel: String = "default"
    ) throws(ConfigurationError) {
        let problems = configuration.validate()
        guard problems.isEmpty else { throw ConfigurationError(problems: problems) }
        do {
            self.publicURL = try WebSocketURL(parsing: configuration.publicURL)
        } catch {
            throw ConfigurationError(problems: ["publicURL: \(error)"])
        }
        self.configuration = configuration
        self.group = eventLoopGroup
        let (stream, continuation) = AsyncStream.makeStream(of: ClientEvent.self, bufferingPolicy: .bufferingNewest(4096))
        self.events = stream
        self.environment = ClientEnvironment(
            configuration: configuration, clock: ClientClock(clock), logger: logger,
            metrics: ClientMetrics(label: metricsLabel), eventContinuation: continuation
        )
    }

    /// Subscribes to `channel`. The returned handle stays valid across reconnects; its events
    /// start with ``SubscriptionEvent/subscribed(chanId:connection:resubscribed:)`` once the server
    /// confirmed. Subscribing the same channel twice gives two independent subscriptions on
    /// different connections is not supported: Bitfinex rejects duplicates per connection, so a
    /// duplicate is placed on another connection.
    public func subscribe(_ channel: ChannelSpec) async throws -> Subscription {
        let (core, slot, isNew): (SubscriptionCore, ConnectionSupervisor, Bool) = try pool.withLock { state in
            guard !state.isShutdown else { throw ClientError(message: "client is shut down") }
            let id = SubscriptionID(rawValue: state.nextSubscriptionID)
            state.nextSubscriptionID += 1
            let core = SubscriptionCore(id: id, spec: channel, buffering: configuration.buffering)
            // Fill the lowest-numbered connection with room and without the same channel; shared
            // authenticated connections come first (ADR 0019).
            let candidates = state.slots.keys.sorted { lhs, rhs in
                let l = state.slots[lhs]?.sharedAuthenticated == true, r = state.slots[rhs]?.sharedAuthenticated == true
                return l != r ? l : lhs < rhs
            }
            let occupied = Set(state.subscriptions.values.filter { $0.core.spec == channel }.map(\.slot))
            if let slotID = candidates.first(where: { state.slots[$0].map { $0.assigned < configuration.maxSubscriptionsPerConnection } == true && !occupied.contains($0) }),
               let entry = state.slots[slotID] {
                state.slots[slotID]?.assigned += 1
                state.subscriptions[id] = (slotID, core)
                return (core, entry.slot, false)
            }
            let slotID = state.nextSlotID
            state.nextSlotID += 1
            let slot = ConnectionSupervisor(
                id: slotID, eventLoop: group.next(), url: publicURL,
                environment: environment, limiter: environment.publicLimiter
            )
            state.slots[slotID] = PoolEntry(slot: slot, assigned: 1)
            state.subscriptions[id] = (slotID, core)
            return (core, slot, true)
        }
        slot.add(core)
        if isNew { slot.start() }
        environment.logger.debug("subscription added", metadata: ["channel": "\(channel)", "id": "\(core.id)", "connection": "\(slot.id)"])
        return Subscription(core: core) { [weak self] id in await self?.unsubscribe(id) }
    }

    /// Unsubscribes `id`; a connection left without subscriptions is closed.
    public func unsubscribe(_ id: SubscriptionID) async {
        let (slot, emptied): (ConnectionSupervisor?, Bool) = pool.withLock { state in
            guard let record = state.subscriptions.removeValue(forKey: id), var entry = state.slots[record.slot] else { return (nil, false) }
            entry.assigned -= 1
            if entry.assigned <= 0 && !entry.sharedAuthenticated {
                state.slots[record.slot] = nil
                return (entry.slot, true)
            }
            state.slots[record.slot] = entry
            return (entry.slot, false)
        }
        guard let slot else { return }
        try? await slot.remove(id).get()
        if emptied {
            environment.logger.info("closing idle connection", metadata: ["connection": "\(slot.id)"])
            try? await slot.stop(reason: .idle, finishSubscriptions: false).get()
        }
    }

    /// Opens an authenticated connection on ``BfxClientConfiguration/authenticatedURL``
    /// (through the authenticated rate limiter). It re-authenticates with a fresh request from
    /// `hook` after every reconnect; channel-0 frames go to the hook.
    /// - Parameters:
    ///   - hook: builds each socket's signed `auth` request and receives the answers and channel-0 frames.
    ///   - sharesPublicSubscriptions: `false` (default): dedicated to the account, no public
    ///     subscription is placed on it. `true` (shared mode, ADR 0019): later ``subscribe(_:)``
    ///     calls fill this connection first (up to
    ///     ``BfxClientConfiguration/maxSubscriptionsPerConnection``); they are (re)subscribed after
    ///     each successful (re)authentication.
    package func openAuthenticatedConnection(_ hook: AuthenticationHook,
                                             sharesPublicSubscriptions: Bool = false) throws -> AuthenticatedConnection {
        let url: WebSocketURL
        do { url = try WebSocketURL(parsing: configuration.authenticatedURL) } catch {
            throw ClientError(message: "authenticatedURL: \(error)")
        }
        let slot: ConnectionSupervisor = try pool.withLock { state in
            guard !state.isShutdown else { throw ClientError(message: "client is shut down") }
            let slotID = state.nextSlotID
            state.nextSlotID += 1
            let slot = ConnectionSupervisor(id: slotID, eventLoop: group.next(), url: url, environment: environment,
                                      limiter: environment.authenticatedLimiter, authHook: hook)
            // Dedicated authenticated slots are not used for public subscriptions (assigned = max).
            state.slots[slotID] = PoolEntry(slot: slot, assigned: sharesPublicSubscriptions ? 0 : Int.max / 2,
                                            sharedAuthenticated: sharesPublicSubscriptions)
            return slot
        }
        slot.start()
        return AuthenticatedConnection(supervisor: slot) { [weak self] in self?.forget(slot: slot.id) }
    }

    /// Drops a closed authenticated connection from the pool with the subscriptions it carried
    /// (their streams were finished by the close).
    private func forget(slot id: Int) {
        pool.withLock { state in
            state.slots[id] = nil
            state.subscriptions = state.subscriptions.filter { $0.value.slot != id }
        }
    }

    /// Closes every connection (the pool reconnects them at once, through the rate limiter).
    public func reconnectAll() {
        for slot in slots() { slot.reconnect(reason: .requested) }
    }

    /// Forces a reconnect of connection `id` (console/operator command).
    public func reconnect(connection id: Int) {
        slots().first { $0.id == id }?.reconnect(reason: .requested)
    }

    /// Number of pooled connections.
    public var connectionCount: Int { pool.withLock { $0.slots.count } }

    /// A consistent-per-connection status view (connections, channels, integrity counters).
    public func snapshot() async -> ClientSnapshot {
        var connections: [ConnectionStatus] = []
        var channels: [ChannelStatus] = []
        for slot in slots().sorted(by: { $0.id < $1.id }) {
            if let (c, ch) = try? await slot.eventLoop.submit({ slot.status() }).get() {
                connections.append(c)
                channels.append(contentsOf: ch)
            }
        }
        return ClientSnapshot(
            connections: connections,
            channels: channels.sorted { $0.subscription < $1.subscription },
            integrity: environment.integrityCounters,
            connectionOpensGranted: await environment.publicLimiter.granted,
            connectionOpensThrottled: await environment.publicLimiter.throttled
        )
    }

    /// Stops everything: closes all connections, ends every subscription's events and the
    /// client event stream. Idempotent.
    public func shutdown() async {
        let all: [ConnectionSupervisor] = pool.withLock { state in
            state.isShutdown = true
            let slots = state.slots.values.map(\.slot)
            state.slots.removeAll()
            for record in state.subscriptions.values { record.core.buffer.finish() }
            state.subscriptions.removeAll()
            return slots
        }
        for slot in all {
            try? await slot.stop(reason: .shutdown, finishSubscriptions: true).get()
        }
        environment.metrics.openConnections.record(0)
        environment.finishEvents()
    }

    private func slots() -> [ConnectionSupervisor] {
        pool.withLock { $0.slots.values.map(\.slot) }
    }
}
