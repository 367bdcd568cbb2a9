import BfxClient
import BfxNonce
import BfxProtocol

/// One upstream API key served by the gateway to many local programs (docs/gateway.md,
/// "Accounts and signed calls"): they sign with their own local credentials, the gateway verifies
/// them as Bitfinex would and re-signs with the upstream key and a nonce from that key's one
/// sequential lane — so however many bots share the key, none of them sees `10114 nonce: small`.
public struct GatewayAccount: Sendable {
    /// What a local key may do.
    public enum Permission: String, Sendable, Hashable, CaseIterable, Codable {
        /// `auth/r/…` reads (wallets, orders, positions, history) and `auth/calc/…`.
        case read
        /// Orders and positions: `auth/w/order/…`, `auth/w/position/…`.
        case trade
        /// Funding offers, credits and loans: `auth/w/funding/…`, `auth/w/offer…`.
        case funding
    }

    /// Credentials a local program signs with (never the real secret).
    public struct LocalKey: Sendable {
        /// A name for logs, metrics and the audit log (never the key itself).
        public var name: String
        /// The API key the program sends (`bfx-apikey`, `apiKey`).
        public var apiKey: String
        /// The secret the program signs with.
        public var secret: BfxSecret
        /// What it may do; anything else gets the error Bitfinex gives a key without the permission.
        public var permissions: Set<Permission>

        /// A local key named `name`.
        public init(name: String, apiKey: String, secret: BfxSecret, permissions: Set<Permission>) {
            self.name = name
            self.apiKey = apiKey
            self.secret = secret
            self.permissions = permissions
        }
    }

    /// A rule choosing the nonce-queue priority of a forwarded call; the first match wins.
    public struct PriorityRule: Sendable, Hashable {
        /// Path prefix after `/v2/` (`auth/w/order/cancel`), or nil for any path.
        public var pathPrefix: String?
        /// Local key name, or nil for any.
        public var localKey: String?
        /// The queue class.
        public var priority: NoncePriority

        /// A rule; nil fields match anything.
        public init(pathPrefix: String? = nil, localKey: String? = nil, priority: NoncePriority) {
            self.pathPrefix = pathPrefix
            self.localKey = localKey
            self.priority = priority
        }
    }

    /// The account's name (the runtime's key name).
    public var name: String
    /// The REST client holding the upstream credentials, the key's nonce lane and budgets.
    public var rest: BfxRESTClient
    /// The upstream credentials, needed only with ``acceptUpstreamCredentials``.
    public var upstreamCredentials: BfxCredentials?
    /// Also accept requests signed with the real key (for programs that cannot change credentials;
    /// loopback only). They get every permission.
    public var acceptUpstreamCredentials: Bool
    /// The local credentials of this key.
    public var localKeys: [LocalKey]
    /// Priority rules for forwarded calls (default: the REST client's priority by path).
    public var priorityRules: [PriorityRule]
    /// The key's upstream authenticated session, shared by every local client that authenticates
    /// with one of its local keys; nil: local WebSocket `auth` is refused for this key.
    public var userData: UserDataClient?

    /// An account served to local programs.
    public init(name: String, rest: BfxRESTClient, upstreamCredentials: BfxCredentials? = nil,
                acceptUpstreamCredentials: Bool = false, localKeys: [LocalKey], priorityRules: [PriorityRule] = [],
                userData: UserDataClient? = nil) {
        self.userData = userData
        self.name = name
        self.rest = rest
        self.upstreamCredentials = upstreamCredentials
        self.acceptUpstreamCredentials = acceptUpstreamCredentials
        self.localKeys = localKeys
        self.priorityRules = priorityRules
    }

    /// The permission a signed REST path needs; nil for a path no local key may call
    /// (withdrawals, transfers, settings: only with the real key, upstream).
    public static func permission(forPath path: String) -> Permission? {
        if path.hasPrefix("auth/r/") || path.hasPrefix("auth/calc/") { return .read }
        if path.hasPrefix("auth/w/order/") || path.hasPrefix("auth/w/position/") { return .trade }
        if path.hasPrefix("auth/w/funding/") || path.hasPrefix("auth/w/offer") { return .funding }
        return nil
    }
}
