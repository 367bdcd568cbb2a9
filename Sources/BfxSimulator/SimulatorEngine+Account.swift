import BfxProtocol

extension SimulatorEngine {
    static let orderTypes: Set<String> = [
        "LIMIT", "MARKET", "STOP", "STOP LIMIT", "TRAILING STOP", "EXCHANGE MARKET", "EXCHANGE LIMIT",
        "EXCHANGE STOP", "EXCHANGE STOP LIMIT", "EXCHANGE TRAILING STOP", "FOK", "EXCHANGE FOK", "IOC", "EXCHANGE IOC",
    ]
    static let takerFee = Fixed(units: 20_000_000)   // 0.2 %
    static let makerFee = Fixed(units: 10_000_000)   // 0.1 %

    // MARK: delivery

    /// Whether a session's auth `filter` lets a channel-0 message through (reference §6.1).
    static func filterAllows(_ filter: [String], category: String, qualifier: String?) -> Bool {
        if filter.isEmpty { return true }
        if filter.contains(category) { return true }
        if let qualifier, filter.contains(category + "-" + qualifier) { return true }
        return false
    }

    /// Sends a channel-0 message to every authenticated session of a user.
    /// Every event is also appended to the user's ``AccountEventLog`` (`GET /_sim/events/USER`).
    func emit(_ userId: Int, _ type: String, category: String, qualifier: String? = nil, _ body: (inout WireWriter) -> Void) {
        var plain: String? = SimulatorEngine.render(decS: false, body)
        var strings: String?
        var receivers = 0
        for session in sessions.values where session.auth?.userId == userId { receivers += 1 }
        accountEvents[userId, default: AccountEventLog()].append(
            mts: configuration.now(), type: type, category: category, qualifier: qualifier, sessions: receivers, data: plain ?? "null")
        for sid in sessions.keys.sorted() {
            guard let session = sessions[sid], let auth = session.auth, auth.userId == userId,
                  SimulatorEngine.filterAllows(auth.filter, category: category, qualifier: qualifier) else { continue }
            let data: String
            if session.decimalsAsStrings {
                if strings == nil { strings = SimulatorEngine.render(decS: true, body) }
                data = strings ?? "null"
            } else {
                if plain == nil { plain = SimulatorEngine.render(decS: false, body) }
                data = plain ?? "null"
            }
            sendAccount(sid, type: type, data: data)
        }
    }

    static func render(decS: Bool, _ body: (inout WireWriter) -> Void) -> String {
        var w = WireWriter(decimalsAsStrings: decS, capacity: 256)
        body(&w)
        return w.text
    }

    /// Writes a NOTIFICATION row `[MTS,TYPE,null,null,INFO,null,STATUS,TEXT]`.
    static func writeNotification(_ w: inout WireWriter, mts: Int64, type: String, status: String, text: String, info: (inout WireWriter) -> Void) {
        w.beginArray()
        w.int(mts); w.string(type); w.null(); w.null()
        info(&w)
        w.null(); w.string(status); w.string(text)
        w.endArray()
    }

    /// Emits an `n` notification and returns its JSON (the REST answer for write endpoints).
    @discardableResult
    func notify(_ userId: Int, type: String, status: String, text: String, info: @escaping (inout WireWriter) -> Void) -> String {
        let mts = configuration.now()
        // NOTIFY_INFO of order notifications as one row or an array of rows (docs/adr/0028).
        let wrap = configuration.variants.wsNotifyInfo == .rows && SimulatorEngine.orderNotificationTypes.contains(type)
        emit(userId, "n", category: "notify") { w in
            SimulatorEngine.writeNotification(&w, mts: mts, type: type, status: status, text: text) { w in
                if wrap { w.beginArray(); info(&w); w.endArray() } else { info(&w) }
            }
        }
        return SimulatorEngine.render(decS: false) { w in
            SimulatorEngine.writeNotification(&w, mts: mts, type: type, status: status, text: text, info: info)
        }
    }

    /// Notification types whose NOTIFY_INFO is one order row (or, as a variant, an array of rows).
    static let orderNotificationTypes: Set<String> = ["on-req", "ou-req", "oc-req"]

