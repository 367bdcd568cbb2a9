import BfxProtocol

extension SimulatorEngine {
    /// Handles one text frame from a client.
    func receive(_ sessionId: Int, text: String) {
        guard sessions[sessionId] != nil else { return }
        let value: JSONValue
        do {
            value = try JSONValue.parse(text)
        } catch {
            sendEvent(sessionId, SimulatorEngine.errorEvent(code: 10000, msg: "invalid request: not JSON"))
            return
        }
        if let object = value.object {
            handleEvent(sessionId, object)
        } else if let array = value.array {
            handleInput(sessionId, array)
        } else {
            sendEvent(sessionId, SimulatorEngine.errorEvent(code: 10000, msg: "unknown event"))
        }
    }

    private func handleEvent(_ sessionId: Int, _ object: JSONObject) {
        switch object["event"]?.string {
        case "ping":
            var reply = JSONObject()
            reply.append("event", .string("pong"))
            reply.append("ts", .number(WireNumber(configuration.now())))
            if let cid = object["cid"] { reply.append("cid", cid) }
            sendEvent(sessionId, JSONValue.object(reply).serialized())
        case "conf":
            guard let flags = object["flags"]?.int64, flags >= 0 else {
                sendEvent(sessionId, SimulatorEngine.errorEvent(code: 10050, msg: "conf: invalid flags", echo: object))
                return
            }
            // Replace (default) or merge semantics (reference §11.4 UNVERIFIED; docs/adr/0028).
            let current = sessions[sessionId]?.flags ?? 0
            let effective = configuration.variants.conf == .merge ? current | flags : flags
            sessions[sessionId]?.flags = effective
            sendEvent(sessionId, "{\"event\":\"conf\",\"status\":\"OK\",\"flags\":\(effective)}")
        case "subscribe":
            subscribe(sessionId, object)
        case "unsubscribe":
            unsubscribe(sessionId, object)
        case "auth":
            authenticate(sessionId, object)
        default:
            sendEvent(sessionId, SimulatorEngine.errorEvent(code: 10000, msg: "unknown event", echo: object))
        }
    }

    private func handleInput(_ sessionId: Int, _ array: [JSONValue]) {
        guard array.count >= 2, array[0].int == 0, let type = array[1].string else {
            sendEvent(sessionId, SimulatorEngine.errorEvent(code: 10000, msg: "unknown event"))
            return
        }
        guard let auth = sessions[sessionId]?.auth else {
            sendEvent(sessionId, SimulatorEngine.errorEvent(code: 10200, msg: "not authenticated"))
            return
        }
        let payload = array.count > 3 ? array[3] : .null
        accountInput(userId: auth.userId, canWrite: keysByName[auth.apiKey]?.canWrite ?? false, type: type, payload: payload)
    }

    // MARK: subscribe

    private func subscribe(_ sessionId: Int, _ request: JSONObject) {
        let echoed = configuration.variants.errorEcho == .request ? request : nil
        let fail: (Int, String) -> Void = { code, msg in
            self.sendEvent(sessionId, SimulatorEngine.errorEvent(code: code, msg: msg, echo: echoed))
        }
        if let code = faultGate.takeSubscribeRejection() {
            fail(code, "subscribe: failed (simulated)")
            return
        }
        guard let channel = request["channel"]?.string else { fail(10300, "subscribe: channel missing"); return }
        var echo = JSONObject()
        echo.append("event", .string("subscribed"))
        echo.append("channel", .string(channel))
        let key: ChannelKey
        switch channel {
        case "ticker", "trades", "book":
            guard let symbol = request["symbol"]?.string, markets[symbol] != nil else {
                fail(10001, "symbol: invalid"); return
            }
            if channel == "book" {
                let prec = request["prec"]?.string ?? "P0"
                let precision: Int?
                switch prec {
                case "P0": precision = 0
                case "P1": precision = 1
                case "P2": precision = 2
                case "P3": precision = 3
                case "P4": precision = 4
                case "R0": precision = nil
                default: fail(10011, "book: prec invalid"); return
                }
                let freq = request["freq"]?.string ?? "F0"
                guard freq == "F0" || freq == "F1" else { fail(10300, "book: freq invalid"); return }
                let lenText = request["len"]?.string ?? request["len"]?.number?.text ?? "25"
                let allowed = precision == nil ? ["1", "25", "100", "250"] : ["1", "25", "100", "250"]
                guard allowed.contains(lenText), let length = Int(lenText) else { fail(10012, "book: len invalid"); return }
                key = .book(symbol: symbol, precision: precision, length: length, frequency: freq)
                echo.append("symbol", .string(symbol))
                echo.append("prec", .string(prec))
                echo.append("freq", .string(freq))
                echo.append("len", .string(lenText))
            } else {
                key = channel == "ticker" ? .ticker(symbol) : .trades(symbol)
                echo.append("symbol", .string(symbol))
            }
            if symbol.hasPrefix("t") { echo.append("pair", .string(String(symbol.dropFirst()))) }
            else { echo.append("currency", .string(String(symbol.dropFirst()))) }
        case "candles":
            guard let keyText = request["key"]?.string else { fail(10300, "candles: key missing"); return }
            let parts = keyText.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 3, parts[0] == "trade", let tf = Timeframe(rawValue: parts[1]) else {
                fail(10300, "candles: key invalid"); return
            }
            var symbol = parts[2]
            // trading pairs with a colon, e.g. trade:1m:tTESTBTC:TESTUSD
            if parts.count == 4, symbol.hasPrefix("t") { symbol += ":" + parts[3] }
            guard markets[symbol] != nil else { fail(10001, "symbol: invalid"); return }
            key = .candles(key: keyText, symbol: symbol, timeframe: tf)
            echo.append("key", .string(keyText))
        case "status":
            guard let keyText = request["key"]?.string,
                  keyText == "liq:global" || (keyText.hasPrefix("deriv:") && derivSpotSymbol(keyText) != nil)
            else { fail(10300, "status: key invalid"); return }
            key = .status(keyText)
            echo.append("key", .string(keyText))
        default:
            fail(10302, "channel: unknown")
            return
        }
        guard var session = sessions[sessionId] else { return }
        if session.chanIdByKey[key] != nil { fail(10301, "subscribe: dup"); return }
        if session.channels.count >= configuration.maxChannelsPerConnection { fail(10305, "subscribe: limit"); return }
        let chanId = nextChanId
        nextChanId += 1
        session.channels[chanId] = key
        session.chanIdByKey[key] = chanId
        session.lastActivity[chanId] = .now
        sessions[sessionId] = session
        subscribers[key, default: [:]][sessionId] = chanId
        subscribeCounts[key, default: 0] += 1
        echo.append("chanId", .number(WireNumber(chanId)))
        if let subId = request["subId"] { echo.append("subId", SimulatorEngine.echoedSubId(subId, configuration.variants.subId)) }
        sendEvent(sessionId, JSONValue.object(echo).serialized())
        sendSnapshot(sessionId, chanId: chanId, key: key)
    }

