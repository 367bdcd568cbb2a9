import BfxProtocol
import DequeModule

/// The account as the authenticated stream describes it: open orders (by ID, with a CID index),
/// positions, wallets, balance, margin, funding offers/credits/loans and recent own trades.
///
/// A pure value built from channel-0 snapshots and deltas; every `apply…` returns the
/// ``AccountChange``s it caused, in order. ``UserDataClient`` keeps one current copy that is
/// queryable at any time; this type is also what reconciliation diffs.
public struct AccountState: Sendable, Equatable {
    /// Identifies a wallet: type (`exchange`, `margin`, `funding`) and currency.
    public struct WalletKey: Hashable, Comparable, Sendable, CustomStringConvertible {
        /// `exchange`, `margin` or `funding`.
        public var type: String
        /// Currency code, e.g. `USD`.
        public var currency: String

        /// Creates a key.
        public init(type: String, currency: String) {
            self.type = type
            self.currency = currency
        }

        /// `type:currency`.
        public var description: String { "\(type):\(currency)" }

        /// Orders by type, then currency.
        public static func < (lhs: WalletKey, rhs: WalletKey) -> Bool {
            (lhs.type, lhs.currency) < (rhs.type, rhs.currency)
        }
    }

    /// Open orders by order ID.
    public private(set) var orders: [Int64: Order] = [:]
    /// Open order IDs by client order ID.
    public private(set) var orderIDsByCID: [Int64: Int64] = [:]
    /// Open positions by symbol.
    public private(set) var positions: [String: Position] = [:]
    /// Wallets by type and currency.
    public private(set) var wallets: [WalletKey: Wallet] = [:]
    /// Latest `bu` (assets under management).
    public private(set) var balance: BalanceInfo?
    /// Latest `miu` base margin info.
    public private(set) var marginBase: MarginInfo?
    /// Latest `miu` per-symbol margin info.
    public private(set) var marginBySymbol: [String: MarginInfo] = [:]
    /// Active funding offers by ID.
    public private(set) var fundingOffers: [Int64: FundingOffer] = [:]
    /// Active funding credits by ID.
    public private(set) var fundingCredits: [Int64: FundingCredit] = [:]
    /// Active funding loans by ID.
    public private(set) var fundingLoans: [Int64: FundingLoan] = [:]
    /// Latest `fiu` funding info by funding symbol (e.g. `fUSD`).
    public private(set) var fundingInfo: [String: FundingInfo] = [:]
    /// Most recent own trades (oldest first), at most `recentTradesCapacity`; `tu` replaces `te`.
    /// A deque: appending a fill and evicting the oldest are O(1) (hot path, ADR 0014).
    public private(set) var recentTrades: Deque<AccountTrade> = []
    /// IDs of ``recentTrades`` (O(1) "stored?" for every `te`/`tu`).
    private var recentTradeIDs: Set<Int64> = []
    /// IDs of every trade applied, at most ``seenTradeIDsCapacity`` (O(1) "reported before?"),
    /// with their first-seen order for FIFO eviction. A superset of ``recentTrades``' IDs (same
    /// insertion order, larger bound), so a late `tu` for a trade that already left
    /// ``recentTrades`` does not report the fill again.
    private var seenTradeIDs: Set<Int64> = []
    private var seenTradeOrder: Deque<Int64> = []
    /// Snapshot types received since the state was created or last reset.
    public private(set) var receivedSnapshots: Set<AccountChange.SnapshotKind> = []
    /// Capacity of ``recentTrades``.
    public let recentTradesCapacity: Int
    /// How many trade IDs are remembered for reporting each fill once (oldest forgotten first);
    /// never below ``recentTradesCapacity``.
    public let seenTradeIDsCapacity: Int

    /// Creates an empty state.
    /// - Parameters:
    ///   - recentTradesCapacity: trades kept in ``recentTrades``.
    ///   - seenTradeIDsCapacity: trade IDs remembered so a fill is reported once even after its
    ///     trade left ``recentTrades`` (raised to `recentTradesCapacity` if smaller; 100,000 IDs
    ///     take about 3 MB).
    public init(recentTradesCapacity: Int = 1_000, seenTradeIDsCapacity: Int = 100_000) {
        self.recentTradesCapacity = max(0, recentTradesCapacity)
        self.seenTradeIDsCapacity = max(self.recentTradesCapacity, seenTradeIDsCapacity)
    }

    // MARK: Queries

    /// The open order with this client order ID.
    public func order(cid: Int64) -> Order? {
        orderIDsByCID[cid].flatMap { orders[$0] }
    }