    func markPrice(_ symbol: String) -> Fixed { markets[symbol]?.lastPrice ?? .zero }

    // MARK: snapshots

    /// os, ps, ws, fos, fcs, fls, bu after a successful auth (filter-aware).
    func sendAuthSnapshots(_ sessionId: Int) {
        guard let auth = sessions[sessionId]?.auth, let account = accounts[auth.userId] else { return }
        let decS = sessions[sessionId]?.decimalsAsStrings ?? false
        let f = auth.filter
        let allowTrading = { (symbol: String) in SimulatorEngine.filterAllows(f, category: "trading", qualifier: symbol) }
        if f.isEmpty || f.contains(where: { $0.hasPrefix("trading") }) {
            let orders = account.orders.values.filter { allowTrading($0.symbol) }.sorted { $0.id < $1.id }
            sendAccount(sessionId, type: "os", data: SimulatorEngine.render(decS: decS) { w in
                w.beginArray(); for o in orders { o.write(to: &w) }; w.endArray()
            })
            let positions = account.positions.values.filter { allowTrading($0.symbol) }.sorted { $0.id < $1.id }
            sendAccount(sessionId, type: "ps", data: SimulatorEngine.render(decS: decS) { w in
                w.beginArray(); for p in positions { p.write(to: &w, markPrice: self.markPrice(p.symbol)) }; w.endArray()
            })
        }
        if f.isEmpty || f.contains(where: { $0.hasPrefix("wallet") }) {
            let wallets = account.wallets.filter { SimulatorEngine.filterAllows(f, category: "wallet", qualifier: "\($0.type)-\($0.currency)") }
            sendAccount(sessionId, type: "ws", data: SimulatorEngine.render(decS: decS) { w in
                w.beginArray()
                for wallet in wallets {
                    w.beginArray(); w.string(wallet.type); w.string(wallet.currency); w.decimal(wallet.balance); w.int(0)
                    w.decimal(account.available(wallet.type, wallet.currency)); w.null(); w.null(); w.endArray()
                }
                w.endArray()
            })
        }
        if f.isEmpty || f.contains(where: { $0.hasPrefix("funding") }) {
            let offers = account.offers.values.filter { SimulatorEngine.filterAllows(f, category: "funding", qualifier: $0.symbol) }.sorted { $0.id < $1.id }
            sendAccount(sessionId, type: "fos", data: SimulatorEngine.render(decS: decS) { w in
                w.beginArray(); for o in offers { o.write(to: &w) }; w.endArray()
            })
            sendAccount(sessionId, type: "fcs", data: "[]")
            sendAccount(sessionId, type: "fls", data: "[]")
        }
        if SimulatorEngine.filterAllows(f, category: "balance", qualifier: nil) {
            let aum = totalBalanceUSD(account)
            sendAccount(sessionId, type: "bu", data: SimulatorEngine.render(decS: decS) { w in
                w.beginArray(); w.decimal(aum); w.decimal(aum); w.endArray()
            })
        }
    }

    func totalBalanceUSD(_ account: Account) -> Fixed {
        var total = Fixed.zero
        for wallet in account.wallets {
            if wallet.currency == "USD" { total = total + wallet.balance; continue }
            if let price = markets["t\(wallet.currency)USD"]?.lastPrice { total = total + wallet.balance.times(price) }
        }
        return total
    }

    func emitWallet(_ userId: Int, type: String, currency: String) {
        guard let account = accounts[userId], let i = account.walletIndex(type, currency) else { return }
        let wallet = account.wallets[i]
        let available = account.available(type, currency)
        emit(userId, "wu", category: "wallet", qualifier: "\(type)-\(currency)") { w in
            w.beginArray(); w.string(wallet.type); w.string(wallet.currency); w.decimal(wallet.balance); w.int(0)
            w.decimal(available); w.null(); w.null(); w.endArray()
        }
    }

    func emitBalance(_ userId: Int) {
        guard let account = accounts[userId] else { return }
        let aum = totalBalanceUSD(account)
        emit(userId, "bu", category: "balance") { w in w.beginArray(); w.decimal(aum); w.decimal(aum); w.endArray() }
    }