    private func unsubscribe(_ sessionId: Int, _ request: JSONObject) {
        if let code = faultGate.takeUnsubscribeRejection() {
            // The channel stays subscribed (the server did not act on the request).
            let echoed = configuration.variants.errorEcho == .request ? request : nil
            sendEvent(sessionId, SimulatorEngine.errorEvent(code: code, msg: "unsubscribe: failed (simulated)", echo: echoed))
            return
        }
        guard let chanId = request["chanId"]?.int, let key = sessions[sessionId]?.channels[chanId] else {
            sendEvent(sessionId, SimulatorEngine.errorEvent(code: 10401, msg: "unsubscribe: invalid", echo: request))
            return
        }
        sessions[sessionId]?.channels[chanId] = nil
        sessions[sessionId]?.chanIdByKey[key] = nil
        sessions[sessionId]?.lastActivity[chanId] = nil
        removeSubscriber(key: key, session: sessionId)
        sendEvent(sessionId, "{\"event\":\"unsubscribed\",\"status\":\"OK\",\"chanId\":\(chanId)}")
    }

    /// `subId` as the ``ProtocolVariants/SubIdEcho`` variant echoes it.
    static func echoedSubId(_ value: JSONValue, _ variant: ProtocolVariants.SubIdEcho) -> JSONValue {
        switch variant {
        case .asSent: return value
        case .string: return value.number.map { JSONValue.string($0.text) } ?? value
        case .number: return value.string.flatMap { WireNumber($0) }.map { JSONValue.number($0) } ?? value
        }
    }

    /// The spot market a `deriv:` status key maps to (tBTCF0:USTF0 → tBTCUSD).
    func derivSpotSymbol(_ key: String) -> String? {
        let body = key.dropFirst("deriv:".count)
        guard body.hasPrefix("t"), let f0 = body.range(of: "F0:") else { return nil }
        let base = body[body.index(after: body.startIndex)..<f0.lowerBound]
        let spot = "t" + base + "USD"
        return markets[spot] != nil ? spot : nil
    }

    /// Sends the snapshot that follows `subscribed`.
    private func sendSnapshot(_ sessionId: Int, chanId: Int, key: ChannelKey) {
        guard let session = sessions[sessionId] else { return }
        let decS = session.decimalsAsStrings
        switch key {
        case .ticker(let symbol):
            guard let market = markets[symbol] else { return }
            sendChannel(sessionId, chanId: chanId, fragment: SimulatorEngine.fragment(decS: decS) { market.writeTicker(to: &$0) })
        case .trades(let symbol):
            guard let market = markets[symbol] else { return }
            let recent = market.trades.suffix(30).reversed()
            sendChannel(sessionId, chanId: chanId, fragment: SimulatorEngine.fragment(decS: decS) { w in
                w.beginArray(); for t in recent { t.write(to: &w) }; w.endArray()
            })
        case .book(let symbol, let precision, let length, let frequency):
            guard let market = markets[symbol] else { return }
            if bookViews[key] == nil {
                bookViewOrder[symbol, default: []].append(key)
                bookViews[key] = BookView(
                    precision: precision, length: length, flushIntervalMillis: frequency == "F1" ? 2000 : 0,
                    book: market.book, now: configuration.now()
                )
            }
            guard let view = bookViews[key] else { return }
            let rows = view.snapshot
            sendChannel(sessionId, chanId: chanId, fragment: SimulatorEngine.fragment(decS: decS) { w in
                w.beginArray(); for r in rows { r.write(to: &w) }; w.endArray()
            })
        case .candles(_, let symbol, let timeframe):
            guard let market = markets[symbol] else { return }
            let list = (market.candles[timeframe] ?? []).reversed()
            sendChannel(sessionId, chanId: chanId, fragment: SimulatorEngine.fragment(decS: decS) { w in
                w.beginArray(); for c in list { c.write(to: &w) }; w.endArray()
            })
        case .status(let statusKey):
            if statusKey.hasPrefix("deriv:") {
                sendChannel(sessionId, chanId: chanId, fragment: SimulatorEngine.fragment(decS: decS) { self.writeDerivStatus(statusKey, to: &$0) })
            }
        }
    }
}
