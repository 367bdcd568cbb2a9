import BfxClient
import BfxProtocol
import BfxConsole
import BfxRuntime
import BfxSimulator
import Foundation
import Logging
import Synchronization

/// Adapts `BfxRuntime.Runtime` to `ConsoleBackend` (see docs/runtime-api.md and ADR 0013).
///
/// Conversions only: runtime views become console values (decimal text kept where the runtime
/// has it), REST responses are parsed without losing precision, and operations the runtime
/// does not offer are reported as `ConsoleBackendError.unsupported`.
public final class RuntimeConsoleBackend: ConsoleBackend {
    /// The runtime being driven.
    public let runtime: Runtime
    private let config: RuntimeConfig
    private let version: String
    // Mutex: the console may change the level while a command reads it from another task.
    private let logLevelState: Mutex<String>

    /// Wraps a runtime (started or not) built from `config`.
    public init(runtime: Runtime, config: RuntimeConfig, version: String) {
        self.runtime = runtime
        self.config = config
        self.version = version
        self.logLevelState = Mutex(config.logging.level.rawValue)
    }

    private var isSimulator: Bool {
        if case .simulator = config.endpoint { return true }
        return false
    }

    // MARK: - Status

    /// Overall status.
    public func status() async throws -> ConsoleStatus {
        let status = await runtime.status()
        let connections = await runtime.connections()
        let up = connections.filter { Self.isUp($0.state) }.count
        let endpoint = status.wsURL.map { "\(status.endpoint) (\($0))" } ?? status.endpoint
        // Authenticated = an auth connection of the client is up or a user-data stream is ready.
        let streamReady = await runtime.userDataStreams().contains { $0.phase == "ready" }
        return ConsoleStatus(
            endpoint: endpoint, isSimulator: isSimulator, phase: status.phase.rawValue, version: version,
            uptimeSeconds: status.uptimeSeconds, connectionsUp: up, connectionsTotal: connections.count,
            channels: status.channels, authenticated: streamReady || connections.contains { $0.kind == "auth" && Self.isUp($0.state) },
            alertsFiring: status.alertsFiring, logLevel: logLevelState.withLock { $0 }
        )
    }

    /// Prompt summary.
    public func health() async -> ConsoleHealth {
        let connections = await runtime.connections()
        let label: String
        switch config.endpoint {
        case .simulator: label = "sim"
        case .live: label = "live"
        case .custom: label = "custom"
        }
        return ConsoleHealth(
            label: label, connectionsUp: connections.filter { Self.isUp($0.state) }.count,
            connectionsTotal: connections.count, alertsFiring: await runtime.status().alertsFiring
        )
    }

    /// Connection states that count as up (`open` in BfxClient; `connected` in the runtime docs).
    static func isUp(_ state: String) -> Bool {
        state == "open" || state == "connected"
    }

    /// Everything but the embedded simulator counts as live (custom URLs may be a real exchange).
    public func isLive() async -> Bool { !isSimulator }

    /// Pool connections.
    public func connections() async throws -> [ConsoleConnection] {
        await runtime.connections().map { connection in
            ConsoleConnection(
                id: String(connection.id), kind: connection.kind, state: connection.state, url: connection.url,
                channels: connection.subscriptions, reconnects: max(0, connection.opens - 1), messages: Int64(connection.messages),
                lastMessageAgeSeconds: connection.lastMessageAgeSeconds
            )
        }
    }

    /// Subscriptions.
    public func channels() async throws -> [ConsoleChannel] {
        await runtime.channelList().map(Self.channel)
    }

    private static func channel(_ info: ChannelInfo) -> ConsoleChannel {
        ConsoleChannel(
            id: info.id, connection: info.connection.map(String.init) ?? "-", spec: info.name, chanId: info.chanId,
            state: info.state, messages: Int64(info.messages), lastMessageAgeSeconds: info.lastMessageAgeSeconds,
            checksumMismatches: info.checksumMismatches, sequenceGaps: info.sequenceGaps
        )
    }

