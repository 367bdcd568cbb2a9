import BfxProtocol
import Foundation

/// What changed in the account while the client was disconnected, computed after re-auth from
/// the fresh snapshots and the REST API (a pure comparison of the two states plus own trades).
public struct OfflineChangeReport: Sendable, Equatable {
    /// How an order that left the book while offline ended.
    public enum ClosedOutcome: String, Sendable, Equatable {
        /// Executed in full.
        case filled
        /// Partly executed, then cancelled (or otherwise closed).
        case partiallyFilledThenClosed
        /// Closed without any execution seen (cancelled, e.g. by the dead-man switch).
        case cancelled
    }

    /// An order that was open at disconnect and is no longer open.
    public struct ClosedOrder: Sendable, Equatable {
        /// The order as last seen before the disconnect.
        public var lastKnown: Order
        /// How it ended (derived from the offline trades of the order).
        public var outcome: ClosedOutcome
        /// Total executed amount while offline (signed like the order amount).
        public var filledAmount: Decimal
        /// The offline trades of this order.
        public var trades: [AccountTrade]
    }

    /// A wallet whose balance moved.
    public struct WalletMove: Sendable, Equatable {
        /// Wallet type and currency.
        public var key: AccountState.WalletKey
        /// Balance before the disconnect (nil: wallet is new).
        public var previous: Wallet?
        /// Balance after reconnect (nil: wallet disappeared).
        public var current: Wallet?
        /// `current.balance - previous.balance`.
        public var change: Decimal
    }

    /// Wall-clock time (ms since epoch) of the disconnect.
    public var disconnectedAtMillis: Int64
    /// Wall-clock time (ms since epoch) when reconciliation finished.
    public var reconciledAtMillis: Int64
    /// Orders that were open at disconnect and are gone now.
    public var closedOrders: [ClosedOrder] = []
    /// Orders that changed (e.g. partially filled, amended elsewhere) but are still open.
    public var updatedOrders: [ObjectChange<Order>] = []
    /// Orders that appeared (e.g. placed by another connection).
    public var newOrders: [Order] = []
    /// Own trades executed while offline that had not been delivered live.
    public var trades: [AccountTrade] = []
    /// Position changes.
    public var positions: [ObjectChange<Position>] = []
    /// Wallet balance moves.
    public var wallets: [WalletMove] = []
    /// Funding offer changes.
    public var fundingOffers: [ObjectChange<FundingOffer>] = []
    /// Funding credit changes.
    public var fundingCredits: [ObjectChange<FundingCredit>] = []
    /// Funding loan changes.
    public var fundingLoans: [ObjectChange<FundingLoan>] = []
    /// Sources that could not be consulted (e.g. "rest.trades: HTTP 500"), so the report may be incomplete.
    public var unavailableSources: [String] = []

    /// Creates an empty report.
    public init(disconnectedAtMillis: Int64, reconciledAtMillis: Int64) {
        self.disconnectedAtMillis = disconnectedAtMillis
        self.reconciledAtMillis = reconciledAtMillis
    }

    /// Whether nothing changed.
    public var isEmpty: Bool {
        closedOrders.isEmpty && updatedOrders.isEmpty && newOrders.isEmpty && trades.isEmpty && positions.isEmpty
            && wallets.isEmpty && fundingOffers.isEmpty && fundingCredits.isEmpty && fundingLoans.isEmpty
    }
}