    func emitOrder(_ userId: Int, _ type: String, _ order: UserOrder) {
        emit(userId, type, category: "trading", qualifier: order.symbol) { order.write(to: &$0) }
    }

    // MARK: inputs

    /// Dispatches a channel-0 input (`on ou oc oc_multi ox_multi calc fon foc`).
    func accountInput(userId: Int, canWrite: Bool, type: String, payload: JSONValue) {
        switch type {
        case "on": _ = placeOrder(userId: userId, canWrite: canWrite, payload.object ?? JSONObject())
        case "ou": _ = updateOrder(userId: userId, payload.object ?? JSONObject())
        case "oc": _ = cancelOrder(userId: userId, payload.object ?? JSONObject())
        case "oc_multi": _ = cancelMulti(userId: userId, payload.object ?? JSONObject())
        case "ox_multi": _ = multiOp(userId: userId, canWrite: canWrite, payload.array ?? [])
        case "calc": calc(userId: userId, payload.array ?? [])
        case "fon": _ = newOffer(userId: userId, payload.object ?? JSONObject())
        case "foc": _ = cancelOffer(userId: userId, payload.object ?? JSONObject())
        default:
            notify(userId, type: "\(type)-req", status: "ERROR", text: "unknown input: \(type)") { $0.null() }
        }
    }

    static func decimal(_ value: JSONValue?) -> Fixed? {
        guard let value else { return nil }
        if let s = value.string { return Fixed(parsing: Substring(s)) }
        if let n = value.number { return Fixed(parsing: Substring(n.text)) }
        return nil
    }

    /// `on` / `auth/w/order/submit`. Returns the notification JSON.
    func placeOrder(userId: Int, canWrite: Bool, _ p: JSONObject) -> String {
        let now = configuration.now()
        let cid = p["cid"]?.int64 ?? now
        let fail: (String) -> String = { text in
            self.notify(userId, type: "on-req", status: "ERROR", text: text) { w in
                w.beginArray(); w.null(); w.optionalDecimal(nil); w.int(cid); w.optionalString(p["symbol"]?.string)
                w.endArray()
            }
        }
        guard canWrite else { return fail("apikey: permission invalid") }
        guard !maintenance else { return fail("platform in maintenance") }
        guard var account = accounts[userId] else { return fail("account: invalid") }
        let windowStart = ContinuousClock.now - configuration.orderRateWindow
        account.orderTimes.removeAll { $0 < windowStart }
        guard account.orderTimes.count < configuration.orderRateLimit else { return fail("Order rate limit exceeded") }
        guard let type = p["type"]?.string, SimulatorEngine.orderTypes.contains(type) else { return fail("Invalid order: type") }
        guard let symbol = p["symbol"]?.string, symbol.hasPrefix("t"), markets[symbol] != nil else { return fail("Invalid order: symbol") }
        guard let amount = SimulatorEngine.decimal(p["amount"]), !amount.isZero else { return fail("Invalid order: amount") }
        let isMarket = type.hasSuffix("MARKET")
        let price = SimulatorEngine.decimal(p["price"])
        if !isMarket, price.map({ $0.units <= 0 }) ?? true { return fail("Invalid order: price") }
        let flags = p["flags"]?.int ?? 0
        let isExchange = type.hasPrefix("EXCHANGE")
        let (base, quote) = Account.currencies(of: symbol)
        guard let market = markets[symbol] else { return fail("Invalid order: symbol") }
        let refPrice = price ?? (amount.units > 0 ? market.book.bestAsk : market.book.bestBid) ?? market.lastPrice
        if isExchange {
            if amount.units > 0 {
                let cost = refPrice.times(amount) + refPrice.times(amount).times(SimulatorEngine.takerFee)
                guard account.available("exchange", quote) >= cost else {
                    return fail("Invalid order: not enough exchange balance for \(amount.jsText) \(symbol.dropFirst()) at \(refPrice.jsText)")
                }
            } else {
                guard account.available("exchange", base) >= amount.magnitude else {
                    return fail("Invalid order: not enough exchange balance for \(amount.jsText) \(symbol.dropFirst()) at \(refPrice.jsText)")
                }
            }
        } else {
            let margin = refPrice.times(amount.magnitude)
            guard account.available("margin", "USD").units * 10 >= margin.units else {
                return fail("Invalid order: not enough tradable balance for \(amount.jsText) \(symbol.dropFirst()) at \(refPrice.jsText)")
            }
        }
        account.orderTimes.append(.now)
        accounts[userId] = account
        var order = UserOrder(
            id: ids.order(), gid: p["gid"]?.int, cid: cid, symbol: symbol, mtsCreate: now, mtsUpdate: now,
            amount: amount, amountOrig: amount, type: type, typePrev: nil, flags: flags, status: "ACTIVE",
            price: price ?? .zero, priceAvg: .zero, priceTrailing: SimulatorEngine.decimal(p["price_trailing"]) ?? .zero,
            priceAuxLimit: SimulatorEngine.decimal(p["price_aux_limit"]) ?? .zero, meta: p["meta"]
        )
        let side = amount.units > 0 ? "buy" : "sell"
        let kind = type.lowercased()
        let submitted = order
        let notification = notify(userId, type: "on-req", status: "SUCCESS",
                                  text: "Submitting \(kind) \(side) order for \(amount.magnitude.jsText) \(base).") { submitted.write(to: &$0) }
        execute(userId: userId, order: &order, isNew: true, now: now)
        return notification
    }

