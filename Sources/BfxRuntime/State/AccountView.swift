import BfxClient
import BfxProtocol

/// The account state kept by one key's user-data stream, compact enough for the run summary,
/// `run --once --json` and `/api/state`. Amounts follow the user-facing convention of every
/// bfxrun output: positive, with the side spelled out (`buy`/`sell`); the signed wire value is
/// only shown where the protocol itself is shown (console `raw`/`ws` frames).
public struct AccountView: Sendable, Hashable, Codable {
    /// One wallet.
    public struct WalletLine: Sendable, Hashable, Codable {
        /// `exchange`, `margin` or `funding`.
        public var type: String
        /// Currency, e.g. `USD`.
        public var currency: String
        /// Balance (exact wire text, no exponent).
        public var balance: String
        /// Available balance when the server sent one.
        public var available: String?
    }

    /// One open order.
    public struct OrderLine: Sendable, Hashable, Codable {
        /// Order id.
        public var id: Int64
        /// Symbol, e.g. `tBTCUSD`.
        public var symbol: String
        /// `buy` or `sell`.
        public var side: String
        /// Remaining amount, positive.
        public var amount: String
        /// Limit price (nil for market orders).
        public var price: String?
        /// Order type, e.g. `EXCHANGE LIMIT`.
        public var type: String?
    }

    /// The key's name in the configuration (`keys[].name`), never the API key itself.
    public var key: String
    /// Connection name carrying the stream.
    public var connection: String
    /// Stream phase (`ready`, `authenticating`, …).
    public var phase: String
    /// Wallets, sorted by type then currency.
    public var wallets: [WalletLine]
    /// Open orders, by id.
    public var orders: [OrderLine]
    /// Open positions.
    public var positions: Int

    /// Builds the view from a stream's account state.
    init(key: String, connection: String, phase: String, state: AccountState) {
        self.key = key
        self.connection = connection
        self.phase = phase
        wallets = state.wallets.keys.sorted { ($0.type, $0.currency) < ($1.type, $1.currency) }.compactMap { id in
            state.wallets[id].map {
                WalletLine(type: $0.walletType, currency: $0.currency, balance: $0.balance.plainText,
                           available: $0.balanceAvailable?.plainText)
            }
        }
        orders = state.openOrders.map { order in
            let amount = order.amount?.plainText ?? "0"
            let negative = amount.hasPrefix("-")
            return OrderLine(id: order.id, symbol: order.symbol, side: negative ? "sell" : "buy",
                             amount: negative ? String(amount.dropFirst()) : amount,
                             price: order.price.flatMap { $0.isZero ? nil : $0.plainText }, type: order.orderType)
        }
        positions = state.positions.count
    }
}