    /// Subscribes a short-form spec on a config group.
    public func subscribe(spec: String, connection: String?) async throws -> ConsoleChannel {
        let parsed: ChannelSpec
        do {
            parsed = try ChannelSpec.parse(spec)
        } catch {
            throw ConsoleBackendError.rejected("invalid channel \(spec): \(error)")
        }
        return Self.channel(try await runtime.subscribe(parsed, connection: connection))
    }

    /// Unsubscribes by runtime id.
    public func unsubscribe(id: String) async throws {
        do {
            try await runtime.unsubscribe(id: id)
        } catch RuntimeError.unknownChannel {
            throw ConsoleBackendError.unknownChannel(id)
        }
    }

    // MARK: - Market data

    /// Latest ticker.
    public func ticker(symbol: String) async throws -> ConsoleTicker {
        guard let ticker = await runtime.ticker(symbol: symbol) else { throw ConsoleBackendError.unknownSymbol(symbol) }
        return ConsoleTicker(
            symbol: ticker.symbol, bid: Self.decimal(ticker.bid), ask: Self.decimal(ticker.ask),
            dailyChangeRelative: Self.decimal(ticker.dailyChangeRelative), last: Self.decimal(ticker.last),
            volume: Self.decimal(ticker.volume), high: Self.decimal(ticker.high), low: Self.decimal(ticker.low)
        )
    }

    /// Recent trades.
    public func trades(symbol: String, limit: Int) async throws -> [ConsoleTrade] {
        let trades = await runtime.trades(symbol: symbol, limit: limit)
        if trades.isEmpty, !(await runtime.channelList().contains { $0.spec.symbolOrKey == symbol }) {
            throw ConsoleBackendError.unknownSymbol(symbol)
        }
        // ConsoleTrade takes the wire's signed amount and splits it into side + positive amount.
        return trades.map { ConsoleTrade(id: $0.id, mts: $0.mts, amount: ($0.side == "sell" ? "-" : "") + Self.decimal($0.amount), price: Self.decimal($0.price)) }
    }

    /// Top of the book; amounts are positive on both sides (the runtime's convention).
    public func book(symbol: String, depth: Int) async throws -> ConsoleBook {
        guard let book = await runtime.book(symbol: symbol, depth: depth) else { throw ConsoleBackendError.unknownSymbol(symbol) }
        let mismatches = await runtime.channelList()
            .filter { $0.spec.channelName == "book" && $0.spec.symbolOrKey == symbol }
            .reduce(0) { $0 + $1.checksumMismatches }
        return ConsoleBook(
            symbol: book.symbol, precision: book.prec,
            bids: book.bids.map { ConsoleBookLevel(price: $0.price, count: Int(clamping: $0.count), amount: $0.amount) },
            asks: book.asks.map { ConsoleBookLevel(price: $0.price, count: Int(clamping: $0.count), amount: $0.amount) },
            checksumOK: book.checksumsVerified > 0 ? true : nil, checksumMismatches: mismatches
        )
    }

    /// Recent candles.
    public func candles(key: String, limit: Int) async throws -> [ConsoleCandle] {
        await runtime.candles(key: key, limit: limit).map {
            ConsoleCandle(mts: $0.mts, open: Self.decimal($0.open), close: Self.decimal($0.close), high: Self.decimal($0.high),
                          low: Self.decimal($0.low), volume: Self.decimal($0.volume))
        }
    }

    // MARK: - Account (the runtime's user-data stream when one is ready, else signed REST)

    /// Wallets: `[TYPE, CURRENCY, BALANCE, UNSETTLED_INTEREST, AVAILABLE, …]` rows.
    public func wallets() async throws -> [ConsoleWallet] {
        try rows(try await account { try await $0.wallets() }, path: "auth/r/wallets").map { row in
            ConsoleWallet(type: row.text(0), currency: row.text(1), balance: row.text(2), available: row.optionalText(4))
        }
    }

    /// Active orders (ORDER rows, protocol reference §8.2).
    public func orders() async throws -> [ConsoleOrder] {
        try rows(try await account { try await $0.orders() }, path: "auth/r/orders").map(Self.order)
    }