    /// The wallet of this type and currency.
    public func wallet(type: String, currency: String) -> Wallet? {
        wallets[WalletKey(type: type, currency: currency)]
    }

    /// Whether a trade with this ID has been applied (and is still among the last
    /// ``seenTradeIDsCapacity`` trade IDs), even if it already left ``recentTrades``.
    public func hasTrade(id: Int64) -> Bool {
        seenTradeIDs.contains(id)
    }

    /// Open orders sorted by ID (stable output for displays and tests).
    public var openOrders: [Order] { orders.keys.sorted().compactMap { orders[$0] } }

    // MARK: Dispatch

    /// Applies any channel-0 message: state messages update the state and return their changes;
    /// notifications, `hos` and unknown types return none.
    public mutating func apply(_ event: UserEvent) -> [AccountChange] {
        switch event {
        case let .orderSnapshot(rows): return applyOrderSnapshot(rows)
        case let .orderNew(order), let .orderUpdate(order): return applyOrderUpsert(order)
        case let .orderCancel(order): return applyOrderClose(order)
        case let .positionSnapshot(rows): return applyPositionSnapshot(rows)
        case let .positionNew(position), let .positionUpdate(position): return applyPositionUpsert(position)
        case let .positionClose(position): return applyPositionClose(position)
        case let .walletSnapshot(rows): return applyWalletSnapshot(rows)
        case let .walletUpdate(wallet): return applyWalletUpdate(wallet)
        case let .balanceUpdate(info): return applyBalance(info)
        case let .marginInfo(info): return applyMargin(info)
        case let .tradeExecuted(trade), let .tradeUpdate(trade): return applyTrade(trade)
        case let .fundingTradeExecuted(trade), let .fundingTradeUpdate(trade): return applyFundingTrade(trade)
        case let .fundingOfferSnapshot(rows): return applyFundingOfferSnapshot(rows)
        case let .fundingOfferNew(offer), let .fundingOfferUpdate(offer): return applyFundingOfferUpsert(offer)
        case let .fundingOfferCancel(offer): return applyFundingOfferClose(offer)
        case let .fundingCreditSnapshot(rows): return applyFundingCreditSnapshot(rows)
        case let .fundingCreditNew(credit), let .fundingCreditUpdate(credit): return applyFundingCredit(credit, close: false)
        case let .fundingCreditClose(credit): return applyFundingCredit(credit, close: true)
        case let .fundingLoanSnapshot(rows): return applyFundingLoanSnapshot(rows)
        case let .fundingLoanNew(loan), let .fundingLoanUpdate(loan): return applyFundingLoan(loan, close: false)
        case let .fundingLoanClose(loan): return applyFundingLoan(loan, close: true)
        case let .fundingInfo(info): return applyFundingInfo(info)
        case .notification, .historicalOrders, .unknown: return []
        }
    }

    // MARK: Orders

    /// Replaces all open orders (`os`).
    public mutating func applyOrderSnapshot(_ rows: [Order]) -> [AccountChange] {
        var fresh: [Int64: Order] = [:]
        for order in rows where Self.isOpen(order) { fresh[order.id] = order }
        let changes = ObjectChange.diff(from: orders, to: fresh).map(AccountChange.order)
        orders = fresh
        orderIDsByCID = [:]
        for order in fresh.values { if let cid = order.cid { orderIDsByCID[cid] = order.id } }
        receivedSnapshots.insert(.orders)
        return [.snapshot(.orders)] + changes
    }

    /// Applies `on` or `ou`. An order whose status says it is no longer open is removed.
    public mutating func applyOrderUpsert(_ order: Order) -> [AccountChange] {
        guard Self.isOpen(order) else { return applyOrderClose(order) }
        let previous = orders[order.id]
        orders[order.id] = order
        if let cid = order.cid { orderIDsByCID[cid] = order.id }
        if let previous {
            return previous == order ? [] : [.order(.updated(previous: previous, current: order))]
        }
        return [.order(.added(order))]
    }

    /// Applies `oc`: the order left the book (cancelled or executed); `order` is its final state.
    public mutating func applyOrderClose(_ order: Order) -> [AccountChange] {
        orders[order.id] = nil
        if let cid = order.cid, orderIDsByCID[cid] == order.id { orderIDsByCID[cid] = nil }
        return [.order(.removed(order))]
    }

    // MARK: Positions

    /// Replaces all positions (`ps`).
    public mutating func applyPositionSnapshot(_ rows: [Position]) -> [AccountChange] {
        var fresh: [String: Position] = [:]
        for position in rows where Self.isOpen(position) { fresh[position.symbol] = position }
        let changes = ObjectChange.diff(from: positions, to: fresh).map(AccountChange.position)
        positions = fresh
        receivedSnapshots.insert(.positions)
        return [.snapshot(.positions)] + changes
    }

