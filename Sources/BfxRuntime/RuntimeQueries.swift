import BfxClient
import BfxNonce
import Foundation

extension RuntimeSnapshot {
    /// An empty snapshot (runtime gone).
    static var empty: RuntimeSnapshot {
        RuntimeSnapshot(takenAt: Date(), status: RuntimeStatus(phase: .stopped, endpoint: "", uptimeSeconds: 0, connections: 0, channels: 0,
                                                               alertsFiring: 0, messages: 0, reconnects: 0),
                        connections: [], channels: [], books: [], tickers: [], trades: [], candles: [], nonces: [], queues: [],
                        alerts: [], integrity: [:], history: [])
    }
}

extension Runtime {
    /// Overall status.
    public func status() -> RuntimeStatus {
        let uptime = startedAt.map { Date().timeIntervalSince($0) } ?? 0
        return RuntimeStatus(phase: phase, endpoint: endpointName, wsURL: urls.wsPublic, restURL: urls.restPublic,
                             uptimeSeconds: uptime, startedAt: startedAt, httpAddress: server?.address,
                             connections: wsClient?.connectionCount ?? 0, channels: channels.count,
                             alertsFiring: alertEngine.firingCount, messages: totalMessages,
                             reconnects: clientCounters.reconnects, configFile: options.configPath,
                             userDataStreams: userData.count, userDataEvents: userData.values.reduce(0) { $0 + $1.view.totalEvents })
    }

    /// The token-bucket limits in force in the signed REST client of `key` (first key when nil):
    /// `rate_limits.rest_auth_per_minute` / `rest_public_per_minute` as the per-endpoint default.
    /// Nil when no such key is configured or the runtime is not started.
    public func restRateLimits(key: String? = nil) -> RESTRateLimits? {
        guard let name = key ?? config.keys.first?.name else { return nil }
        return restClients[name]?.configuration.rateLimits
    }

    /// Pooled connections.
    public func connections() async -> [ConnectionInfo] {
        guard let snapshot = await wsClient?.snapshot() else { return [] }
        return snapshot.connections.map { c in
            ConnectionInfo(id: c.id, kind: c.url == urls.wsAuth && urls.wsAuth != urls.wsPublic ? "auth" : "public", url: c.url,
                           state: c.state.rawValue, subscriptions: c.subscriptions, liveSubscriptions: c.liveSubscriptions,
                           messages: c.messages, opens: c.opens, lastMessageAgeSeconds: c.lastMessageAge.map(Self.seconds),
                           lastCloseReason: c.lastCloseReason?.rawValue)
        }
    }

    /// Subscriptions in creation order.
    public func channelList() async -> [ChannelInfo] {
        let snapshot = await wsClient?.snapshot()
        var byID: [SubscriptionID: ChannelStatus] = [:]
        for status in snapshot?.channels ?? [] { byID[status.subscription] = status }
        return channelOrder.compactMap { id in
            guard let entry = channels[id] else { return nil }
            let status = byID[entry.subscription.id]
            return ChannelInfo(id: id, group: entry.group, spec: entry.spec, name: entry.spec.description,
                               connection: status?.connection, chanId: status?.chanId, state: status?.phase ?? entry.state,
                               messages: entry.messages, lastMessageAgeSeconds: status?.lastMessageAge.map(Self.seconds),
                               checksumsVerified: status?.checksumsVerified ?? 0, checksumMismatches: status?.checksumMismatches ?? 0,
                               checksumMismatchesObserved: status?.checksumMismatchesObserved ?? 0,
                               sequenceGaps: status?.sequenceGaps ?? 0, resyncs: status?.resyncs ?? 0)
        }
    }

    /// Alias of `channelList()` matching docs/runtime-api.md.
    public func channels() async -> [ChannelInfo] { await channelList() }

    /// The top `depth` levels of a symbol's book (the first book subscription of that symbol).
    public func book(symbol: String, depth: Int = 10) -> BookView? {
        let entries = market.books.values.filter { $0.symbol == symbol }
        guard let entry = entries.sorted(by: { $0.prec < $1.prec }).first else { return nil }
        return market.bookView(entry, depth: max(1, min(depth, 250)))
    }

    /// Every book, top `depth` levels.
    public func books(depth: Int = 5) -> [BookView] {
        market.books.keys.sorted().compactMap { market.books[$0] }.map { market.bookView($0, depth: depth) }
    }

    /// Latest tickers, by symbol.
    public func tickers() -> [TickerView] { market.tickers.keys.sorted().compactMap { market.tickers[$0] } }

    /// Latest ticker of a symbol.
    public func ticker(symbol: String) -> TickerView? { market.tickers[symbol] }

    /// Recent trades, newest first (all symbols when nil).
    public func trades(symbol: String? = nil, limit: Int = 20) -> [TradeView] {
        if let symbol { return Array((market.trades[symbol] ?? []).prefix(max(0, limit))) }
        return Array(market.trades.values.flatMap { $0 }.sorted { $0.mts > $1.mts }.prefix(max(0, limit)))
    }

    /// Recent candles of a key, newest first.
    public func candles(key: String, limit: Int = 20) -> [CandleView] {
        Array((market.candles[key] ?? []).prefix(max(0, limit)))
    }