    /// Positions: `[SYMBOL, STATUS, AMOUNT, BASE_PRICE, _, _, PL, PL_PERC, PRICE_LIQ, LEVERAGE, …]`.
    public func positions() async throws -> [ConsolePosition] {
        try rows(try await account { try await $0.positions() }, path: "auth/r/positions").map { row in
            ConsolePosition(symbol: row.text(0), status: row.text(1), amount: row.text(2), basePrice: row.text(3),
                            profitLoss: row.optionalText(6), liquidationPrice: row.optionalText(8), leverage: row.optionalText(9))
        }
    }

    /// `on`: through the runtime (correlated WebSocket input when the key's user-data stream is
    /// ready, else REST); with flags or leverage, which the runtime's order input does not carry,
    /// directly through REST `auth/w/order/submit`.
    public func submitOrder(_ order: ConsoleOrderRequest) async throws -> JSONValue {
        if order.flags == nil, order.leverage == nil {
            let request = OrderRequest(type: order.type, symbol: order.symbol, amount: order.amount, price: order.price, cid: order.cid)
            return try summarize(try await account { try await $0.submitOrder(request) }, path: "order new")
        }
        var fields = [JSONObject.Member("type", .string(order.type)), JSONObject.Member("symbol", .string(order.symbol)), JSONObject.Member("amount", .string(order.amount))]
        if let price = order.price { fields.append(JSONObject.Member("price", .string(price))) }
        if let cid = order.cid { fields.append(JSONObject.Member("cid", .int(cid))) }
        if let flags = order.flags { fields.append(JSONObject.Member("flags", .int(flags))) }
        if let leverage = order.leverage { fields.append(JSONObject.Member("lev", .int(leverage))) }
        return try await notification(path: "auth/w/order/submit", body: .fields(fields))
    }

    /// `ou`: through the runtime (WebSocket when ready, else REST); with `delta`, which the
    /// runtime's update does not carry, directly through REST `auth/w/order/update`.
    public func updateOrder(id: Int64, price: String?, amount: String?, delta: String?) async throws -> JSONValue {
        if delta == nil {
            return try summarize(try await account { try await $0.updateOrder(id: id, price: price, amount: amount) }, path: "order update")
        }
        var fields = [JSONObject.Member("id", .int(id))]
        if let price { fields.append(JSONObject.Member("price", .string(price))) }
        if let amount { fields.append(JSONObject.Member("amount", .string(amount))) }
        if let delta { fields.append(JSONObject.Member("delta", .string(delta))) }
        return try await notification(path: "auth/w/order/update", body: .fields(fields))
    }

    /// `oc` through the runtime (WebSocket when the key's user-data stream is ready, else REST).
    public func cancelOrder(id: Int64) async throws -> JSONValue {
        try summarize(try await account { try await $0.cancelOrder(id: id) }, path: "order cancel")
    }

    /// `oc_multi` through `Runtime.cancelOrders` (WebSocket when the key's user-data stream is
    /// ready, else REST `auth/w/order/cancel/multi`).
    public func cancelOrders(_ selection: OrderCancelMulti) async throws -> JSONValue {
        try summarize(try await account { try await $0.cancelOrders(selection) }, path: "order cancel-multi")
    }

    /// `fon` through `Runtime.submitFundingOffer` (WebSocket when the key's user-data stream is
    /// ready, else REST `auth/w/funding/offer/submit`).
    public func submitFundingOffer(_ offer: ConsoleFundingOfferRequest) async throws -> JSONValue {
        let text = try await account {
            try await $0.submitFundingOffer(symbol: offer.symbol, amount: offer.amount, rate: offer.rate, period: offer.period,
                                            type: offer.type, flags: offer.flags)
        }
        return try summarize(text, path: "funding offer new", fundingOffer: true)
    }

    /// `foc` through `Runtime.cancelFundingOffer` (WebSocket when ready, else REST
    /// `auth/w/funding/offer/cancel`).
    public func cancelFundingOffer(id: Int64) async throws -> JSONValue {
        try summarize(try await account { try await $0.cancelFundingOffer(id: id) }, path: "funding offer cancel", fundingOffer: true)
    }

    /// `oc_multi {all:1}` through `Runtime.cancelOrders(.all)` (WebSocket when the key's
    /// user-data stream is ready, else REST `auth/w/order/cancel/multi`).
    public func cancelAllOrders() async throws -> JSONValue {
        try await cancelOrders(.all)
    }

