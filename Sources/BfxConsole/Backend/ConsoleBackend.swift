import BfxProtocol

/// Everything the console commands need from a runtime, and nothing more.
///
/// The console is written and tested against this protocol (a fake in the tests); the adapter
/// `RuntimeConsoleBackend` makes the real `BfxRuntime.Runtime` conform. All methods may be
/// called concurrently with the runtime's own work; implementations must be thread-safe.
public protocol ConsoleBackend: Sendable {
    /// Overall status (`status`).
    func status() async throws -> ConsoleStatus
    /// Prompt summary; must be cheap.
    func health() async -> ConsoleHealth
    /// Whether order entry reaches a real exchange (then the console asks for confirmation).
    func isLive() async -> Bool
    /// Connections of the pool (`connections`).
    func connections() async throws -> [ConsoleConnection]
    /// Subscriptions (`channels`).
    func channels() async throws -> [ConsoleChannel]
    /// Adds a subscription given in short form, e.g. `book:tBTCUSD:P0:F0:25` (`subscribe`).
    func subscribe(spec: String, connection: String?) async throws -> ConsoleChannel
    /// Removes a subscription by id (`unsubscribe`).
    func unsubscribe(id: String) async throws
    /// Latest ticker of a symbol (`ticker`).
    func ticker(symbol: String) async throws -> ConsoleTicker
    /// Recent trades, newest first (`trades`).
    func trades(symbol: String, limit: Int) async throws -> [ConsoleTrade]
    /// Top of a book (`book`).
    func book(symbol: String, depth: Int) async throws -> ConsoleBook
    /// Recent candles, newest first (`candles`).
    func candles(key: String, limit: Int) async throws -> [ConsoleCandle]
    /// Wallets from the user-data stream (`wallets`).
    func wallets() async throws -> [ConsoleWallet]
    /// Open orders (`orders`).
    func orders() async throws -> [ConsoleOrder]
    /// Positions (`positions`).
    func positions() async throws -> [ConsolePosition]
    /// Submits a new order; returns the server's confirmation (`order new`).
    func submitOrder(_ order: ConsoleOrderRequest) async throws -> JSONValue
    /// Updates an order (`order update`).
    func updateOrder(id: Int64, price: String?, amount: String?, delta: String?) async throws -> JSONValue
    /// Cancels an order (`order cancel`).
    func cancelOrder(id: Int64) async throws -> JSONValue
    /// Cancels every open order (`order cancel-all`).
    func cancelAllOrders() async throws -> JSONValue
    /// Cancels several orders at once (`oc_multi`): by ids, CIDs, group ids or all
    /// (`order cancel-multi`); returns the server's confirmation.
    func cancelOrders(_ selection: OrderCancelMulti) async throws -> JSONValue
    /// Creates a funding offer (`funding offer new`); returns the server's confirmation.
    func submitFundingOffer(_ offer: ConsoleFundingOfferRequest) async throws -> JSONValue
    /// Cancels a funding offer (`funding offer cancel`).
    func cancelFundingOffer(id: Int64) async throws -> JSONValue
    /// Any REST endpoint; `auth/…` paths are signed through the nonce queue with `priority`.
    /// Returns the raw response body (`call`).
    func restCall(method: String, path: String, body: String?, priority: String?) async throws -> String
    /// Sends a raw frame on a connection (`ws send`).
    func sendRaw(_ json: String, connection: String?) async throws
    /// Nonce statistics per key (`nonce`).
    func nonceStats() async throws -> [ConsoleNonceStats]
    /// Recent nonce issues of a key, newest first (`nonce KEY`).
    func recentNonces(key: String?, limit: Int) async throws -> [ConsoleNonceIssue]
    /// Dispatch queues (`queue`).
    func queues() async throws -> [ConsoleQueue]
    /// Alert rules and their state (`alerts`).
    func alerts() async throws -> [ConsoleAlert]
    /// Forces a reconnect of one connection or all (`reconnect`); returns the affected names.
    func reconnect(connection: String?) async throws -> [String]
    /// Injects a simulator fault given as words, e.g. `["stall", "5"]` (`fault`); returns what
    /// was done. Throws `ConsoleBackendError.notSimulator` against a real endpoint.
    func injectFault(_ words: [String]) async throws -> String
    /// Diagnostics for `dump`: an object with masked config, state, metrics, recent events and
    /// nonce history. Secrets must already be masked; the console masks again defensively.
    func diagnostics() async throws -> JSONValue
    /// Literal secret values (API keys/secrets) the console must never print; used to scrub dumps.
    func knownSecrets() async -> [String]
    /// Changes the runtime log level (`log level`).
    func setLogLevel(_ level: String) async throws
    /// Names for tab completion.
    func completionData() async -> ConsoleCompletionData
    /// Operator notices (alert action `console`, fired/resolved alerts, faults); the console
    /// prints them between commands. A new stream per call.
    func notices() async -> AsyncStream<String>
    /// Local clients of the gateway (`gateway:` in the configuration); throws when there is none.
    func gatewayClients() async throws -> [ConsoleGatewayClient]
    /// Closes local gateway client `id`; throws when there is no gateway or no such client.
    func kickGatewayClient(id: Int) async throws
    /// The newest `limit` signed calls through the gateway (audit log); throws when there is no gateway.
    func gatewayLog(limit: Int) async throws -> [ConsoleGatewayCall]
    /// Graceful shutdown (on `quit` / Ctrl-D).
    func shutdown() async
}
