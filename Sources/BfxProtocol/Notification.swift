/// A notification (channel 0 `n`, and REST write responses):
/// `[MTS,TYPE,MESSAGE_ID,_,NOTIFY_INFO,CODE,STATUS,TEXT]`.
public struct Notification: Sendable, Hashable {
    /// The decoded NOTIFY_INFO payload.
    public enum Info: Sendable, Hashable {
        /// No payload (null).
        case none
        /// One order row (`on-req`, `ou-req`, `oc-req`).
        case order(Order)
        /// Several order rows (`oc_multi-req`, or `on-req` carrying an array of rows).
        case orders([Order])
        /// One funding offer (`fon-req`, `foc-req`, `fou-req`).
        case fundingOffer(FundingOffer)
        /// Anything else (`ox_multi-req`, `uca`, `ucm-*`, unknown types), kept verbatim.
        case value(JSONValue)
    }

    /// Time, ms.
    public var mts: Int64
    /// Type, e.g. `on-req`, `oc-req`, `fon-req`, `uca`, `ucm-test`.
    public var type: String
    /// MESSAGE_ID: the id of the request this notification answers, when the server sets it (usually `nil`).
    public var messageId: Int64?
    /// The payload.
    public var info: Info
    /// Code (usually null).
    public var code: Int64?
    /// `SUCCESS`, `ERROR`, `FAILURE`, `INFO` …
    public var status: String?
    /// Human text.
    public var text: String?

    /// Builds an `n` notification: `mts` in milliseconds since 1970, `type` such as `on-req`,
    /// `info` the decoded payload, `status` `SUCCESS`/`ERROR`/`FAILURE` and `text` the server's
    /// message; `code` and `messageId` are `nil` when absent.
    public init(mts: Int64, type: String, messageId: Int64? = nil, info: Info, code: Int64? = nil, status: String?, text: String?) {
        self.mts = mts
        self.type = type
        self.messageId = messageId
        self.info = info
        self.code = code
        self.status = status
        self.text = text
    }

    /// `true` when STATUS is `SUCCESS` (or `INFO`).
    public var isSuccess: Bool { status == "SUCCESS" || status == "INFO" }

    /// The failure as an error (`nil` on success).
    public var apiError: BfxAPIError? {
        guard !isSuccess else { return nil }
        return BfxAPIError(code: code.map { BfxErrorCode(Int($0)) }, message: text ?? status ?? "", source: .notification)
    }

    /// The client order id of the (first) order, for correlating `on-req` (NOTIFY_INFO[2]).
    public var orderCID: Int64? {
        switch info {
        case .order(let o): return o.cid
        case .orders(let os): return os.first?.cid
        default: return nil
        }
    }

    /// Decodes a notification row.
    public init(row value: JSONValue) throws(FrameDecodingError) {
        let r = try RowReader(value, model: "Notification")
        mts = try r.int(0, "mts")
        type = try r.string(1, "type")
        messageId = try r.optInt(2, "messageId")
        code = try r.optInt(5, "code")
        status = try r.optString(6, "status")
        text = try r.optString(7, "text")
        info = try Notification.decodeInfo(type: type, r.value(4) ?? .null)
    }

    private static func decodeInfo(type: String, _ raw: JSONValue) throws(FrameDecodingError) -> Info {
        guard case .array(let a) = raw else { return raw.isNull ? .none : .value(raw) }
        switch type {
        case "on-req", "ou-req", "oc-req", "oc_multi-req":
            if a.isEmpty { return .orders([]) }
            if case .array = a[0] {
                var orders: [Order] = []
                for row in a { orders.append(try Order(row: row)) }
                return .orders(orders)
            }
            return .order(try Order(row: raw))
        case "fon-req", "foc-req", "fou-req":
            return .fundingOffer(try FundingOffer(row: raw))
        default:
            return .value(raw)
        }
    }

    /// The wire row.
    public var row: JSONValue {
        let infoValue: JSONValue
        switch info {
        case .none: infoValue = .null
        case .order(let o): infoValue = o.row
        case .orders(let os): infoValue = .array(os.map(\.row))
        case .fundingOffer(let f): infoValue = f.row
        case .value(let v): infoValue = v
        }
        var w = RowWriter(count: 8)
        w.set(0, mts)
        w.set(1, type)
        w.set(2, messageId)
        w.set(4, infoValue)
        w.set(5, code)
        w.set(6, status)
        w.set(7, text)
        return w.value
    }
}