    /// Applies `pn`/`pu`; a `CLOSED` position is removed.
    public mutating func applyPositionUpsert(_ position: Position) -> [AccountChange] {
        guard Self.isOpen(position) else { return applyPositionClose(position) }
        let previous = positions[position.symbol]
        positions[position.symbol] = position
        if let previous {
            return previous == position ? [] : [.position(.updated(previous: previous, current: position))]
        }
        return [.position(.added(position))]
    }

    /// Applies `pc`.
    public mutating func applyPositionClose(_ position: Position) -> [AccountChange] {
        positions[position.symbol] = nil
        return [.position(.removed(position))]
    }

    // MARK: Wallets, balance, margin

    /// Replaces all wallets (`ws`).
    public mutating func applyWalletSnapshot(_ rows: [Wallet]) -> [AccountChange] {
        var fresh: [WalletKey: Wallet] = [:]
        for wallet in rows { fresh[WalletKey(type: wallet.walletType, currency: wallet.currency)] = wallet }
        let changes = ObjectChange.diff(from: wallets, to: fresh).map(AccountChange.wallet)
        wallets = fresh
        receivedSnapshots.insert(.wallets)
        return [.snapshot(.wallets)] + changes
    }

    /// Applies `wu`.
    public mutating func applyWalletUpdate(_ wallet: Wallet) -> [AccountChange] {
        let key = WalletKey(type: wallet.walletType, currency: wallet.currency)
        let previous = wallets[key]
        wallets[key] = wallet
        if let previous {
            return previous == wallet ? [] : [.wallet(.updated(previous: previous, current: wallet))]
        }
        return [.wallet(.added(wallet))]
    }

    /// Applies `bu`.
    public mutating func applyBalance(_ info: BalanceInfo) -> [AccountChange] {
        balance = info
        return [.balance(info)]
    }

    /// Applies `miu`.
    public mutating func applyMargin(_ info: MarginInfo) -> [AccountChange] {
        switch info {
        case .base:
            marginBase = info
        case let .symbol(symbol, _, _, _, _):
            marginBySymbol[symbol] = info
        }
        return [.margin(info)]
    }

    // MARK: Trades

    /// Applies `te`/`tu`: records the trade. Each fill is reported once: the first row of a
    /// trade ID (normally its `te`) returns a `.trade` change; a later row of the same ID
    /// (the `tu` adding the fee, or a reconciliation duplicate) replaces the stored row and
    /// returns no change. A trade evicted from ``recentTrades`` is still known by its ID (one of
    /// the last ``seenTradeIDsCapacity``): its late row returns no change and is not stored again.
    public mutating func applyTrade(_ trade: AccountTrade) -> [AccountChange] {
        if seenTradeIDs.contains(trade.id) {
            // Searched from the newest end: a `tu` follows its `te` closely.
            if recentTradeIDs.contains(trade.id), let index = recentTrades.lastIndex(where: { $0.id == trade.id }) {
                recentTrades[index] = trade
            }
            return []
        }
        if seenTradeIDsCapacity > 0 {
            seenTradeIDs.insert(trade.id)
            seenTradeOrder.append(trade.id)
            // Bounded: runs at most once per call once full.
            while seenTradeOrder.count > seenTradeIDsCapacity {
                seenTradeIDs.remove(seenTradeOrder.removeFirst())
            }
        }
        guard recentTradesCapacity > 0 else { return [.trade(trade)] }
        recentTrades.append(trade)
        recentTradeIDs.insert(trade.id)
        // Bounded: runs at most once per call once the deque is full.
        while recentTrades.count > recentTradesCapacity {
            let evicted = recentTrades.removeFirst()
            recentTradeIDs.remove(evicted.id)
        }
        return [.trade(trade)]
    }

    /// Applies `fiu`: stores the symbol's funding info (queryable in ``fundingInfo``).
    public mutating func applyFundingInfo(_ info: FundingInfo) -> [AccountChange] {
        if fundingInfo[info.symbol] == info { return [] }
        fundingInfo[info.symbol] = info
        return [.fundingInfo(info)]
    }

    /// Applies `fte`/`ftu` (not stored; reported on the change feed only).
    public mutating func applyFundingTrade(_ trade: AccountFundingTrade) -> [AccountChange] {
        [.fundingTrade(trade)]
    }

    // MARK: Funding

