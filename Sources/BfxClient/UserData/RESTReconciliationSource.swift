import BfxProtocol

/// Reads the account from the authenticated REST API for reconciliation after a reconnect.
/// Every call is signed through the REST client's nonce manager (shared with WS auth).
public struct RESTReconciliationSource: UserDataReconciliationSource {
    private let rest: BfxRESTClient
    private let tradesLimit: Int

    /// Wraps `rest`; `tradesLimit` bounds the trade-history request (Bitfinex default 25, max 2500).
    public init(_ rest: BfxRESTClient, tradesLimit: Int = 500) {
        self.rest = rest
        self.tradesLimit = tradesLimit
    }

    /// `auth/r/orders`.
    public func openOrders() async throws -> [Order] { try await rest.orders() }

    /// `auth/r/positions`.
    public func positions() async throws -> [Position] { try await rest.positions() }

    /// `auth/r/wallets`.
    public func wallets() async throws -> [Wallet] { try await rest.wallets() }

    /// `auth/r/trades/hist`, filtered to `mtsCreate >= sinceMillis`.
    public func trades(sinceMillis: Int64) async throws -> [AccountTrade] {
        try await rest.tradesHistory(limit: tradesLimit).filter { $0.mtsCreate >= sinceMillis }
    }
}