    /// Matches an order against the book, rests the remainder when it is a resting type, and emits
    /// on/ou/oc + te/wu/tu/ps... Stop and trailing types rest without triggering (simplification).
    func execute(userId: Int, order: inout UserOrder, isNew: Bool, now: Int64) {
        guard var market = markets[order.symbol] else { return }
        let type = order.type
        let triggerType = type.contains("STOP")
        let isMarket = type.hasSuffix("MARKET")
        let isIOC = type.hasSuffix("IOC")
        let isFOK = type.hasSuffix("FOK")
        let takerSide: SimBook.Side = order.amount.units > 0 ? .bid : .ask
        let limit: Fixed? = isMarket ? nil : order.price
        let topBefore = (market.book.bestBid, market.book.bestAsk)
        var result = MarketStepResult()
        let marketable: Bool = {
            if isMarket { return true }
            if takerSide == .bid, let ask = market.book.bestAsk { return ask <= order.price }
            if takerSide == .ask, let bid = market.book.bestBid { return bid >= order.price }
            return false
        }()
        if !triggerType {
            if marketable, order.flags & 4096 != 0 {
                order.status = "POSTONLY CANCELED"
                finish(userId: userId, order: order, type: "oc")
                return
            }
            if isFOK {
                let available = (takerSide == .bid ? market.book.rawAsks : market.book.rawBids)
                    .filter { o in o.ownerUserId != userId && (takerSide == .bid ? o.price <= order.price : o.price >= order.price) }
                    .reduce(Fixed.zero) { $0 + $1.size }
                if available < order.amount.magnitude {
                    order.status = "FILLORKILL CANCELED"
                    finish(userId: userId, order: order, type: "oc")
                    return
                }
            }
            if marketable {
                result = market.executeTaker(takerSide: takerSide, size: order.amount.magnitude, limit: limit, now: now, ids: &ids, excludingUser: userId)
            }
        }
        var fills: [UserTrade] = []
        for fill in result.makerFills {
            let signed = takerSide == .bid ? fill.size : -fill.size
            order.filled = order.filled + signed
            order.filledNotional = order.filledNotional + fill.price.times(fill.size)
            order.amount = order.amount - signed
            fills.append(UserTrade(
                id: fill.tradeId, symbol: order.symbol, mts: now, orderId: order.id, amount: signed, price: fill.price,
                orderType: order.type, orderPrice: order.price, maker: false,
                fee: -(fill.price.times(fill.size).times(SimulatorEngine.takerFee)), feeCurrency: Account.currencies(of: order.symbol).1,
                cid: order.cid
            ))
        }
        if !order.filled.isZero {
            order.priceAvg = Fixed(units: Int64(clamping: Int128(order.filledNotional.units) * Int128(Fixed.scale) / Int128(order.filled.magnitude.units)))
        }
        order.mtsUpdate = now
        let rests = !(isMarket || isIOC || isFOK) && !order.amount.isZero
        let filledText = "\(order.priceAvg.jsText)(\(order.filled.jsText))"
        if order.amount.isZero {
            order.status = "EXECUTED @ \(filledText)"
        } else if rests {
            order.status = order.filled.isZero ? "ACTIVE" : "PARTIALLY FILLED @ \(filledText)"
            if !triggerType, order.flags & 64 == 0 {
                market.book.add(SimBook.RawOrder(id: order.id, price: order.price, size: order.amount.magnitude,
                                                 side: takerSide, period: 0, ownerUserId: userId))
                result.bookChanged = true
            }
            order.onBook = true
        } else {
            order.status = order.filled.isZero ? "CANCELED" : "CANCELED was: PARTIALLY FILLED @ \(filledText)"
        }
        markets[order.symbol] = market
        if rests {
            accounts[userId]?.orders[order.id] = order
            emitOrder(userId, isNew ? "on" : "ou", order)
            if order.isExchange, fills.isEmpty {
                // the reservation changes BALANCE_AVAILABLE
                let (base, quote) = Account.currencies(of: order.symbol)
                emitWallet(userId, type: "exchange", currency: order.isBuy ? quote : base)
            }
        } else {
            finish(userId: userId, order: order, type: "oc")
        }
        applyFills(userId: userId, order: order, fills: fills)
        // other users' resting orders consumed by this taker
        let others = result.makerFills.filter { $0.maker.ownerUserId != nil && $0.maker.ownerUserId != userId }
        var publicResult = result
        publicResult.makerFills = others
        marketChanged(order.symbol, result: publicResult, topBefore: topBefore, now: now)
    }