    /// Any REST call.
    public func restCall(method: String, path: String, body: String?, priority: String?) async throws -> String {
        do {
            return try await runtime.restCall(method: method, path: path, body: body, priority: priority)
        } catch RuntimeError.unknownKey {
            throw ConsoleBackendError.notAuthenticated
        }
    }

    /// Sends a raw frame on the authenticated user-data stream via `Runtime.sendRawFrame`.
    /// `connection` is a config connection name (its `key` is used) or a key name; nil uses the
    /// first configured key. Without a user-data stream the runtime's error explains how to
    /// configure one (reported as `ConsoleBackendError.rejected`).
    public func sendRaw(_ json: String, connection: String?) async throws {
        var key: String? = connection
        if let connection, let stream = await runtime.userDataStreams().first(where: { $0.connection == connection }) {
            key = stream.key
        }
        do {
            try await runtime.sendRawFrame(json, key: key)
        } catch RuntimeError.unknownKey {
            throw connection.map { ConsoleBackendError.unknownConnection($0) } ?? ConsoleBackendError.notAuthenticated
        } catch RuntimeError.callFailed(let reason) {
            throw ConsoleBackendError.rejected(reason)
        }
    }

    // MARK: - Nonces, queues, alerts

    /// Per-key nonce stats.
    public func nonceStats() async throws -> [ConsoleNonceStats] {
        await runtime.nonceStats().map { stats in
            ConsoleNonceStats(
                key: stats.key, store: "\(stats.store):\(stats.storeLocation)", lastNonce: stats.lastNonce,
                issued: Int64(clamping: stats.issued), issuedPerSecond: stats.issuedPerSecond,
                errors: Int64(clamping: stats.errors), nonceRejected: Int64(clamping: stats.nonceRejected),
                queueDepth: stats.queued.values.reduce(0, +),
                headroom: 1 - Double(stats.lastNonce) / Double(BfxSignature.maxNonce)
            )
        }
    }

    /// Recent nonce issues, newest first.
    public func recentNonces(key: String?, limit: Int) async throws -> [ConsoleNonceIssue] {
        let names = Dictionary(await runtime.nonceStats().map { ($0.keyID, $0.key) }, uniquingKeysWith: { first, _ in first })
        return await runtime.recentNonces(key: key, limit: limit).map { record in
            ConsoleNonceIssue(key: names[record.keyID] ?? record.keyID, nonce: record.nonce, label: record.label, priority: record.priority,
                              waitMilliseconds: Double(record.queueWaitMicros) / 1000, outcome: record.outcome)
        }
    }

    /// Queue depth per key and class.
    public func queues() async throws -> [ConsoleQueue] {
        await runtime.queues().map { ConsoleQueue(key: $0.key, priority: $0.priorityClass, depth: $0.depth, limit: $0.limit) }
    }

    /// Alert rules.
    public func alerts() async throws -> [ConsoleAlert] {
        await runtime.alerts().map { alert in
            ConsoleAlert(name: alert.name, kind: alert.kind, state: alert.state.rawValue, value: alert.value.map(Self.decimal),
                         threshold: Self.decimal(alert.threshold), episodes: alert.episodes)
        }
    }

    // MARK: - Actions

    /// Reconnects a pool connection by id, or all.
    public func reconnect(connection: String?) async throws -> [String] {
        let all = await runtime.connections().map { String($0.id) }
        if let connection {
            guard let id = Int(connection), all.contains(connection) else { throw ConsoleBackendError.unknownConnection(connection) }
            try await runtime.reconnect(connection: id)
            return [connection]
        }
        try await runtime.reconnect(connection: nil)
        return all
    }

    /// Parses and injects a simulator fault.
    public func injectFault(_ words: [String]) async throws -> String {
        guard isSimulator else { throw ConsoleBackendError.notSimulator(action: "fault injection") }
        let fault: SimulatorFault
        do {
            fault = try SimulatorFault.parse(words: words)
        } catch {
            throw RuntimeError.invalidArgument(error.message)
        }
        try await runtime.injectFault(fault)
        return "injected \(fault.summary)"
    }

