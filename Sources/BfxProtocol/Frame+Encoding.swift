extension FrameMeta {
    /// The trailing elements in wire order (seq, auth seq, timestamp).
    var trailing: [JSONValue] {
        var out: [JSONValue] = []
        if let seq { out.append(.number(WireNumber(seq))) }
        if let authSeq { out.append(.number(WireNumber(authSeq))) }
        if let timestamp { out.append(.number(WireNumber(timestamp))) }
        return out
    }
}

extension Frame {
    /// The frame as the server would send it (used by the simulator; `decode(json)` gives the
    /// frame back, given the same channel registry).
    public var json: JSONValue {
        func data(_ chanId: Int64, _ payload: [JSONValue], _ meta: FrameMeta) -> JSONValue {
            .array([.number(WireNumber(chanId))] + payload + meta.trailing)
        }
        switch self {
        case .event(let e): return e.json
        case let .heartbeat(c, m): return data(c, ["hb"], m)
        case let .checksum(c, v, m): return data(c, ["cs", .number(WireNumber(Int64(v)))], m)
        case let .bookSnapshot(c, es, m), let .bookUpdates(c, es, m): return data(c, [.array(es.map(\.row))], m)
        case let .bookUpdate(c, e, m): return data(c, [e.row], m)
        case let .rawBookSnapshot(c, es, m), let .rawBookUpdates(c, es, m): return data(c, [.array(es.map(\.row))], m)
        case let .rawBookUpdate(c, e, m): return data(c, [e.row], m)
        case let .ticker(c, t, m): return data(c, [t.row], m)
        case let .fundingTicker(c, t, m): return data(c, [t.row], m)
        case let .tradesSnapshot(c, ts, m): return data(c, [.array(ts.map(\.row))], m)
        case let .trade(c, k, t, m): return data(c, [.string(k.rawValue), t.row], m)
        case let .fundingTradesSnapshot(c, ts, m): return data(c, [.array(ts.map(\.row))], m)
        case let .fundingTrade(c, k, t, m): return data(c, [.string("f" + k.rawValue), t.row], m)
        case let .candlesSnapshot(c, cs, m): return data(c, [.array(cs.map(\.row))], m)
        case let .candleUpdate(c, x, m): return data(c, [x.row], m)
        case let .derivStatus(c, s, m): return data(c, [s.row], m)
        case let .liquidations(c, ls, m): return data(c, [.array(ls.map(\.row))], m)
        case let .user(e, m):
            let (type, payload) = e.wire
            return data(0, [.string(type), payload], m)
        case let .unknownChannel(_, v): return v
        case let .unknown(v): return v
        }
    }

    /// Compact JSON text of ``json``.
    public var text: String { json.serialized() }
    /// Compact JSON bytes of ``json``.
    public var bytes: [UInt8] { json.bytes }
}

extension UserEvent {
    /// The channel-0 message type and data.
    public var wire: (type: String, data: JSONValue) {
        switch self {
        case .orderSnapshot(let os): return ("os", .array(os.map(\.row)))
        case .historicalOrders(let os): return ("hos", .array(os.map(\.row)))
        case .orderNew(let o): return ("on", o.row)
        case .orderUpdate(let o): return ("ou", o.row)
        case .orderCancel(let o): return ("oc", o.row)
        case .positionSnapshot(let ps): return ("ps", .array(ps.map(\.row)))
        case .positionNew(let p): return ("pn", p.row)
        case .positionUpdate(let p): return ("pu", p.row)
        case .positionClose(let p): return ("pc", p.row)
        case .walletSnapshot(let ws): return ("ws", .array(ws.map(\.row)))
        case .walletUpdate(let w): return ("wu", w.row)
        case .balanceUpdate(let b): return ("bu", b.row)
        case .marginInfo(let m): return ("miu", m.row)
        case .fundingInfo(let f): return ("fiu", f.row)
        case .tradeExecuted(let t): return ("te", t.row)
        case .tradeUpdate(let t): return ("tu", t.row)
        case .fundingTradeExecuted(let t): return ("fte", t.row)
        case .fundingTradeUpdate(let t): return ("ftu", t.row)
        case .fundingOfferSnapshot(let fs): return ("fos", .array(fs.map(\.row)))
        case .fundingOfferNew(let f): return ("fon", f.row)
        case .fundingOfferUpdate(let f): return ("fou", f.row)
        case .fundingOfferCancel(let f): return ("foc", f.row)
        case .fundingCreditSnapshot(let fs): return ("fcs", .array(fs.map(\.row)))
        case .fundingCreditNew(let f): return ("fcn", f.row)
        case .fundingCreditUpdate(let f): return ("fcu", f.row)
        case .fundingCreditClose(let f): return ("fcc", f.row)
        case .fundingLoanSnapshot(let fs): return ("fls", .array(fs.map(\.row)))
        case .fundingLoanNew(let f): return ("fln", f.row)
        case .fundingLoanUpdate(let f): return ("flu", f.row)
        case .fundingLoanClose(let f): return ("flc", f.row)
        case .notification(let n): return ("n", n.row)
        case let .unknown(type, data): return (type, data)
        }
    }
}

extension BfxEvent {
    /// The event object as the server sends it.
    public var json: JSONValue {
        var o = JSONObject()
        func int(_ k: String, _ v: Int64?) { if let v { o.append(k, .number(WireNumber(v))) } }
        func str(_ k: String, _ v: String?) { if let v { o.append(k, .string(v)) } }
        switch self {
        case .info(let e):
            o.append("event", "info")
            int("version", e.version)
            str("serverId", e.serverId)
            if let s = e.platformStatus { o.append("platform", ["status": .number(WireNumber(s))]) }
            int("code", e.code.map { Int64($0.rawValue) })
            str("msg", e.message)
        case .conf(let e):
            o.append("event", "conf")
            str("status", e.status)
            int("flags", e.flags?.rawValue)
        case .subscribed(let e):
            o.append("event", "subscribed")
            o.append("channel", .string(e.channel))
            o.append("chanId", .number(WireNumber(e.chanId)))
            str("symbol", e.symbol)
            str("prec", e.prec)
            str("freq", e.freq)
            str("len", e.len)
            str("key", e.key)
            if let subId = e.subId { o.append("subId", subId) }
            str("pair", e.pair)
            str("currency", e.currency)
        case .unsubscribed(let e):
            o.append("event", "unsubscribed")
            str("status", e.status)
            o.append("chanId", .number(WireNumber(e.chanId)))
        case .error(let e):
            o.append("event", "error")
            o.append("msg", .string(e.message))
            if let c = e.code { o.append("code", .number(WireNumber(c.rawValue))) }
            o.members += e.fields.members
        case .auth(let e):
            o.append("event", "auth")
            o.append("status", .string(e.status))
            int("chanId", e.chanId)
            int("userId", e.userId)
            str("auth_id", e.authId)
            if let caps = e.caps { o.append("caps", caps) }
            int("code", e.code.map { Int64($0.rawValue) })
            str("msg", e.message)
        case .pong(let e):
            o.append("event", "pong")
            int("ts", e.ts)
            int("cid", e.cid)
        case let .unknown(_, object):
            return .object(object)
        }
        return .object(o)
    }
}
