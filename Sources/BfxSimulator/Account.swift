import BfxProtocol

/// A simulated user's order.
struct UserOrder: Sendable {
    var id: Int64
    var gid: Int?
    var cid: Int64
    var symbol: String
    var mtsCreate: Int64
    var mtsUpdate: Int64
    /// Remaining signed amount.
    var amount: Fixed
    var amountOrig: Fixed
    var type: String
    var typePrev: String?
    var flags: Int
    var status: String
    var price: Fixed
    var priceAvg: Fixed
    var priceTrailing: Fixed
    var priceAuxLimit: Fixed
    var meta: JSONValue?
    /// Filled amount (signed) and cost for PRICE_AVG.
    var filled: Fixed = .zero
    var filledNotional: Fixed = .zero
    /// Resting in the public book.
    var onBook = false

    var isExchange: Bool { type.hasPrefix("EXCHANGE") }
    var isBuy: Bool { amountOrig.units > 0 }

    /// The 32-field ORDER row (reference §6.3).
    func write(to w: inout WireWriter) {
        w.beginArray()
        w.int(id)
        if let gid { w.int(gid) } else { w.null() }
        w.int(cid); w.string(symbol); w.int(mtsCreate); w.int(mtsUpdate)
        w.decimal(amount); w.decimal(amountOrig); w.string(type); w.optionalString(typePrev)
        w.null(); w.null(); w.int(flags); w.string(status); w.null(); w.null()
        w.decimal(price); w.decimal(priceAvg); w.decimal(priceTrailing); w.decimal(priceAuxLimit)
        w.null(); w.null(); w.null(); w.int(0); w.int(flags & 64 != 0 ? 1 : 0); w.null()
        w.null(); w.null(); w.string("API>BFX"); w.null(); w.null()
        if let meta { w.raw(meta.serialized()) } else { w.null() }
        w.endArray()
    }
}

/// A simulated margin position.
struct UserPosition: Sendable {
    var id: Int64
    var symbol: String
    var amount: Fixed
    var basePrice: Fixed
    var mtsCreate: Int64
    var mtsUpdate: Int64
    var leverage: Int = 10

    /// The 20-field POSITION row.
    func write(to w: inout WireWriter, markPrice: Fixed) {
        let pl = (markPrice - basePrice).times(amount)
        w.beginArray()
        w.string(symbol); w.string(amount.isZero ? "CLOSED" : "ACTIVE"); w.decimal(amount); w.decimal(basePrice)
        w.int(0); w.int(0); w.decimal(pl)
        let notional = basePrice.times(amount.magnitude)
        w.decimal(notional.isZero ? .zero : Fixed(units: Int64(clamping: Int128(pl.units) * 100 * Int128(Fixed.scale) / Int128(notional.units))))
        w.null(); w.int(leverage); w.null(); w.int(id); w.int(mtsCreate); w.int(mtsUpdate)
        w.null(); w.int(0); w.null(); w.decimal(Fixed(units: notional.units / Int64(leverage)))
        w.decimal(Fixed(units: notional.units / Int64(leverage * 2))); w.null()
        w.endArray()
    }
}

/// A simulated funding offer.
struct UserFundingOffer: Sendable {
    var id: Int64
    var symbol: String
    var mtsCreate: Int64
    var mtsUpdate: Int64
    var amount: Fixed
    var amountOrig: Fixed
    var type: String
    var flags: Int
    var status: String
    var rate: Fixed
    var period: Int

    /// The 21-field FUNDING_OFFER row.
    func write(to w: inout WireWriter) {
        w.beginArray()
        w.int(id); w.string(symbol); w.int(mtsCreate); w.int(mtsUpdate); w.decimal(amount); w.decimal(amountOrig)
        w.string(type); w.null(); w.null(); w.int(flags); w.string(status); w.null(); w.null(); w.null()
        w.decimal(rate); w.int(period); w.int(0); w.int(0); w.null(); w.int(0); w.null()
        w.endArray()
    }
}

/// A wallet balance.
struct UserWallet: Sendable {
    var type: String
    var currency: String
    var balance: Fixed
}

/// One account trade (own execution).
struct UserTrade: Sendable {
    var id: Int64
    var symbol: String
    var mts: Int64
    var orderId: Int64
    var amount: Fixed
    var price: Fixed
    var orderType: String
    var orderPrice: Fixed
    var maker: Bool
    var fee: Fixed
    var feeCurrency: String
    var cid: Int64

    /// The 12-field TRADE row; fee fields are null in `te` (reference §6.3).
    func write(to w: inout WireWriter, withFee: Bool) {
        w.beginArray()
        w.int(id); w.string(symbol); w.int(mts); w.int(orderId); w.decimal(amount); w.decimal(price)
        w.string(orderType); w.decimal(orderPrice); w.int(maker ? 1 : -1)
        if withFee { w.decimal(fee); w.string(feeCurrency) } else { w.null(); w.null() }
        w.int(cid)
        w.endArray()
    }
}

/// The state of one simulated user (shared by every API key with the same user id).
struct Account: Sendable {
    let userId: Int
    /// Wallets keyed by "type:currency", in creation order.
    var wallets: [UserWallet]
    var orders: [Int64: UserOrder] = [:]
    var positions: [String: UserPosition] = [:]
    var offers: [Int64: UserFundingOffer] = [:]
    var trades: [UserTrade] = []
    var orderTimes: [ContinuousClock.Instant] = []
    /// Closed/cancelled orders for REST history.
    var closedOrders: [UserOrder] = []

    init(userId: Int, wallets: [(type: String, currency: String, balance: Fixed)]) {
        self.userId = userId
        self.wallets = wallets.map { UserWallet(type: $0.type, currency: $0.currency, balance: $0.balance) }
    }

    func walletIndex(_ type: String, _ currency: String) -> Int? {
        wallets.firstIndex { $0.type == type && $0.currency == currency }
    }

    mutating func adjust(_ type: String, _ currency: String, by delta: Fixed) {
        if let i = walletIndex(type, currency) { wallets[i].balance = wallets[i].balance + delta }
        else { wallets.append(UserWallet(type: type, currency: currency, balance: delta)) }
    }

    /// Balance minus what open exchange orders reserve.
    func available(_ type: String, _ currency: String) -> Fixed {
        let balance = walletIndex(type, currency).map { wallets[$0].balance } ?? .zero
        guard type == "exchange" else { return balance }
        var reserved = Fixed.zero
        for order in orders.values where order.isExchange && order.onBook {
            let (base, quote) = Account.currencies(of: order.symbol)
            if order.isBuy, quote == currency { reserved = reserved + order.price.times(order.amount.magnitude) }
            if !order.isBuy, base == currency { reserved = reserved + order.amount.magnitude }
        }
        return balance - reserved
    }

    /// Base and quote currency of a trading symbol ("tBTCUSD" → BTC, USD; "tTESTBTC:TESTUSD").
    static func currencies(of symbol: String) -> (String, String) {
        let pair = symbol.dropFirst()
        if let colon = pair.firstIndex(of: ":") {
            return (String(pair[..<colon]), String(pair[pair.index(after: colon)...]))
        }
        return (String(pair.prefix(3)), String(pair.dropFirst(3)))
    }
}
