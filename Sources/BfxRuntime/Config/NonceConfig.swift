/// The nonce dispatch queue shared by every signed call of a key.
public struct NonceConfig: Sendable, Hashable, Encodable {
    /// Priority classes, highest first.
    public var classes: [PriorityClassConfig] = PriorityClassConfig.defaults
    /// Aging: a waiting call gains one priority level per this interval, so low never starves.
    public var aging = ConfigDuration.seconds(2)
    /// Which class each call kind uses.
    public var map = CallClassMap()
    /// Issued-nonce records kept per key for inspection.
    public var historySize = 1000

    /// Defaults.
    public init() {}

    enum CodingKeys: String, CodingKey { case classes, aging, map, historySize = "history_size" }

    /// The index (0 = highest) of a class.
    public func rank(of className: String) -> Int? { classes.firstIndex { $0.name == className } }
}

/// A named priority class of the nonce queue.
public struct PriorityClassConfig: Sendable, Hashable, Encodable {
    /// Class name.
    public var name: String
    /// Maximum queued calls of this class; more are rejected.
    public var limit: Int
    /// A call still queued after this long fails with a deadline error; nil = no deadline.
    public var deadline: ConfigDuration?

    /// Creates a class.
    public init(name: String, limit: Int, deadline: ConfigDuration?) {
        self.name = name
        self.limit = limit
        self.deadline = deadline
    }

    /// critical, high, normal, low.
    public static let defaults: [PriorityClassConfig] = [
        PriorityClassConfig(name: "critical", limit: 1000, deadline: .seconds(5)),
        PriorityClassConfig(name: "high", limit: 1000, deadline: .seconds(10)),
        PriorityClassConfig(name: "normal", limit: 1000, deadline: .seconds(30)),
        PriorityClassConfig(name: "low", limit: 1000, deadline: nil),
    ]
}

/// Which priority class each kind of signed call uses.
public struct CallClassMap: Sendable, Hashable, Encodable {
    /// WebSocket authentication.
    public var wsAuth = "critical"
    /// Order cancels (`oc`, `oc_multi`, REST cancel).
    public var orderCancel = "critical"
    /// New orders.
    public var orderNew = "high"
    /// Order updates.
    public var orderUpdate = "high"
    /// Reads (wallets, positions, active orders).
    public var read = "normal"
    /// History (trades, ledgers, order history).
    public var history = "low"
    /// Anything else.
    public var other = "normal"

    /// Defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case wsAuth = "ws_auth", orderCancel = "order_cancel", orderNew = "order_new", orderUpdate = "order_update"
        case read, history, other
    }

    /// The call kinds, as written in YAML.
    public static let kinds = ["ws_auth", "order_cancel", "order_new", "order_update", "read", "history", "other"]

    /// The class for a call kind name.
    public func className(for kind: String) -> String {
        switch kind {
        case "ws_auth": return wsAuth
        case "order_cancel": return orderCancel
        case "order_new": return orderNew
        case "order_update": return orderUpdate
        case "read": return read
        case "history": return history
        default: return other
        }
    }

    /// The call kind of a REST path (`auth/w/order/cancel` → order_cancel, `auth/r/trades/hist` → history).
    public static func kind(ofPath path: String) -> String {
        let p = path.lowercased()
        if p.contains("order/cancel") { return "order_cancel" }
        if p.contains("order/submit") { return "order_new" }
        if p.contains("order/update") { return "order_update" }
        if p.contains("/hist") || p.contains("ledgers") { return "history" }
        if p.hasPrefix("auth/r/") || p.hasPrefix("/auth/r/") { return "read" }
        return "other"
    }
}