    /// Removes a final order and emits `oc`.
    func finish(userId: Int, order: UserOrder, type: String) {
        var closed = order
        closed.onBook = false
        accounts[userId]?.orders[order.id] = nil
        accounts[userId]?.closedOrders.append(closed)
        if let count = accounts[userId]?.closedOrders.count, count > 500 { accounts[userId]?.closedOrders.removeFirst(count - 500) }
        emitOrder(userId, type, closed)
    }

    /// Books executions: te, wallet/position updates, tu, bu.
    func applyFills(userId: Int, order: UserOrder, fills: [UserTrade]) {
        guard !fills.isEmpty else { return }
        let (base, quote) = Account.currencies(of: order.symbol)
        for trade in fills {
            emit(userId, "te", category: "trading", qualifier: order.symbol) { trade.write(to: &$0, withFee: false) }
        }
        var walletsTouched: [(String, String)] = []
        for trade in fills {
            accounts[userId]?.trades.append(trade)
            let notional = trade.price.times(trade.amount.magnitude)
            if order.isExchange {
                accounts[userId]?.adjust("exchange", base, by: trade.amount)
                accounts[userId]?.adjust("exchange", quote, by: trade.amount.units > 0 ? -notional : notional)
                accounts[userId]?.adjust("exchange", quote, by: trade.fee)
                walletsTouched = [("exchange", base), ("exchange", quote)]
            } else {
                accounts[userId]?.adjust("margin", quote, by: trade.fee)
                walletsTouched = [("margin", quote)]
                updatePosition(userId: userId, symbol: order.symbol, amount: trade.amount, price: trade.price, mts: trade.mts)
            }
        }
        if let count = accounts[userId]?.trades.count, count > 1000 { accounts[userId]?.trades.removeFirst(count - 1000) }
        for (type, currency) in walletsTouched { emitWallet(userId, type: type, currency: currency) }
        for trade in fills {
            emit(userId, "tu", category: "trading", qualifier: order.symbol) { trade.write(to: &$0, withFee: true) }
        }
        emitBalance(userId)
    }

