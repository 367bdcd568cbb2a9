/// A channel-0 (authenticated) data message `[0, TYPE, DATA]`.
public enum UserEvent: Sendable, Hashable {
    /// `os` order snapshot.
    case orderSnapshot([Order])
    /// `on` new order.
    case orderNew(Order)
    /// `ou` order update.
    case orderUpdate(Order)
    /// `oc` order cancelled/closed (filled or cancelled).
    case orderCancel(Order)
    /// `hos` historical orders (deprecated).
    case historicalOrders([Order])
    /// `ps` position snapshot.
    case positionSnapshot([Position])
    /// `pn` new position.
    case positionNew(Position)
    /// `pu` position update.
    case positionUpdate(Position)
    /// `pc` position closed.
    case positionClose(Position)
    /// `ws` wallet snapshot.
    case walletSnapshot([Wallet])
    /// `wu` wallet update.
    case walletUpdate(Wallet)
    /// `bu` balance update.
    case balanceUpdate(BalanceInfo)
    /// `miu` margin info.
    case marginInfo(MarginInfo)
    /// `fiu` funding info.
    case fundingInfo(FundingInfo)
    /// `te` own trade executed.
    case tradeExecuted(AccountTrade)
    /// `tu` own trade update (with fee).
    case tradeUpdate(AccountTrade)
    /// `fte` funding trade executed.
    case fundingTradeExecuted(AccountFundingTrade)
    /// `ftu` funding trade update.
    case fundingTradeUpdate(AccountFundingTrade)
    /// `fos` funding offer snapshot.
    case fundingOfferSnapshot([FundingOffer])
    /// `fon` new funding offer.
    case fundingOfferNew(FundingOffer)
    /// `fou` funding offer update.
    case fundingOfferUpdate(FundingOffer)
    /// `foc` funding offer cancelled.
    case fundingOfferCancel(FundingOffer)
    /// `fcs` funding credit snapshot.
    case fundingCreditSnapshot([FundingCredit])
    /// `fcn` new funding credit.
    case fundingCreditNew(FundingCredit)
    /// `fcu` funding credit update.
    case fundingCreditUpdate(FundingCredit)
    /// `fcc` funding credit closed.
    case fundingCreditClose(FundingCredit)
    /// `fls` funding loan snapshot.
    case fundingLoanSnapshot([FundingLoan])
    /// `fln` new funding loan.
    case fundingLoanNew(FundingLoan)
    /// `flu` funding loan update.
    case fundingLoanUpdate(FundingLoan)
    /// `flc` funding loan closed.
    case fundingLoanClose(FundingLoan)
    /// `n` notification.
    case notification(Notification)
    /// A type this version does not know (kept verbatim).
    case unknown(type: String, data: JSONValue)
}
