import BfxProtocol

/// An HTTP answer produced by the engine.
struct RESTReply: Sendable {
    var status: Int
    var body: String
    static func error(_ status: Int, _ code: Int, _ msg: String) -> RESTReply {
        RESTReply(status: status, body: "[\"error\",\(code),\"\(msg)\"]")
    }
}

extension SimulatorEngine {
    /// Injected faults, rate limits and maintenance, checked before any endpoint logic.
    func restGate(endpoint: String, authenticated: Bool) -> RESTReply? {
        if restErrorBudget > 0 {
            restErrorBudget -= 1
            restCounts["injected", default: 0] += 1
            return .error(500, 10001, "ERR_GENERIC: simulated server error")
        }
        if restRateLimitBudget > 0 {
            restRateLimitBudget -= 1
            restCounts["injected", default: 0] += 1
            return RESTReply(status: 429, body: "{\"error\":\"ERR_RATE_LIMIT\"}")
        }
        let limit = authenticated ? configuration.restAuthLimit : configuration.restPublicLimit
        let now = ContinuousClock.now
        var window = restWindows[endpoint] ?? []
        window.removeAll { now - $0 >= limit.window }
        if window.count >= limit.requests {
            restWindows[endpoint] = window
            restCounts["rateLimited", default: 0] += 1
            return RESTReply(status: 429, body: "{\"error\":\"ERR_RATE_LIMIT\"}")
        }
        window.append(now)
        restWindows[endpoint] = window
        if maintenance, endpoint != "platform/status" {
            restCounts["error", default: 0] += 1
            return .error(500, 20060, "maintenance")
        }
        return nil
    }

    /// GET /v2/... public endpoints.
    func restPublic(path: String, query: [String: String]) -> RESTReply {
        let parts = path.split(separator: "/").map(String.init)
        guard let first = parts.first else { return .error(404, 10020, "endpoint: unknown") }
        let endpoint = first == "platform" ? "platform/status" : first
        if let gated = restGate(endpoint: endpoint, authenticated: false) { return gated }
        let reply = publicEndpoint(parts, query: query)
        restCounts[reply.status == 200 ? "ok" : "error", default: 0] += 1
        return reply
    }

