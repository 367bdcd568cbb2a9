import BfxProtocol
import BfxConsole

/// A deterministic in-memory backend for console tests; records every action it receives.
actor FakeConsoleBackend: ConsoleBackend {
    static let apiKey = "AKfakeKEY0123456789abcdef"
    static let apiSecret = "SECRETfake9876543210zyxwvu"

    var simulator: Bool
    var live: Bool
    var logLevel = "info"
    var channelList: [ConsoleChannel] = [
        ConsoleChannel(id: "s1", connection: "public-1", spec: "book:tBTCUSD:P0:F0:25", chanId: 17, state: "subscribed", messages: 1200, lastMessageAgeSeconds: 0.4, checksumMismatches: 0, sequenceGaps: 0),
        ConsoleChannel(id: "s2", connection: "public-1", spec: "ticker:tBTCUSD", chanId: 18, state: "subscribed", messages: 90, lastMessageAgeSeconds: 1.5, checksumMismatches: 0, sequenceGaps: 0),
        ConsoleChannel(id: "s3", connection: "public-1", spec: "trades:tETHUSD", chanId: 19, state: "subscribed", messages: 300, lastMessageAgeSeconds: nil, checksumMismatches: 0, sequenceGaps: 0),
    ]
    private(set) var actions: [String] = []
    private(set) var submitted: [ConsoleOrderRequest] = []
    private(set) var restCalls: [(method: String, path: String, body: String?, priority: String?)] = []
    private(set) var shutdownCount = 0
    private let noticeMessages: [String]

    init(simulator: Bool = true, live: Bool = false, notices: [String] = []) {
        self.simulator = simulator
        self.live = live
        self.noticeMessages = notices
    }

    func status() async throws -> ConsoleStatus {
        ConsoleStatus(endpoint: simulator ? "simulator (ws://127.0.0.1:40001/ws/2)" : "wss://api.bitfinex.com/ws/2", isSimulator: simulator, phase: "running", version: "0.1.0", uptimeSeconds: 42.5, connectionsUp: 2, connectionsTotal: 2, channels: channelList.count, authenticated: true, alertsFiring: 1, logLevel: logLevel)
    }

    func health() async -> ConsoleHealth {
        ConsoleHealth(label: simulator ? "sim" : "live", connectionsUp: 2, connectionsTotal: 2, alertsFiring: 0)
    }

    func isLive() async -> Bool { live }

    func connections() async throws -> [ConsoleConnection] {
        [
            ConsoleConnection(id: "public-1", kind: "public", state: "connected", url: "ws://127.0.0.1:40001/ws/2", channels: 3, reconnects: 0, messages: 1590, lastMessageAgeSeconds: 0.4),
            ConsoleConnection(id: "auth", kind: "auth", state: "connected", url: "ws://127.0.0.1:40001/ws/2", channels: 0, reconnects: 1, messages: 12, lastMessageAgeSeconds: 3),
        ]
    }

    func channels() async throws -> [ConsoleChannel] { channelList }

    func subscribe(spec: String, connection: String?) async throws -> ConsoleChannel {
        actions.append("subscribe \(spec) \(connection ?? "-")")
        let channel = ConsoleChannel(id: "s\(channelList.count + 1)", connection: connection ?? "public-1", spec: spec, chanId: nil, state: "subscribing", messages: 0, lastMessageAgeSeconds: nil, checksumMismatches: 0, sequenceGaps: 0)
        channelList.append(channel)
        return channel
    }

    func unsubscribe(id: String) async throws {
        guard channelList.contains(where: { $0.id == id }) else { throw ConsoleBackendError.unknownChannel(id) }
        channelList.removeAll { $0.id == id }
        actions.append("unsubscribe \(id)")
    }

    func ticker(symbol: String) async throws -> ConsoleTicker {
        guard symbol == "tBTCUSD" else { throw ConsoleBackendError.unknownSymbol(symbol) }
        return ConsoleTicker(symbol: symbol, bid: "30000", bidSize: "1.5", ask: "30001", askSize: "2.25", dailyChange: "120", dailyChangeRelative: "0.004", last: "30000.5", volume: "1234.5", high: "30500", low: "29500")
    }

    func trades(symbol: String, limit: Int) async throws -> [ConsoleTrade] {
        (0..<min(limit, 3)).map { (index: Int) -> ConsoleTrade in
            let offset = Int64(index)
            let amount = index % 2 == 0 ? "0.5" : "-0.25"
            return ConsoleTrade(id: 1000 - offset, mts: 1_700_000_000_000 - offset * 1000, amount: amount, price: "30000")
        }
    }

    func book(symbol: String, depth: Int) async throws -> ConsoleBook {
        guard symbol == "tBTCUSD" else { throw ConsoleBackendError.unknownSymbol(symbol) }
        let bids = (0..<min(depth, 3)).map { ConsoleBookLevel(price: String(30000 - $0), count: $0 + 1, amount: "1.\($0)") }
        let asks = (0..<min(depth, 2)).map { ConsoleBookLevel(price: String(30001 + $0), count: 1, amount: "-0.0000007") }
        return ConsoleBook(symbol: symbol, precision: "P0", bids: bids, asks: asks, checksumOK: true, checksumMismatches: 0)
    }

    func candles(key: String, limit: Int) async throws -> [ConsoleCandle] {
        actions.append("candles \(key) \(limit)")
        return [ConsoleCandle(mts: 1_700_000_060_000, open: "1", close: "2", high: "3", low: "0.5", volume: "10")]
    }

    func wallets() async throws -> [ConsoleWallet] {
        [ConsoleWallet(type: "exchange", currency: "USD", balance: "10000", available: "9000"), ConsoleWallet(type: "exchange", currency: "BTC", balance: "1.5", available: nil)]
    }

    func orders() async throws -> [ConsoleOrder] {
        [ConsoleOrder(id: 55, cid: 7, symbol: "tBTCUSD", type: "EXCHANGE LIMIT", amount: "0.1", amountOrig: "0.1", price: "29000", status: "ACTIVE")]
    }

    func positions() async throws -> [ConsolePosition] { [] }

    func submitOrder(_ order: ConsoleOrderRequest) async throws -> JSONValue {
        submitted.append(order)
        return .fields([JSONObject.Member("id", .int(56)), JSONObject.Member("symbol", .string(order.symbol)), JSONObject.Member("status", "ACTIVE")])
    }

    func updateOrder(id: Int64, price: String?, amount: String?, delta: String?) async throws -> JSONValue {
        actions.append("update \(id) \(price ?? "-") \(amount ?? "-") \(delta ?? "-")")
        return .fields([JSONObject.Member("id", .int(id)), JSONObject.Member("status", "ACTIVE")])
    }

    func cancelOrder(id: Int64) async throws -> JSONValue {
        actions.append("cancel \(id)")
        return .fields([JSONObject.Member("id", .int(id)), JSONObject.Member("status", "CANCELED")])
    }

    func cancelAllOrders() async throws -> JSONValue {
        actions.append("cancel-all")
        return .fields([JSONObject.Member("cancelled", .int(1))])
    }

    func cancelOrders(_ selection: OrderCancelMulti) async throws -> JSONValue {
        actions.append("cancel-multi \(selection.payload.serialized())")
        return .fields([JSONObject.Member("type", .string("oc_multi-req")), JSONObject.Member("status", "SUCCESS")])
    }

    func submitFundingOffer(_ offer: ConsoleFundingOfferRequest) async throws -> JSONValue {
        actions.append("fon \(offer.type) \(offer.symbol) \(offer.amount) \(offer.rate) \(offer.period) \(offer.flags)")
        return .fields([JSONObject.Member("type", .string("fon-req")), JSONObject.Member("status", "SUCCESS"),
                        JSONObject.Member("offer", .fields([JSONObject.Member("id", .int(77)), JSONObject.Member("symbol", .string(offer.symbol))]))])
    }

    func cancelFundingOffer(id: Int64) async throws -> JSONValue {
        actions.append("foc \(id)")
        return .fields([JSONObject.Member("type", .string("foc-req")), JSONObject.Member("status", "SUCCESS")])
    }

    func restCall(method: String, path: String, body: String?, priority: String?) async throws -> String {
        restCalls.append((method, path, body, priority))
        if path == "platform/status" { return "[1]" }
        if path == "auth/r/wallets" { return #"[["exchange","USD",10000,0,9000]]"# }
        return #"{"ok":true,"price":0.0000007}"#
    }

    func sendRaw(_ json: String, connection: String?) async throws {
        actions.append("ws \(connection ?? "-") \(json)")
    }

    func nonceStats() async throws -> [ConsoleNonceStats] {
        [ConsoleNonceStats(key: "main", store: "file:/var/lib/bfx/nonce", lastNonce: 1_700_000_000_123_456, issued: 321, issuedPerSecond: 2.5, errors: 1, nonceRejected: 1, queueDepth: 0, headroom: 0.81)]
    }

    func recentNonces(key: String?, limit: Int) async throws -> [ConsoleNonceIssue] {
        (0..<min(limit, 2)).map { ConsoleNonceIssue(key: "main", nonce: Int64(1_700_000_000_123_456 - $0), label: "auth/r/wallets", priority: "normal", waitMilliseconds: 0.25, outcome: "ok") }
    }

    func queues() async throws -> [ConsoleQueue] {
        [ConsoleQueue(key: "main", priority: "critical", depth: 0, limit: 100, oldestWaitMilliseconds: nil), ConsoleQueue(key: "main", priority: "normal", depth: 3, limit: 1000, oldestWaitMilliseconds: 12.5)]
    }

    func gatewayClients() async throws -> [ConsoleGatewayClient] {
        [ConsoleGatewayClient(id: 1, remote: "127.0.0.1:50000", channels: ["book:tBTCUSD:P0:F0:25", "trades:tBTCUSD"],
                              framesOut: 1_200, dropped: 0, queued: 3, lagMilliseconds: 0.4, errors: 1)]
    }

    func kickGatewayClient(id: Int) async throws {
        guard id == 1 else { throw ConsoleBackendError.rejected("no gateway client \(id)") }
        actions.append("gateway kick \(id)")
    }

    func gatewayLog(limit: Int) async throws -> [ConsoleGatewayCall] {
        Array([ConsoleGatewayCall(atMillis: 1_700_000_000_000, localKey: "bot-a", account: "main", path: "auth/r/wallets", upstreamNonce: 17,
                                  status: 200, outcome: "forwarded", latencyMilliseconds: 2.5)].prefix(limit))
    }

    func alerts() async throws -> [ConsoleAlert] {
        [ConsoleAlert(name: "reconnect-storm", kind: "reconnects", state: "firing", value: "6", threshold: "5/60s", episodes: 1)]
    }

    func reconnect(connection: String?) async throws -> [String] {
        if let connection, connection != "public-1", connection != "auth" { throw ConsoleBackendError.unknownConnection(connection) }
        actions.append("reconnect \(connection ?? "all")")
        return connection.map { [$0] } ?? ["public-1", "auth"]
    }

    func injectFault(_ words: [String]) async throws -> String {
        guard simulator else { throw ConsoleBackendError.notSimulator(action: "fault") }
        actions.append("fault \(words.joined(separator: " "))")
        return "injected \(words.joined(separator: " "))"
    }

    func diagnostics() async throws -> JSONValue {
        .fields([
            JSONObject.Member("config", .fields([
                JSONObject.Member("endpoint", "simulator"),
                JSONObject.Member("credentials", .fields([
                    // A careless runtime that forgot to mask: the console must still scrub these.
                    JSONObject.Member("api_key", .string(Self.apiKey)),
                    JSONObject.Member("api_secret", .string(Self.apiSecret)),
                ])),
                JSONObject.Member("nonce", .fields([JSONObject.Member("queue", .fields([JSONObject.Member("depth", .int(100))]))])),
            ])),
            JSONObject.Member("state", .fields([JSONObject.Member("connections", .int(2))])),
            JSONObject.Member("metrics", .string("bfx_nonce_issued_total 321\n")),
            JSONObject.Member("events", .array([.string("auth ok with key \(Self.apiKey)")])),
            JSONObject.Member("nonce_history", .array([.fields([JSONObject.Member("nonce", .int(1_700_000_000_123_456))])])),
        ])
    }

    func knownSecrets() async -> [String] { [Self.apiKey, Self.apiSecret] }

    func setLogLevel(_ level: String) async throws {
        logLevel = level
    }

    func completionData() async -> ConsoleCompletionData {
        ConsoleCompletionData(
            symbols: ["tBTCUSD", "tETHUSD", "fUSD"],
            channelIDs: channelList.map(\.id),
            connectionIDs: ["public-1", "auth"],
            groups: ["market"],
            nonceKeys: ["main"],
            priorities: ["critical", "high", "normal", "low"],
            configKeys: ["endpoint", "nonce.queue", "nonce.store"],
            faultKinds: simulator ? ["drop", "stall", "checksum"] : []
        )
    }

    func notices() async -> AsyncStream<String> {
        let messages = noticeMessages
        return AsyncStream { continuation in
            for message in messages { continuation.yield(message) }
            continuation.finish()
        }
    }

    func shutdown() async {
        shutdownCount += 1
    }
}