    /// Diagnostics: masked config, snapshot, metrics, events, nonce history.
    public func diagnostics() async throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        func value<T: Encodable>(_ item: T) -> JSONValue {
            guard let data = try? encoder.encode(item), let parsed = try? JSONValue.parseConsole(String(decoding: data, as: UTF8.self)) else {
                return .null
            }
            return parsed
        }
        let snapshot = await runtime.snapshot()
        return .fields([
            JSONObject.Member("config", value(config)),
            JSONObject.Member("config_yaml", .string(await runtime.effectiveConfigYAML())),
            JSONObject.Member("state", value(snapshot)),
            JSONObject.Member("metrics", .string(await runtime.metricsText() ?? "(no metrics backend installed)")),
            JSONObject.Member("events", value(await runtime.recentEvents(limit: 200))),
            JSONObject.Member("nonce_history", value(await runtime.recentNonces(key: nil, limit: 200))),
        ])
    }

    /// API keys/secrets and store URLs from the config.
    public func knownSecrets() async -> [String] {
        config.keys.flatMap { key in
            [key.apiKey?.value, key.apiSecret?.value, key.nonceStore.url?.value].compactMap { $0 }
        }
    }

    /// Sets the runtime's log level.
    public func setLogLevel(_ level: String) async throws {
        guard let parsed = Logger.Level(rawValue: level) else { throw ConsoleBackendError.rejected("unknown log level \(level)") }
        await runtime.setLogLevel(parsed)
        logLevelState.withLock { $0 = level }
    }

    /// Completion names from the runtime's channels, connections and config.
    public func completionData() async -> ConsoleCompletionData {
        let channels = await runtime.channelList()
        var symbols: [String] = []
        for channel in channels {
            let target = channel.spec.symbolOrKey
            let symbol = target.hasPrefix("trade:") ? String(target.split(separator: ":").last ?? "") : target
            if symbol.hasPrefix("t") || symbol.hasPrefix("f"), !symbols.contains(symbol) { symbols.append(symbol) }
        }
        var configKeys: [String] = []
        if let data = try? JSONEncoder().encode(config), let parsed = try? JSONValue.parseConsole(String(decoding: data, as: UTF8.self)) {
            Self.collectKeys(parsed, prefix: "", into: &configKeys, budget: 2_000)
        }
        return ConsoleCompletionData(
            symbols: symbols, channelIDs: channels.map(\.id), connectionIDs: await runtime.connections().map { String($0.id) },
            groups: config.connections.map(\.name), nonceKeys: config.keys.map(\.name), priorities: config.nonce.classes.map(\.name),
            configKeys: configKeys, faultKinds: isSimulator ? FaultName.names : []
        )
    }

    /// Operator-facing runtime events (alerts, notices, faults, connection changes, errors).
    public func notices() async -> AsyncStream<String> {
        let events = await runtime.events()
        return AsyncStream(bufferingPolicy: .bufferingNewest(200)) { continuation in
            let task = Task {
                for await event in events {
                    switch event.kind {
                    case .alertFired, .alertResolved, .notice, .fault, .error, .connection, .configReloaded, .configRejected:
                        continuation.yield(event.description)
                    default:
                        continue
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Graceful stop.
    public func shutdown() async {
        await runtime.stop()
    }

    /// Waits (bounded by `timeout`) until every channel has received data, so scripts that run
    /// right after start see books and tickers. Returns whether the runtime became ready.
    public func waitUntilReady(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let channels = await runtime.channelList()
            if channels.allSatisfy({ $0.messages > 0 }) { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    // MARK: - Helpers

    /// Runs an account query or order input on the runtime, mapping "no key" to the console's error.
    private func account<T: Sendable>(_ body: (Runtime) async throws -> T) async throws -> T {
        do {
            return try await body(runtime)
        } catch RuntimeError.unknownKey {
            throw ConsoleBackendError.notAuthenticated
        }
    }

    private func rows(_ text: String, path: String) throws -> [JSONValue] {
        guard case .array(let rows) = try Self.parse(text, path: path) else {
            throw ConsoleBackendError.rejected("unexpected \(path) response: \(text.prefix(120))")
        }
        return rows
    }

    private func notification(path: String, body: JSONValue) async throws -> JSONValue {
        try summarize(try await restCall(method: "POST", path: path, body: body.serialized(), priority: nil), path: path)
    }

    /// A notification as `{type, status, text, order|offer|info}`; `fundingOffer` reads INFO as a
    /// FUNDING OFFER row instead of an ORDER row.
    private func summarize(_ text: String, path: String, fundingOffer: Bool = false) throws -> JSONValue {
        let parsed = try Self.parse(text, path: path)
        // NOTIFICATION: [MTS, TYPE, MSG_ID, null, NOTIFY_INFO, CODE, STATUS, TEXT]
        guard case .array(let items) = parsed, items.count >= 8, case .string(let type) = items[1] else { return parsed }
        var fields = [JSONObject.Member("type", .string(type)), JSONObject.Member("status", items[6]), JSONObject.Member("text", items[7])]
        var info = items[4]
        if case .array(let rows) = info, rows.count == 1, case .array = rows[0] { info = rows[0] }
        if fundingOffer, case .array(let row) = info, row.count >= 16 {
            // FUNDING OFFER: [ID, SYMBOL, MTS_CREATE, MTS_UPDATE, AMOUNT, AMOUNT_ORIG, TYPE, _, _, FLAGS, STATUS, _, _, _, RATE, PERIOD, …]
            let offer = JSONValue.array(row)
            fields.append(JSONObject.Member("offer", .fields([
                JSONObject.Member("id", offer.optionalText(0).flatMap { Int64($0) }.map { JSONValue.int($0) } ?? .null),
                JSONObject.Member("symbol", .string(offer.text(1))), JSONObject.Member("type", .string(offer.text(6))),
                JSONObject.Member("amount", .string(offer.text(4))), JSONObject.Member("amount_orig", .string(offer.text(5))),
                JSONObject.Member("rate", .string(offer.text(14))), JSONObject.Member("period", .string(offer.text(15))),
                JSONObject.Member("status", .string(offer.text(10))),
            ])))
        } else if case .array(let row) = info, row.count >= 17 {
            fields.append(JSONObject.Member("order", Self.order(.array(row)).consoleValue))
        } else {
            fields.append(JSONObject.Member("info", info))
        }
        return .fields(fields)
    }

    /// Parses a REST response; a malformed one becomes a typed rejection naming the path.
    private static func parse(_ text: String, path: String) throws(ConsoleBackendError) -> JSONValue {
        do {
            return try JSONValue.parseConsole(text)
        } catch {
            throw ConsoleBackendError.rejected("invalid \(path) response: \(error.consoleMessage)")
        }
    }

    private static func order(_ row: JSONValue) -> ConsoleOrder {
        ConsoleOrder(id: Int64(row.text(0)) ?? 0, cid: Int64(row.text(2)), symbol: row.text(3), type: row.text(8), amount: row.text(6),
                     amountOrig: row.optionalText(7), price: row.optionalText(16), status: row.text(13))
    }

    private static func collectKeys(_ value: JSONValue, prefix: String, into keys: inout [String], budget: Int) {
        guard case .object(let fields) = value, keys.count < budget else { return }
        for field in fields {
            let path = prefix.isEmpty ? field.key : prefix + "." + field.key
            keys.append(path)
            collectKeys(field.value, prefix: path, into: &keys, budget: budget)
        }
    }

    /// Decimal text for a `Double` without exponent notation (`7e-07` → `0.0000007`).
    static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        let plain = String(value)
        guard plain.contains("e") else { return plain }
        var text = String(format: "%.12f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

extension JSONValue {
    /// Element `index` of an array value as text (`""` when absent or null).
    fileprivate func text(_ index: Int) -> String {
        optionalText(index) ?? ""
    }

    /// Element `index` of an array value as text, `nil` when absent or null.
    fileprivate func optionalText(_ index: Int) -> String? {
        guard case .array(let items) = self, index < items.count else { return nil }
        switch items[index] {
        case .null: return nil
        case .string(let text): return text
        case .number(let number): return number.text
        case .bool(let flag): return flag ? "true" : "false"
        case .array, .object: return items[index].compactText
        }
    }
}