    private func publicEndpoint(_ parts: [String], query: [String: String]) -> RESTReply {
        let limit = query["limit"].flatMap { Int($0) }
        let ascending = query["sort"] == "1"
        switch parts[0] {
        case "platform":
            return RESTReply(status: 200, body: maintenance ? "[0]" : "[1]")
        case "tickers":
            let requested = (query["symbols"] ?? "ALL").split(separator: ",").map(String.init)
            let symbols = requested == ["ALL"] ? symbolOrder : requested.filter { markets[$0] != nil }
            var w = WireWriter()
            w.beginArray()
            for symbol in symbols {
                guard let market = markets[symbol] else { continue }
                let fields = SimulatorEngine.render(decS: false) { market.writeTicker(to: &$0) }
                w.raw("[\"\(symbol)\"," + fields.dropFirst())
            }
            w.endArray()
            return RESTReply(status: 200, body: w.text)
        case "ticker":
            guard parts.count == 2, let market = markets[parts[1]] else { return .error(500, 10020, "symbol: invalid") }
            return RESTReply(status: 200, body: SimulatorEngine.render(decS: false) { market.writeTicker(to: &$0) })
        case "trades":
            guard parts.count == 3, parts[2] == "hist", let market = markets[parts[1]] else { return .error(500, 10020, "symbol: invalid") }
            var trades = Array(market.trades.reversed())
            if ascending { trades.reverse() }
            let list = trades.prefix(max(1, min(limit ?? 125, 10_000)))
            return RESTReply(status: 200, body: SimulatorEngine.render(decS: false) { w in
                w.beginArray(); for t in list { t.write(to: &w) }; w.endArray()
            })
        case "book":
            guard parts.count == 3, markets[parts[1]] != nil else { return .error(500, 10020, "symbol: invalid") }
            let precision: Int?
            switch parts[2] {
            case "P0": precision = 0
            case "P1": precision = 1
            case "P2": precision = 2
            case "P3": precision = 3
            case "P4": precision = 4
            case "R0": precision = nil
            default: return .error(500, 10020, "prec: invalid")
            }
            let length = query["len"].flatMap { Int($0) } ?? 25
            guard [1, 25, 100, 250].contains(length) else { return .error(500, 10020, "len: invalid") }
            let rows = bookRows(symbol: parts[1], precision: precision, length: length) ?? []
            return RESTReply(status: 200, body: SimulatorEngine.render(decS: false) { w in
                w.beginArray(); for r in rows { r.write(to: &w) }; w.endArray()
            })
        case "candles":
            guard parts.count == 3 else { return .error(500, 10020, "candles: invalid") }
            let keyParts = parts[1].split(separator: ":").map(String.init)
            guard keyParts.count >= 3, keyParts[0] == "trade", let tf = Timeframe(rawValue: keyParts[1]) else {
                return .error(500, 10020, "key: invalid")
            }
            var symbol = keyParts[2]
            if keyParts.count == 4, symbol.hasPrefix("t") { symbol += ":" + keyParts[3] }
            guard let market = markets[symbol] else { return .error(500, 10020, "symbol: invalid") }
            let candles = market.candles[tf] ?? []
            if parts[2] == "last" {
                guard let last = candles.last else { return RESTReply(status: 200, body: "[]") }
                return RESTReply(status: 200, body: SimulatorEngine.render(decS: false) { last.write(to: &$0) })
            }
            guard parts[2] == "hist" else { return .error(500, 10020, "candles: invalid") }
            var list = Array(candles.reversed())
            if ascending { list.reverse() }
            let slice = list.prefix(max(1, min(limit ?? 100, 10_000)))
            return RESTReply(status: 200, body: SimulatorEngine.render(decS: false) { w in
                w.beginArray(); for c in slice { c.write(to: &w) }; w.endArray()
            })
        case "conf":
            guard parts.count == 2 else { return .error(404, 10020, "endpoint: unknown") }
            switch parts[1] {
            case "pub:list:pair:exchange":
                let pairs = configuration.tradingSymbols.map { "\"\($0.dropFirst())\"" }.joined(separator: ",")
                return RESTReply(status: 200, body: "[[\(pairs)]]")
            case "pub:list:currency":
                let currencies = Set(configuration.tradingSymbols.flatMap { s -> [String] in let c = Account.currencies(of: s); return [c.0, c.1] })
                return RESTReply(status: 200, body: "[[" + currencies.sorted().map { "\"\($0)\"" }.joined(separator: ",") + "]]")
            default:
                return .error(404, 10020, "endpoint: unknown")
            }
        default:
            return .error(404, 10020, "endpoint: unknown")
        }
    }

    /// POST /v2/auth/... with `bfx-apikey`, `bfx-nonce`, `bfx-signature` over
    /// `/api/v2/<path><nonce><body>` (reference §8.1).
    func restAuth(path: String, apiKey: String?, nonce: String?, signature: String?, body: String) -> RESTReply {
        if let gated = restGate(endpoint: path, authenticated: true) { return gated }
        guard let apiKey, let nonceText = nonce, let signature else {
            restCounts["error", default: 0] += 1
            return .error(500, 10100, "apikey: invalid")
        }
        let payload = "/api/v2/" + path + nonceText + body
        switch verifySigned(apiKey: apiKey, payload: payload, signature: signature, nonce: Int64(nonceText)) {
        case .failed(let code, let msg):
            restCounts["error", default: 0] += 1
            return .error(500, code, msg)
        case .ok(let ref):
            let params: JSONObject
            if body.isEmpty {
                params = JSONObject()
            } else {
                guard let parsed = try? JSONValue.parse(body), let object = parsed.object else {
                    restCounts["error", default: 0] += 1
                    return .error(500, 10020, "params: invalid")
                }
                params = object
            }
            let reply = authEndpoint(path, ref: ref, params)
            restCounts[reply.status == 200 ? "ok" : "error", default: 0] += 1
            return reply
        }
    }