    func updatePosition(userId: Int, symbol: String, amount: Fixed, price: Fixed, mts: Int64) {
        guard var account = accounts[userId] else { return }
        var type = "pu"
        var position: UserPosition
        if let existing = account.positions[symbol] {
            position = existing
            let newAmount = position.amount + amount
            if (position.amount.units > 0) == (amount.units > 0) {
                let total = position.basePrice.times(position.amount.magnitude) + price.times(amount.magnitude)
                position.basePrice = newAmount.isZero ? price
                    : Fixed(units: Int64(clamping: Int128(total.units) * Int128(Fixed.scale) / Int128(newAmount.magnitude.units)))
            } else if (newAmount.units > 0) != (position.amount.units > 0), !newAmount.isZero {
                position.basePrice = price
            }
            position.amount = newAmount
            position.mtsUpdate = mts
            if newAmount.isZero { type = "pc" }
        } else {
            position = UserPosition(id: ids.order(), symbol: symbol, amount: amount, basePrice: price, mtsCreate: mts, mtsUpdate: mts)
            type = "pn"
        }
        account.positions[symbol] = type == "pc" ? nil : position
        accounts[userId] = account
        let mark = markPrice(symbol)
        emit(userId, type, category: "trading", qualifier: symbol) { position.write(to: &$0, markPrice: mark) }
    }

    /// User orders resting in the book consumed by generated takers.
    func makerFills(symbol: String, fills: [MakerFill], now: Int64) {
        for fill in fills {
            guard let userId = fill.maker.ownerUserId, var order = accounts[userId]?.orders[fill.maker.id] else { continue }
            let signed = order.amount.units > 0 ? fill.size : -fill.size
            order.filled = order.filled + signed
            order.filledNotional = order.filledNotional + fill.price.times(fill.size)
            order.amount = order.amount - signed
            order.priceAvg = Fixed(units: Int64(clamping: Int128(order.filledNotional.units) * Int128(Fixed.scale) / Int128(max(1, order.filled.magnitude.units))))
            order.mtsUpdate = now
            let filledText = "\(order.priceAvg.jsText)(\(order.filled.jsText))"
            let trade = UserTrade(
                id: fill.tradeId, symbol: symbol, mts: now, orderId: order.id, amount: signed, price: fill.price,
                orderType: order.type, orderPrice: order.price, maker: true,
                fee: -(fill.price.times(fill.size).times(SimulatorEngine.makerFee)), feeCurrency: Account.currencies(of: symbol).1,
                cid: order.cid
            )
            if order.amount.isZero {
                order.status = "EXECUTED @ \(filledText)"
                finish(userId: userId, order: order, type: "oc")
            } else {
                order.status = "PARTIALLY FILLED @ \(filledText)"
                accounts[userId]?.orders[order.id] = order
                emitOrder(userId, "ou", order)
            }
            applyFills(userId: userId, order: order, fills: [trade])
        }
    }

    /// Finds an order by `id` or `cid`.
    func findOrder(userId: Int, _ p: JSONObject) -> UserOrder? {
        guard let account = accounts[userId] else { return nil }
        if let id = p["id"]?.int64 { return account.orders[id] }
        if let cid = p["cid"]?.int64 { return account.orders.values.first { $0.cid == cid } }
        return nil
    }