    /// Nonce usage per configured key.
    public func nonceStats() async -> [NonceKeyStats] {
        guard let manager = nonceManager else { return [] }
        let snapshot = await manager.snapshot(recentLimit: 0)
        let names = Dictionary(keyIDs.map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return snapshot.keys.map { key in
            let c = key.counters
            let name = names[key.keyID] ?? key.keyID
            let location = config.key(named: name)?.nonceStore.url?.masked ?? key.store.location
            return NonceKeyStats(key: name, keyID: key.keyID, store: key.store.kind.rawValue, storeLocation: location,
                                 lastNonce: key.lastNonce, issued: c.issued, succeeded: c.succeeded, nonceRejected: c.nonceRejected,
                                 errors: c.fatal + c.otherErrors + c.expired + c.queueFull + c.rateLimited + c.retryable,
                                 rateLimited: c.rateLimited, queued: key.queued, waitP50Micros: key.queueWait.p50,
                                 waitP99Micros: key.queueWait.p99, waitMaxMicros: key.queueWait.max,
                                 issuedPerSecond: lastIssuedPerKey[key.keyID]?.rate ?? 0)
        }
    }

    /// The most recent issued nonces (all keys when `key` is nil).
    public func recentNonces(key: String? = nil, limit: Int = 20) async -> [NonceRecordView] {
        guard let manager = nonceManager else { return [] }
        let snapshot = await manager.snapshot(recentLimit: max(limit, 1) * 4)
        let keyID = key.flatMap { keyIDs[$0] }
        return snapshot.recent.filter { keyID == nil || $0.keyID == keyID }.suffix(max(0, limit)).reversed().map {
            NonceRecordView(keyID: $0.keyID, nonce: $0.nonce, label: $0.label, priority: $0.priority,
                            queueWaitMicros: $0.queueWaitMicros, outcome: $0.outcome, timeMicros: $0.timeMicros)
        }
    }

    /// Queue depth per key and priority class.
    public func queues() async -> [QueueView] {
        guard let manager = nonceManager else { return [] }
        let snapshot = await manager.snapshot(recentLimit: 0)
        var byID: [String: NonceKeySnapshot] = [:]
        for key in snapshot.keys { byID[key.keyID] = key }
        var result: [QueueView] = []
        for key in config.keys {
            let state = keyIDs[key.name].flatMap { byID[$0] }
            for cls in config.nonce.classes {
                result.append(QueueView(key: key.name, priorityClass: cls.name, depth: state?.queued[cls.name] ?? 0,
                                        limit: cls.limit, inFlight: state?.inFlight ?? false))
            }
        }
        return result
    }

    /// Alert rule states.
    public func alerts() -> [AlertView] { alertEngine.views }

    /// The metrics exposition (same as GET /metrics), or nil when the program installed no
    /// metrics backend (``RuntimeOptions/metrics``).
    public func metricsText() -> String? { metrics.exposition() }

    /// The effective configuration, secrets masked.
    public func effectiveConfigYAML() -> String { ConfigLoader.render(config) }

    /// Integrity counters of the WebSocket client.
    public func integrity() -> [String: Int] {
        let c = clientCounters
        return ["reconnects": c.reconnects, "stalls": c.stalls, "channelStalls": c.channelStalls,
                "checksumMismatches": c.checksumMismatches, "checksumMismatchesObserved": c.checksumMismatchesObserved,
                "sequenceGaps": c.sequenceGaps, "tradeGaps": c.tradeGaps,
                "malformedFrames": c.malformedFrames, "resubscriptions": c.resubscriptions,
                "duplicateTradesDropped": c.duplicateTradesDropped, "serverRestarts": c.serverRestarts,
                "maintenanceStarts": c.maintenanceStarts, "giveUps": c.giveUps,
                "restRateLimitHits": restRateLimitHits, "restErrors": restErrors, "publicRestWaits": publicRESTWaits,
                "userDataEvents": userData.values.reduce(0) { $0 + $1.view.totalEvents },
                "userDataAuthFailures": userData.values.reduce(0) { $0 + $1.view.authFailures },
                "userDataOfflineReports": userData.values.reduce(0) { $0 + $1.view.offlineReports }]
    }

    /// Everything in one value.
    public func snapshot(bookDepth: Int? = nil) async -> RuntimeSnapshot {
        if let client = wsClient { clientCounters = await client.snapshot().integrity }
        return RuntimeSnapshot(
            takenAt: Date(), status: status(), connections: await connections(), channels: await channelList(),
            books: books(depth: bookDepth ?? max(config.output.bookDepth, 5)), tickers: tickers(),
            trades: trades(limit: 30), candles: market.candles.values.compactMap(\.first).sorted { $0.key < $1.key },
            nonces: await nonceStats(), queues: await queues(), alerts: alerts(), integrity: integrity(), history: history,
            userData: await userDataStreams(), accounts: await accounts(), gateway: await gatewaySnapshot())
    }

    /// The account state of every user-data stream (wallets, open orders), by key name.
    public func accounts() async -> [AccountView] {
        var result: [AccountView] = []
        for name in userData.keys.sorted() {
            guard let entry = userData[name] else { continue }
            let phase = await entry.client.currentPhase
            result.append(AccountView(key: entry.key, connection: entry.connection, phase: phase.rawValue,
                                      state: await entry.client.accountState))
        }
        return result
    }
}
