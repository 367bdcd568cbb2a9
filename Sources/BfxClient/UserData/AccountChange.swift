import BfxProtocol

/// One change of ``AccountState``, published on the client's change feed in server order.
public enum AccountChange: Sendable, Equatable {
    /// Which snapshot replaced part of the state.
    public enum SnapshotKind: String, Sendable, Equatable, CaseIterable {
        /// `os`.
        case orders = "os"
        /// `ps`.
        case positions = "ps"
        /// `ws`.
        case wallets = "ws"
        /// `fos`.
        case fundingOffers = "fos"
        /// `fcs`.
        case fundingCredits = "fcs"
        /// `fls`.
        case fundingLoans = "fls"
    }

    /// An order appeared, changed or closed (`on`/`ou`/`oc`, or a snapshot difference).
    case order(ObjectChange<Order>)
    /// A position appeared, changed or closed.
    case position(ObjectChange<Position>)
    /// A wallet appeared or changed.
    case wallet(ObjectChange<Wallet>)
    /// A funding offer appeared, changed or closed.
    case fundingOffer(ObjectChange<FundingOffer>)
    /// A funding credit appeared, changed or closed.
    case fundingCredit(ObjectChange<FundingCredit>)
    /// A funding loan appeared, changed or closed.
    case fundingLoan(ObjectChange<FundingLoan>)
    /// `bu`: total and net assets under management.
    case balance(BalanceInfo)
    /// `miu`: margin information.
    case margin(MarginInfo)
    /// A fill, reported once per trade ID: on its `te` (or on its `tu` when no `te` was seen).
    /// The `tu` that completes it with the fee updates ``AccountState/recentTrades`` without a
    /// second change (it is still delivered as a message by ``UserDataClient/events()``).
    case trade(AccountTrade)
    /// `fiu`: funding info of a symbol (stored in ``AccountState/fundingInfo``).
    case fundingInfo(FundingInfo)
    /// `fte`/`ftu`.
    case fundingTrade(AccountFundingTrade)
    /// A snapshot replaced the whole collection (individual differences follow as separate changes).
    case snapshot(SnapshotKind)
}