    /// `ou` / `auth/w/order/update`.
    func updateOrder(userId: Int, _ p: JSONObject) -> String {
        let now = configuration.now()
        guard var order = findOrder(userId: userId, p) else {
            return notify(userId, type: "ou-req", status: "ERROR", text: "Order not found.") { w in
                w.beginArray(); if let id = p["id"]?.int64 { w.int(id) } else { w.null() }; w.endArray()
            }
        }
        var newAmount = order.amount
        if let amount = SimulatorEngine.decimal(p["amount"]) { newAmount = amount }
        if let delta = SimulatorEngine.decimal(p["delta"]) { newAmount = newAmount + delta }
        if newAmount.isZero || (newAmount.units > 0) != (order.amountOrig.units > 0) {
            return notify(userId, type: "ou-req", status: "ERROR", text: "Invalid order: amount") { order.write(to: &$0) }
        }
        if let price = SimulatorEngine.decimal(p["price"]) {
            guard price.units > 0 else {
                return notify(userId, type: "ou-req", status: "ERROR", text: "Invalid order: price") { order.write(to: &$0) }
            }
            order.price = price
        }
        if let flags = p["flags"]?.int { order.flags = flags }
        order.amountOrig = order.amountOrig + (newAmount - order.amount)
        order.amount = newAmount
        let topBefore = (markets[order.symbol]?.book.bestBid, markets[order.symbol]?.book.bestAsk)
        markets[order.symbol]?.book.remove(id: order.id)
        order.onBook = false
        accounts[userId]?.orders[order.id] = nil
        let snapshot = order
        let notification = notify(userId, type: "ou-req", status: "SUCCESS", text: "Submitting update to \(order.type.lowercased()) order.") { snapshot.write(to: &$0) }
        marketChanged(order.symbol, result: MarketStepResult(bookChanged: true), topBefore: topBefore, now: now)
        execute(userId: userId, order: &order, isNew: false, now: now)
        return notification
    }

    /// Cancels one resting order; returns it.
    func cancel(userId: Int, order: UserOrder, now: Int64) -> UserOrder {
        var order = order
        let topBefore = (markets[order.symbol]?.book.bestBid, markets[order.symbol]?.book.bestAsk)
        let wasOnBook = markets[order.symbol]?.book.remove(id: order.id) != nil
        order.status = order.filled.isZero ? "CANCELED" : "CANCELED was: PARTIALLY FILLED @ \(order.priceAvg.jsText)(\(order.filled.jsText))"
        order.mtsUpdate = now
        finish(userId: userId, order: order, type: "oc")
        if wasOnBook { marketChanged(order.symbol, result: MarketStepResult(bookChanged: true), topBefore: topBefore, now: now) }
        if order.isExchange {
            let (base, quote) = Account.currencies(of: order.symbol)
            emitWallet(userId, type: "exchange", currency: order.isBuy ? quote : base)
        }
        return order
    }

    /// `oc` / `auth/w/order/cancel`.
    func cancelOrder(userId: Int, _ p: JSONObject) -> String {
        guard let order = findOrder(userId: userId, p) else {
            return notify(userId, type: "oc-req", status: "ERROR", text: "Order not found.") { w in
                w.beginArray(); if let id = p["id"]?.int64 { w.int(id) } else { w.null() }; w.endArray()
            }
        }
        let snapshot = order
        let notification = notify(userId, type: "oc-req", status: "SUCCESS",
                                  text: "Submitted for cancellation; waiting for confirmation (ID: \(order.id)).") { snapshot.write(to: &$0) }
        _ = cancel(userId: userId, order: order, now: configuration.now())
        return notification
    }

    /// `oc_multi` / `auth/w/order/cancel/multi`: by id, cid, gid or all.
    func cancelMulti(userId: Int, _ p: JSONObject) -> String {
        guard let account = accounts[userId] else { return "[]" }
        var targets: [UserOrder] = []
        if p["all"]?.int == 1 {
            targets = Array(account.orders.values)
        } else {
            let ids = Set(p["id"]?.array?.compactMap(\.int64) ?? [])
            let gids = Set(p["gid"]?.array?.compactMap(\.int) ?? [])
            let cids = Set(p["cid"]?.array?.compactMap { $0.array?.first?.int64 ?? $0.int64 } ?? [])
            targets = account.orders.values.filter { ids.contains($0.id) || cids.contains($0.cid) || ($0.gid.map { gids.contains($0) } ?? false) }
        }
        targets.sort { $0.id < $1.id }
        let rows = targets
        let notification = notify(userId, type: "oc_multi-req", status: "SUCCESS",
                                  text: "Submitting \(rows.count) order cancellations.") { w in
            w.beginArray(); for o in rows { o.write(to: &w) }; w.endArray()
        }
        let now = configuration.now()
        for order in targets { _ = cancel(userId: userId, order: order, now: now) }
        return notification
    }

}
