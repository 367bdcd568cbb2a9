import BfxClient
import BfxProtocol
import Logging
import Metrics

/// The gateway's registry: local clients, their channels, and one ``ChannelFeed`` per distinct
/// upstream channel, reference-counted and kept `linger` after its last local subscriber.
actor GatewayHub {
    private struct FeedEntry {
        let feed: ChannelFeed
        var subscription: Subscription?
        var consumer: Task<Void, Never>?
        var refs = 0
        var lingerGeneration = 0
        var linger: Task<Void, Never>?
    }

    private struct ClientEntry {
        let client: LocalClient
        var channels: [Int64: ChannelSpec] = [:]
        var bucket: TokenBucket
    }

    let configuration: GatewayConfiguration
    private let upstream: BfxClient
    private let clock: any BfxClock
    private let logger: Logger
    private var feeds: [ChannelSpec: FeedEntry] = [:]
    private var clients: [Int: ClientEntry] = [:]
    private var nextChanId: Int64 = 1
    private var nextClientID = 1
    private(set) var maintenance = false
    private var upstreamSubscribes = 0
    private var kicked = 0
    private var overflows = 0
    private let clientsGauge = Gauge(label: "bfx_gateway_clients")
    private let channelsGauge = Gauge(label: "bfx_gateway_upstream_channels")

    init(configuration: GatewayConfiguration, upstream: BfxClient, clock: any BfxClock, logger: Logger) {
        self.configuration = configuration
        self.upstream = upstream
        self.clock = clock
        self.logger = logger
    }

    // MARK: clients

    /// A new local connection, or nil when `maxClients` are connected.
    func connect(remote: String) -> LocalClient? {
        guard clients.count < configuration.maxClients else { return nil }
        let id = nextClientID
        nextClientID += 1
        let client = LocalClient(id: id, remote: remote, connectedAtMillis: Int64(clock.wallMicros() / 1_000),
                                 sendBuffer: configuration.sendBuffer)
        // burst: TokenBucket holds perMinute / 6 tokens, i.e. 10 s of requests
        let perMinute = Double(configuration.requestsPerSecond * 60)
        clients[id] = ClientEntry(client: client, bucket: TokenBucket(perMinute: perMinute, nowNanos: clock.monotonicNanos()))
        clientsGauge.record(clients.count)
        return client
    }

    /// Forgets a local connection and releases its channels.
    func disconnected(_ clientID: Int) {
        guard let entry = clients.removeValue(forKey: clientID) else { return }
        for spec in entry.channels.values { release(spec, clientID: clientID) }
        clientsGauge.record(clients.count)
    }

    /// Counts an overflow (the writer closes the connection).
    func noteOverflow() { overflows += 1 }

    /// Closes a local client with 1000 "kicked by operator". False if there is no such client.
    func kick(_ clientID: Int) -> Bool {
        guard let entry = clients[clientID] else { return false }
        kicked += 1
        entry.client.outbox.requestClose(code: 1000, reason: "kicked by operator")
        return true
    }

    /// Takes one request token for `clientID`; false when it exceeded its request rate.
    func admitRequest(_ clientID: Int) -> Bool {
        guard var entry = clients[clientID] else { return false }
        defer { clients[clientID] = entry }
        return entry.bucket.take(nowNanos: clock.monotonicNanos()) == nil
    }

    // MARK: subscribe / unsubscribe

    /// Handles a local `subscribe`: validated here, answered by the feed (now or when upstream
    /// confirms), or answered with Bitfinex's error event.
    func subscribe(_ clientID: Int, request: JSONObject) async {
        guard let entry = clients[clientID] else { return }
        let client = entry.client
        let spec: ChannelSpec
        switch LocalRequest.channelSpec(request) {
        case .success(let s): spec = s
        case .failure(let failure):
            reject(client, failure.code, failure.msg, request)
            return
        }
        if entry.channels.values.contains(spec) { reject(client, 10301, "subscribe: dup", request); return }
        if let max = configuration.maxChannelsPerClient, entry.channels.count >= max {
            reject(client, 10305, "subscribe: limit", request)
            return
        }
        let feed = feedFor(spec)
        if let failure = feed.join(client, request: request) {
            reject(client, failure.code, failure.message, request)
            return
        }
        clients[clientID]?.channels[feed.chanId] = spec
        feeds[spec]?.refs += 1
        feeds[spec]?.linger?.cancel()
        feeds[spec]?.linger = nil
        if feeds[spec]?.subscription == nil, feeds[spec]?.consumer == nil { await startUpstream(spec) }
    }

    /// Handles a local `unsubscribe`.
    func unsubscribe(_ clientID: Int, request: JSONObject) {
        guard let entry = clients[clientID] else { return }
        guard let chanId = request["chanId"]?.int64 else {
            reject(entry.client, 10400, "unsubscribe: invalid", request)
            return
        }
        guard let spec = entry.channels[chanId] else {
            reject(entry.client, 10401, "unsubscribe: invalid", request)
            return
        }
        clients[clientID]?.channels.removeValue(forKey: chanId)
        release(spec, clientID: clientID)
        entry.client.outbox.sendEvent("{\"event\":\"unsubscribed\",\"status\":\"OK\",\"chanId\":\(chanId)}", nowNanos: clock.monotonicNanos())
    }

    private func reject(_ client: LocalClient, _ code: Int, _ msg: String, _ request: JSONObject?) {
        client.noteRejected()
        client.outbox.sendEvent(LocalWire.error(code: code, msg: msg, echo: request), nowNanos: clock.monotonicNanos())
    }

    /// Sends an error event to a client (malformed input, unknown event, rate limit).
    func sendError(_ clientID: Int, code: Int, msg: String, echo: JSONObject?) {
        guard let client = clients[clientID]?.client else { return }
        reject(client, code, msg, echo)
    }

    // MARK: feeds

    private func feedFor(_ spec: ChannelSpec) -> ChannelFeed {
        if let existing = feeds[spec] { return existing.feed }
        let feed = ChannelFeed(spec: spec, chanId: nextChanId, clock: clock)
        nextChanId += 1
        feeds[spec] = FeedEntry(feed: feed)
        channelsGauge.record(feeds.count)
        return feed
    }

    private func startUpstream(_ spec: ChannelSpec) async {
        guard let feed = feeds[spec]?.feed else { return }
        // a placeholder consumer marks the start as in progress (the actor is reentrant below)
        feeds[spec]?.consumer = Task {}
        upstreamSubscribes += 1
        do {
            let subscription = try await upstream.subscribe(spec)
            let consumer = Task { [weak self] in
                for await event in subscription.events {
                    if let failure = feed.handle(event) {
                        await self?.feedFailed(spec, feed: feed, failure)
                        return
                    }
                }
            }
            guard feeds[spec]?.feed === feed else {
                consumer.cancel()
                await subscription.unsubscribe()
                return
            }
            feeds[spec]?.subscription = subscription
            feeds[spec]?.consumer = consumer
        } catch {
            _ = feed.handle(.failed(SubscriptionError(code: 10300, message: "subscribe: failed (\(error))")))
            feedFailed(spec, feed: feed, SubscriptionError(code: 10300, message: "\(error)"))
        }
    }

    private func feedFailed(_ spec: ChannelSpec, feed: ChannelFeed, _ error: SubscriptionError) {
        guard let entry = feeds[spec], entry.feed === feed else { return }
        logger.warning("gateway upstream subscription failed", metadata: ["channel": "\(spec)", "error": "\(error)"])
        feeds.removeValue(forKey: spec)
        entry.linger?.cancel()
        entry.consumer?.cancel()
        for (id, client) in clients {
            clients[id]?.channels = client.channels.filter { $0.value != spec }
        }
        channelsGauge.record(feeds.count)
    }

    private func release(_ spec: ChannelSpec, clientID: Int) {
        guard var entry = feeds[spec] else { return }
        entry.feed.leave(clientID)
        entry.refs = max(0, entry.refs - 1)
        if entry.refs == 0 {
            entry.lingerGeneration += 1
            let generation = entry.lingerGeneration
            let linger = configuration.linger
            let clock = self.clock
            entry.linger = Task { [weak self] in
                if linger > .zero {
                    do { try await clock.sleep(for: linger) } catch { return }
                }
                await self?.expire(spec, generation: generation)
            }
        }
        feeds[spec] = entry
    }

    private func expire(_ spec: ChannelSpec, generation: Int) async {
        guard let entry = feeds[spec], entry.refs == 0, entry.lingerGeneration == generation else { return }
        feeds.removeValue(forKey: spec)
        channelsGauge.record(feeds.count)
        entry.consumer?.cancel()
        await entry.subscription?.unsubscribe()
    }

    // MARK: upstream state

    /// Forwards maintenance start (20060) and end (20061) to every local client.
    func setMaintenance(_ active: Bool) {
        guard active != maintenance else { return }
        maintenance = active
        let text = active ? LocalWire.info(code: 20060, msg: "Entering in Maintenance mode. Please pause any activity and resume after receiving the info message 20061 (it should take 120 seconds at most).")
            : LocalWire.info(code: 20061, msg: "Maintenance ended. You can resume normal activity. It is advised to unsubscribe/subscribe again all channels.")
        let now = clock.monotonicNanos()
        for entry in clients.values { entry.client.outbox.sendEvent(text, nowNanos: now) }
    }

    /// Sends `hb` on every idle channel.
    func heartbeatSweep() {
        let now = clock.monotonicNanos()
        for entry in feeds.values { entry.feed.heartbeatIfIdle(interval: configuration.heartbeat, nowNanos: now) }
    }

    /// Closes every local client (shutdown) and drops the upstream subscriptions.
    func closeAll() async {
        for entry in clients.values { entry.client.outbox.requestClose(code: 1001, reason: "gateway shutting down") }
        for (_, entry) in feeds {
            entry.linger?.cancel()
            entry.consumer?.cancel()
            await entry.subscription?.unsubscribe()
        }
        feeds.removeAll()
    }

    // MARK: state

    func snapshot() -> GatewaySnapshot {
        let now = clock.monotonicNanos()
        let clientInfos = clients.values.sorted { $0.client.id < $1.client.id }.map { entry in
            GatewaySnapshot.Client(
                id: entry.client.id, remote: entry.client.remote, connectedAtMillis: entry.client.connectedAtMillis,
                flags: entry.client.outbox.flags.rawValue,
                channels: entry.channels.sorted { $0.key < $1.key }.map { "\($0.value)" },
                framesOut: entry.client.outbox.sent, framesIn: entry.client.framesIn, errors: entry.client.errors,
                dropped: entry.client.outbox.droppedFrames, queued: entry.client.outbox.queued,
                lagMillis: Double(entry.client.outbox.lagNanos(now: now)) / 1e6)
        }
        let channelInfos = feeds.sorted { $0.value.feed.chanId < $1.value.feed.chanId }.map { spec, entry in
            let info = entry.feed.info()
            return GatewaySnapshot.Channel(channel: "\(spec)", chanId: entry.feed.chanId, subscribers: info.subscribers,
                                           live: info.ready, packets: info.packets, healed: info.healed,
                                           integrityEvents: info.integrity, lingering: entry.refs == 0)
        }
        return GatewaySnapshot(clients: clientInfos, channels: channelInfos, maintenance: maintenance,
                               upstreamSubscribes: upstreamSubscribes, kicked: kicked, overflows: overflows)
    }

    /// The published book of a channel (tests, diagnostics).
    func publishedBook(_ spec: ChannelSpec) -> OrderBook? { feeds[spec]?.feed.publishedBook() }
}
