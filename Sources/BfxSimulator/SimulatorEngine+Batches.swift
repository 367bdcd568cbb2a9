import BfxProtocol

/// Batched and derived account inputs: `ox_multi`, `calc`, funding offers and the dead-man switch.
extension SimulatorEngine {
    /// `ox_multi` / `auth/w/order/multi`: at most 75 operations, each confirmed individually.
    func multiOp(userId: Int, canWrite: Bool, _ ops: [JSONValue]) -> String {
        guard ops.count <= 75 else {
            return notify(userId, type: "ox_multi-req", status: "ERROR", text: "too many operations (max 75)") { $0.null() }
        }
        var results: [String] = []
        for op in ops {
            guard let pair = op.array, pair.count >= 2, let kind = pair[0].string else { continue }
            let body = pair[1].object ?? JSONObject()
            switch kind {
            case "on": results.append(placeOrder(userId: userId, canWrite: canWrite, body))
            case "ou": results.append(updateOrder(userId: userId, body))
            case "oc": results.append(cancelOrder(userId: userId, body))
            case "oc_multi": results.append(cancelMulti(userId: userId, body))
            default: continue
            }
        }
        let joined = "[" + results.joined(separator: ",") + "]"
        return SimulatorEngine.render(decS: false) { w in
            SimulatorEngine.writeNotification(&w, mts: configuration.now(), type: "ox_multi-req", status: "SUCCESS",
                                              text: "Submitting \(results.count) operations.") { $0.raw(joined) }
        }
    }

    /// `calc`: answers with wu/pu/miu/bu/fiu for the requested items.
    func calc(userId: Int, _ items: [JSONValue]) {
        for item in items.prefix(30) {
            guard let name = item.array?.first?.string ?? item.string else { continue }
            if name == "balance" {
                emitBalance(userId)
            } else if name.hasPrefix("wallet_") {
                let parts = name.split(separator: "_")
                if parts.count >= 3 { emitWallet(userId, type: String(parts[1]), currency: String(parts[2])) }
            } else if name.hasPrefix("position_") {
                let symbol = String(name.dropFirst("position_".count))
                if let position = accounts[userId]?.positions[symbol] {
                    let mark = markPrice(symbol)
                    emit(userId, "pu", category: "trading", qualifier: symbol) { position.write(to: &$0, markPrice: mark) }
                }
            } else if name.hasPrefix("margin_sym_") {
                let symbol = String(name.dropFirst("margin_sym_".count))
                let available = accounts[userId]?.available("margin", "USD") ?? .zero
                emit(userId, "miu", category: "trading", qualifier: symbol) { w in
                    w.beginArray(); w.string("sym"); w.string(symbol)
                    w.beginArray(); w.decimal(available); w.decimal(available); w.decimal(available); w.decimal(available); w.endArray()
                    w.endArray()
                }
            } else if name == "margin_base" {
                let available = accounts[userId]?.available("margin", "USD") ?? .zero
                emit(userId, "miu", category: "trading") { w in
                    w.beginArray(); w.string("base")
                    w.beginArray(); w.int(0); w.int(0); w.decimal(available); w.decimal(available); w.int(0); w.endArray()
                    w.endArray()
                }
            } else if name.hasPrefix("funding_sym_") {
                let symbol = String(name.dropFirst("funding_sym_".count))
                emit(userId, "fiu", category: "funding", qualifier: symbol) { w in
                    w.beginArray(); w.string("sym"); w.string(symbol)
                    w.beginArray(); w.int(0); w.int(0); w.int(0); w.int(0); w.endArray()
                    w.endArray()
                }
            }
        }
    }

    /// `fon`: a funding offer (kept private: it does not enter the public funding book).
    func newOffer(userId: Int, _ p: JSONObject) -> String {
        let now = configuration.now()
        let fail: (String) -> String = { text in
            self.notify(userId, type: "fon-req", status: "ERROR", text: text) { $0.null() }
        }
        guard let symbol = p["symbol"]?.string, symbol.hasPrefix("f"), markets[symbol] != nil else { return fail("Invalid offer: symbol") }
        guard let amount = SimulatorEngine.decimal(p["amount"]), amount.units > 0 else { return fail("Invalid offer: amount") }
        guard let rate = SimulatorEngine.decimal(p["rate"]), rate.units > 0 else { return fail("Invalid offer: rate") }
        let period = p["period"]?.int ?? 2
        guard (2...120).contains(period) else { return fail("Invalid offer: period") }
        let currency = String(symbol.dropFirst())
        let offered = accounts[userId]?.offers.values.filter { $0.symbol == symbol }.reduce(Fixed.zero) { $0 + $1.amount } ?? .zero
        guard (accounts[userId]?.available("funding", currency) ?? .zero) - offered >= amount else {
            return fail("Invalid offer: not enough balance")
        }
        let offer = UserFundingOffer(id: ids.order(), symbol: symbol, mtsCreate: now, mtsUpdate: now, amount: amount, amountOrig: amount,
                                     type: p["type"]?.string ?? "LIMIT", flags: p["flags"]?.int ?? 0, status: "ACTIVE", rate: rate, period: period)
        accounts[userId]?.offers[offer.id] = offer
        let notification = notify(userId, type: "fon-req", status: "SUCCESS",
                                  text: "Submitting funding bid of \(amount.jsText) \(currency) at \(rate.jsText) for \(period) days.") { offer.write(to: &$0) }
        emit(userId, "fon", category: "funding", qualifier: symbol) { offer.write(to: &$0) }
        return notification
    }

    /// `foc`.
    func cancelOffer(userId: Int, _ p: JSONObject) -> String {
        guard let id = p["id"]?.int64, var offer = accounts[userId]?.offers.removeValue(forKey: id) else {
            return notify(userId, type: "foc-req", status: "ERROR", text: "Offer not found.") { $0.null() }
        }
        offer.status = "CANCELED"
        offer.mtsUpdate = configuration.now()
        let closed = offer
        let notification = notify(userId, type: "foc-req", status: "SUCCESS", text: "Submitted for cancellation.") { closed.write(to: &$0) }
        emit(userId, "foc", category: "funding", qualifier: offer.symbol) { closed.write(to: &$0) }
        return notification
    }

    /// Dead-man switch: cancel every order of the user (docs: "cancel all account orders").
    func deadManSwitch(userId: Int) {
        guard let orders = accounts[userId]?.orders.values.sorted(by: { $0.id < $1.id }) else { return }
        let now = configuration.now()
        for order in orders { _ = cancel(userId: userId, order: order, now: now) }
    }
}
