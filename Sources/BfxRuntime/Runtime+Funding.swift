import BfxClient
import BfxProtocol

extension Runtime {
    /// Creates a funding offer (`fon`). With a `ready` user-data stream for the key it is a
    /// correlated WebSocket `fon` (`UserDataClient.submitFundingOffer`, resolved by the `fon` of
    /// the offer; no nonce); otherwise REST `auth/w/funding/offer/submit` through the nonce queue.
    /// Returns notification JSON `[MTS, "fon-req", null, null, OFFER, null, "SUCCESS", TEXT]`
    /// (WebSocket: TEXT = `Submitted via WebSocket`).
    /// - Parameters:
    ///   - symbol: funding symbol, e.g. `fUSD`.
    ///   - amount: positive to offer (lend), negative to bid (borrow), as a decimal string.
    ///   - rate: daily rate, e.g. `0.0002`.
    ///   - period: days, 2...120.
    ///   - type: `LIMIT` (default), `FRRDELTAVAR` or `FRRDELTAFIX`.
    ///   - flags: Bitfinex offer flags (e.g. 1024 hidden), 0 by default.
    ///   - key: the `keys[].name` to use; nil means the first key of the config.
    /// - Throws: `RuntimeError.invalidArgument` for a non-funding symbol, a non-numeric amount or
    ///   rate, or a period outside 2...120; `RuntimeError.callFailed` with the server text when
    ///   rejected; `RuntimeError.unknownKey` without an API key.
    public func submitFundingOffer(symbol: String, amount: String, rate: String, period: Int, type: String = "LIMIT",
                                   flags: Int = 0, key: String? = nil) async throws -> String {
        guard phase == .running || phase == .starting || phase == .stopping else { throw RuntimeError.notRunning }
        guard symbol.hasPrefix("f"), symbol.count >= 2 else {
            throw RuntimeError.invalidArgument("funding offer: symbol must be a funding symbol (fUSD, fBTC, …), got '\(symbol)'")
        }
        guard (2...120).contains(period) else { throw RuntimeError.invalidArgument("funding offer: period must be 2...120 days, got \(period)") }
        let offer = NewFundingOffer(type: type, symbol: symbol, amount: try Self.wireNumber(amount, field: "amount"),
                                    rate: try Self.wireNumber(rate, field: "rate"), period: Int64(period), flags: Int64(flags))
        if let placed = try await userDataInput(key: key, label: "submit funding offer", { try await $0.submitFundingOffer(offer) }) {
            return Self.notificationJSON(type: "fon-req", info: .fundingOffer(placed), text: "Submitted via WebSocket")
        }
        let fields = ["\"type\":\(Self.quote(type))", "\"symbol\":\(Self.quote(symbol))", "\"amount\":\(Self.quote(amount))",
                      "\"rate\":\(Self.quote(rate))", "\"period\":\(period)", "\"flags\":\(flags)"]
        return try await restCall(path: "auth/w/funding/offer/submit", body: "{" + fields.joined(separator: ",") + "}", key: key)
    }

    /// Cancels a funding offer (`foc`): WebSocket `UserDataClient.cancelFundingOffer` when the
    /// key's user-data stream is ready (resolved by the offer's `foc`; an id that is not an active
    /// offer of the stream's account fails without being sent), else REST
    /// `auth/w/funding/offer/cancel`. Returns notification JSON (`foc-req`, the closed offer).
    /// - Throws: `RuntimeError.callFailed` with the reason or server text when rejected.
    public func cancelFundingOffer(id: Int64, key: String? = nil) async throws -> String {
        guard phase == .running || phase == .starting || phase == .stopping else { throw RuntimeError.notRunning }
        // The server's `n foc-req` ERROR for an unknown offer carries no offer id, so the client
        // could only time it out: an id the stream's account does not hold fails at once instead.
        if let client = await readyUserData(key: key), await client.accountState.fundingOffers[id] == nil {
            throw RuntimeError.callFailed("cancel funding offer (WebSocket): offer \(id) is not an active offer of this account")
        }
        if let closed = try await userDataInput(key: key, label: "cancel funding offer", { try await $0.cancelFundingOffer(id: id) }) {
            return Self.notificationJSON(type: "foc-req", info: .fundingOffer(closed), text: "Cancelled via WebSocket")
        }
        return try await restCall(path: "auth/w/funding/offer/cancel", body: "{\"id\":\(id)}", key: key)
    }
}
