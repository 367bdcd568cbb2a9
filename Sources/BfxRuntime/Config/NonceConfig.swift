import BfxNonce

/// The nonce dispatch queue shared by every signed call of a key.
public struct NonceConfig: Sendable, Hashable, Encodable {
    /// Priority classes, highest first.
    public var classes: [PriorityClassConfig] = PriorityClassConfig.defaults
    /// Aging: a waiting call gains one priority level per this interval, so low never starves.
    /// Default: the library's `NonceManagerConfiguration.defaultAgingStep`.
    public var aging = ConfigDuration(NonceManagerConfiguration.defaultAgingStep)
    /// Which class each call kind uses.
    public var map = CallClassMap()
    /// Issued-nonce records kept for inspection (the library's `defaultHistoryCapacity`).
    public var historySize = NonceManagerConfiguration.defaultHistoryCapacity
    /// How long a key's lane stays held after a signed call of unknown outcome (transport error or
    /// timeout), so a late request cannot be overtaken (the library's
    /// `NonceManagerConfiguration.unknownOutcomeQuarantine`); zero = off.
    public var unknownOutcomeQuarantine = ConfigDuration(.zero)

    /// The values an empty `nonce:` section means (memory store, the four default classes).
    public init() {}

    enum CodingKeys: String, CodingKey { case classes, aging, map, historySize = "history_size", unknownOutcomeQuarantine = "unknown_outcome_quarantine" }

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

    /// critical, high, normal, low: the library's `NonceManagerConfiguration.defaultClasses` with
    /// their queue limits; the deadlines are the runtime's own (the library takes a deadline per
    /// call, not per class).
    public static let defaults: [PriorityClassConfig] = NonceManagerConfiguration.defaultClasses.map { cls in
        PriorityClassConfig(name: cls.priority.name, limit: cls.maxQueued, deadline: defaultDeadlines[cls.priority.name] ?? nil)
    }

    /// Queue deadlines of the default classes (`low` has none).
    static let defaultDeadlines: [String: ConfigDuration?] = [
        "critical": .seconds(5), "high": .seconds(10), "normal": .seconds(30), "low": nil,
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

    /// The default mapping of call kinds to the classes critical, high, normal and low.
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
