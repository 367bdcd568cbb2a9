extension FrameDecoder {
    func rows<T>(_ data: JSONValue, _ make: (JSONValue) throws(FrameDecodingError) -> T) throws(FrameDecodingError) -> [T] {
        guard case .array(let a) = data else {
            throw FrameDecodingError(reason: .invalidField(name: "snapshot", expected: "array of rows"), offset: -1, frame: [])
        }
        var out: [T] = []
        out.reserveCapacity(a.count)
        for row in a { out.append(try make(row)) }
        return out
    }

    func decodeUser(type: String, _ data: JSONValue) throws(FrameDecodingError) -> UserEvent {
        switch type {
        case "os": return .orderSnapshot(try rows(data) { (v) throws(FrameDecodingError) in try Order(row: v) })
        case "hos": return .historicalOrders(try rows(data) { (v) throws(FrameDecodingError) in try Order(row: v) })
        case "on": return .orderNew(try Order(row: data))
        case "ou": return .orderUpdate(try Order(row: data))
        case "oc": return .orderCancel(try Order(row: data))
        case "ps": return .positionSnapshot(try rows(data) { (v) throws(FrameDecodingError) in try Position(row: v) })
        case "pn": return .positionNew(try Position(row: data))
        case "pu": return .positionUpdate(try Position(row: data))
        case "pc": return .positionClose(try Position(row: data))
        case "ws": return .walletSnapshot(try rows(data) { (v) throws(FrameDecodingError) in try Wallet(row: v) })
        case "wu": return .walletUpdate(try Wallet(row: data))
        case "bu": return .balanceUpdate(try BalanceInfo(row: data))
        case "miu": return .marginInfo(try MarginInfo(row: data))
        case "fiu": return .fundingInfo(try FundingInfo(row: data))
        case "te": return .tradeExecuted(try AccountTrade(row: data))
        case "tu": return .tradeUpdate(try AccountTrade(row: data))
        case "fte": return .fundingTradeExecuted(try AccountFundingTrade(row: data))
        case "ftu": return .fundingTradeUpdate(try AccountFundingTrade(row: data))
        case "fos": return .fundingOfferSnapshot(try rows(data) { (v) throws(FrameDecodingError) in try FundingOffer(row: v) })
        case "fon": return .fundingOfferNew(try FundingOffer(row: data))
        case "fou": return .fundingOfferUpdate(try FundingOffer(row: data))
        case "foc": return .fundingOfferCancel(try FundingOffer(row: data))
        case "fcs": return .fundingCreditSnapshot(try rows(data) { (v) throws(FrameDecodingError) in try FundingCredit(row: v) })
        case "fcn": return .fundingCreditNew(try FundingCredit(row: data))
        case "fcu": return .fundingCreditUpdate(try FundingCredit(row: data))
        case "fcc": return .fundingCreditClose(try FundingCredit(row: data))
        case "fls": return .fundingLoanSnapshot(try rows(data) { (v) throws(FrameDecodingError) in try FundingLoan(row: v) })
        case "fln": return .fundingLoanNew(try FundingLoan(row: data))
        case "flu": return .fundingLoanUpdate(try FundingLoan(row: data))
        case "flc": return .fundingLoanClose(try FundingLoan(row: data))
        case "n": return .notification(try Notification(row: data))
        default: return .unknown(type: type, data: data)
        }
    }
}