    private func authEndpoint(_ path: String, ref: SimulatorConfiguration.APIKey.Ref, _ p: JSONObject) -> RESTReply {
        let userId = ref.userId
        guard let account = accounts[userId] else { return .error(500, 10100, "apikey: invalid") }
        let parts = path.split(separator: "/").map(String.init)
        let ok: (String) -> RESTReply = { RESTReply(status: 200, body: $0) }
        let writeDenied = RESTReply.error(500, 10001, "api_key: permission invalid")
        switch path {
        case "auth/r/wallets":
            return ok(SimulatorEngine.render(decS: false) { w in
                w.beginArray()
                for wallet in account.wallets {
                    w.beginArray(); w.string(wallet.type); w.string(wallet.currency); w.decimal(wallet.balance); w.int(0)
                    w.decimal(account.available(wallet.type, wallet.currency)); w.null(); w.null(); w.endArray()
                }
                w.endArray()
            })
        case "auth/r/positions":
            let positions = account.positions.values.sorted { $0.id < $1.id }
            return ok(SimulatorEngine.render(decS: false) { w in
                w.beginArray(); for pos in positions { pos.write(to: &w, markPrice: self.markPrice(pos.symbol)) }; w.endArray()
            })
        case "auth/w/order/submit":
            guard ref.canWrite else { return writeDenied }
            let answer = placeOrder(userId: userId, canWrite: true, p)
            return ok(configuration.variants.restNotifyInfo == .rows ? SimulatorEngine.wrapInfoRows(answer) : answer)
        case "auth/w/order/update":
            guard ref.canWrite else { return writeDenied }
            return ok(updateOrder(userId: userId, p))
        case "auth/w/order/cancel":
            guard ref.canWrite else { return writeDenied }
            return ok(cancelOrder(userId: userId, p))
        case "auth/w/order/cancel/multi":
            guard ref.canWrite else { return writeDenied }
            return ok(cancelMulti(userId: userId, p))
        case "auth/w/order/multi":
            guard ref.canWrite else { return writeDenied }
            return ok(multiOp(userId: userId, canWrite: true, p["ops"]?.array ?? []))
        default:
            break
        }
        if parts.count >= 3, parts[0] == "auth", parts[1] == "r", parts[2] == "orders" {
            if parts.count == 4, parts[3] == "hist" {
                let closed = account.closedOrders.reversed().prefix(p["limit"]?.int ?? 25)
                return ok(SimulatorEngine.render(decS: false) { w in w.beginArray(); for o in closed { o.write(to: &w) }; w.endArray() })
            }
            let symbol = parts.count == 4 ? parts[3] : nil
            let ids = Set(p["id"]?.array?.compactMap(\.int64) ?? [])
            let orders = account.orders.values
                .filter { symbol == nil || $0.symbol == symbol }
                .filter { ids.isEmpty || ids.contains($0.id) }
                .sorted { $0.id < $1.id }
            return ok(SimulatorEngine.render(decS: false) { w in w.beginArray(); for o in orders { o.write(to: &w) }; w.endArray() })
        }
        if parts.count >= 4, parts[0] == "auth", parts[1] == "r", parts[2] == "trades", parts.last == "hist" {
            let symbol = parts.count == 5 ? parts[3] : nil
            let trades = account.trades.reversed().filter { symbol == nil || $0.symbol == symbol }.prefix(p["limit"]?.int ?? 25)
            return ok(SimulatorEngine.render(decS: false) { w in w.beginArray(); for t in trades { t.write(to: &w, withFee: true) }; w.endArray() })
        }
        return .error(404, 10020, "endpoint: unknown")
    }

    /// REST submit answers NOTIFY_INFO as an array of rows (`[[ORDER]]`, docs example); the WS
    /// notification carries a single row. Reference §8.2 marks this UNVERIFIED.
    static func wrapInfoRows(_ notification: String) -> String {
        guard case .array(var items)? = try? JSONValue.parse(notification), items.count > 4,
              case .array(let info) = items[4], !(info.first?.array != nil) else { return notification }
        items[4] = .array([.array(info)])
        return JSONValue.array(items).serialized()
    }
}