    /// Replaces all funding offers (`fos`).
    public mutating func applyFundingOfferSnapshot(_ rows: [FundingOffer]) -> [AccountChange] {
        var fresh: [Int64: FundingOffer] = [:]
        for offer in rows { fresh[offer.id] = offer }
        let changes = ObjectChange.diff(from: fundingOffers, to: fresh).map(AccountChange.fundingOffer)
        fundingOffers = fresh
        receivedSnapshots.insert(.fundingOffers)
        return [.snapshot(.fundingOffers)] + changes
    }

    /// Applies `fon`/`fou`.
    public mutating func applyFundingOfferUpsert(_ offer: FundingOffer) -> [AccountChange] {
        let previous = fundingOffers[offer.id]
        fundingOffers[offer.id] = offer
        if let previous {
            return previous == offer ? [] : [.fundingOffer(.updated(previous: previous, current: offer))]
        }
        return [.fundingOffer(.added(offer))]
    }

    /// Applies `foc`.
    public mutating func applyFundingOfferClose(_ offer: FundingOffer) -> [AccountChange] {
        fundingOffers[offer.id] = nil
        return [.fundingOffer(.removed(offer))]
    }

    /// Replaces all funding credits (`fcs`).
    public mutating func applyFundingCreditSnapshot(_ rows: [FundingCredit]) -> [AccountChange] {
        var fresh: [Int64: FundingCredit] = [:]
        for credit in rows { fresh[credit.id] = credit }
        let changes = ObjectChange.diff(from: fundingCredits, to: fresh).map(AccountChange.fundingCredit)
        fundingCredits = fresh
        receivedSnapshots.insert(.fundingCredits)
        return [.snapshot(.fundingCredits)] + changes
    }

    /// Applies `fcn`/`fcu` (`close: false`) or `fcc` (`close: true`).
    public mutating func applyFundingCredit(_ credit: FundingCredit, close: Bool) -> [AccountChange] {
        let previous = fundingCredits[credit.id]
        if close {
            fundingCredits[credit.id] = nil
            return [.fundingCredit(.removed(credit))]
        }
        fundingCredits[credit.id] = credit
        if let previous {
            return previous == credit ? [] : [.fundingCredit(.updated(previous: previous, current: credit))]
        }
        return [.fundingCredit(.added(credit))]
    }

    /// Replaces all funding loans (`fls`).
    public mutating func applyFundingLoanSnapshot(_ rows: [FundingLoan]) -> [AccountChange] {
        var fresh: [Int64: FundingLoan] = [:]
        for loan in rows { fresh[loan.id] = loan }
        let changes = ObjectChange.diff(from: fundingLoans, to: fresh).map(AccountChange.fundingLoan)
        fundingLoans = fresh
        receivedSnapshots.insert(.fundingLoans)
        return [.snapshot(.fundingLoans)] + changes
    }

    /// Applies `fln`/`flu` (`close: false`) or `flc` (`close: true`).
    public mutating func applyFundingLoan(_ loan: FundingLoan, close: Bool) -> [AccountChange] {
        let previous = fundingLoans[loan.id]
        if close {
            fundingLoans[loan.id] = nil
            return [.fundingLoan(.removed(loan))]
        }
        fundingLoans[loan.id] = loan
        if let previous {
            return previous == loan ? [] : [.fundingLoan(.updated(previous: previous, current: loan))]
        }
        return [.fundingLoan(.added(loan))]
    }

    // MARK: Reconnect support

    /// Forgets which snapshots were received (called when a new connection authenticates).
    public mutating func resetSnapshotTracking() {
        receivedSnapshots = []
    }

    /// Same orders, positions, wallets and funding objects (ignores balance, margin, trades and
    /// snapshot tracking): the comparison used to check the state against a server's account.
    public func holdingsEqual(_ other: AccountState) -> Bool {
        orders == other.orders && positions == other.positions && wallets == other.wallets
            && fundingOffers == other.fundingOffers && fundingCredits == other.fundingCredits
            && fundingLoans == other.fundingLoans
    }

    /// Whether the order is still working (not executed/cancelled): the status prefix decides
    /// (protocol reference §6.3); a missing status counts as open.
    static func isOpen(_ order: Order) -> Bool {
        guard let status = order.status?.uppercased() else { return true }
        return !(status.hasPrefix("EXECUTED") || status.hasPrefix("CANCELED") || status.hasPrefix("CANCELLED")
            || status.hasPrefix("INSUFFICIENT") || status.hasPrefix("RSN_"))
    }

    static func isOpen(_ position: Position) -> Bool {
        position.status.uppercased() != "CLOSED"
    }
}
