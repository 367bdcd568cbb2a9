extension JSONValue {
    /// Reads a decimal given as a string (`"0.02"`) or a number; `nil` if absent/null.
    func decimalField(_ key: String) throws(FrameDecodingError) -> WireNumber? {
        switch self[key] {
        case nil, .null?: return nil
        case .number(let n)?: return n
        case .string(let s)?:
            if let n = WireNumber(s) { return n }
            throw ClientMessage.field(key, "decimal string")
        default: throw ClientMessage.field(key, "decimal string")
        }
    }

    func requiredDecimal(_ key: String) throws(FrameDecodingError) -> WireNumber {
        guard let v = try decimalField(key) else { throw ClientMessage.field(key, "decimal string (required)") }
        return v
    }

    func intField(_ key: String) throws(FrameDecodingError) -> Int64? {
        switch self[key] {
        case nil, .null?: return nil
        case .number(let n)?:
            if let v = n.int64 { return v }
            throw ClientMessage.field(key, "integer")
        case .string(let s)?:
            if let v = Int64(s) { return v }
            throw ClientMessage.field(key, "integer")
        default: throw ClientMessage.field(key, "integer")
        }
    }

    func stringField(_ key: String) throws(FrameDecodingError) -> String? {
        switch self[key] {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw ClientMessage.field(key, "string")
        }
    }

    func requiredString(_ key: String) throws(FrameDecodingError) -> String {
        guard let v = try stringField(key) else { throw ClientMessage.field(key, "string (required)") }
        return v
    }

    func int64List(_ key: String) throws(FrameDecodingError) -> [Int64]? {
        guard let a = self[key]?.array else { return nil }
        var out: [Int64] = []
        for v in a {
            guard let i = v.int64 else { throw ClientMessage.field(key, "array of integers") }
            out.append(i)
        }
        return out
    }
}

extension NewOrder {
    /// Parses an `on` payload (as the simulator receives it).
    public init(payload p: JSONValue) throws(FrameDecodingError) {
        guard p.object != nil else { throw ClientMessage.field("on", "object") }
        self.init(type: try p.requiredString("type"), symbol: try p.requiredString("symbol"), amount: try p.requiredDecimal("amount"),
                  price: try p.decimalField("price"), cid: try p.intField("cid"), gid: try p.intField("gid"), lev: try p.intField("lev"),
                  priceTrailing: try p.decimalField("price_trailing"), priceAuxLimit: try p.decimalField("price_aux_limit"),
                  priceOcoStop: try p.decimalField("price_oco_stop"), cidOco: try p.intField("cid_oco"), flags: try p.intField("flags"),
                  tif: try p.stringField("tif"), meta: p["meta"]?.object)
    }
}

extension OrderUpdate {
    /// Parses an `ou` payload.
    public init(payload p: JSONValue) throws(FrameDecodingError) {
        guard let id = try p.intField("id") else { throw ClientMessage.field("ou.id", "integer") }
        self.init(id: id, price: try p.decimalField("price"), amount: try p.decimalField("amount"), delta: try p.decimalField("delta"),
                  priceAuxLimit: try p.decimalField("price_aux_limit"), priceTrailing: try p.decimalField("price_trailing"),
                  flags: try p.intField("flags"), lev: try p.intField("lev"), tif: try p.stringField("tif"), cid: try p.intField("cid"),
                  cidDate: try p.stringField("cid_date"), gid: try p.intField("gid"))
    }
}

extension OrderCancel {
    /// Parses an `oc` payload.
    public init(payload p: JSONValue) throws(FrameDecodingError) {
        if let id = try p.intField("id") {
            self = .id(id)
        } else if let cid = try p.intField("cid"), let date = try p.stringField("cid_date") {
            self = .cid(cid, date: date)
        } else {
            throw ClientMessage.field("oc", "{id} or {cid, cid_date}")
        }
    }
}

extension OrderCancelMulti {
    /// Parses an `oc_multi` payload.
    public init(payload p: JSONValue) throws(FrameDecodingError) {
        if let ids = try p.int64List("id") {
            self = .ids(ids)
        } else if let gids = try p.int64List("gid") {
            self = .gids(gids)
        } else if let cids = p["cid"]?.array {
            var out: [(cid: Int64, date: String)] = []
            for c in cids {
                guard let cid = c[0]?.int64, let date = c[1]?.string else { throw ClientMessage.field("oc_multi.cid", "[[cid, date], …]") }
                out.append((cid, date))
            }
            self = .cids(out)
        } else if p["all"]?.int == 1 {
            self = .all
        } else {
            throw ClientMessage.field("oc_multi", "{id}, {gid}, {cid} or {all: 1}")
        }
    }
}

extension NewFundingOffer {
    /// Parses a `fon` payload.
    public init(payload p: JSONValue) throws(FrameDecodingError) {
        guard let period = try p.intField("period") else { throw ClientMessage.field("fon.period", "integer") }
        self.init(type: try p.stringField("type") ?? "LIMIT", symbol: try p.requiredString("symbol"), amount: try p.requiredDecimal("amount"),
                  rate: try p.requiredDecimal("rate"), period: period, flags: try p.intField("flags") ?? 0)
    }
}
