/// A Bitfinex error or info code (bitfinex-protocol.md §2.2, §3.3, §8.3). Unknown codes are
/// representable; ``isKnown`` tells them apart.
public struct BfxErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code.
    public let rawValue: Int
    /// Creates a code from its number.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// Creates a code from its number.
    public init(_ rawValue: Int) { self.rawValue = rawValue }

    /// How a caller should react to a code.
    public enum Category: Sendable, Hashable {
        /// Transient: retry (with backoff) later.
        case retryable
        /// Rate limited: back off for at least a minute before retrying.
        case rateLimited
        /// Nonce rejected: issue a fresh, larger nonce (never reuse); may require a new API key.
        case nonce
        /// Informational/lifecycle (reconnect, maintenance); handled by the connection.
        case lifecycle
        /// Request is wrong or not permitted: do not retry unchanged.
        case fatal
    }

    /// 10000 Unknown event.
    public static let unknownEvent = BfxErrorCode(10000)
    /// 10001 Generic error / unknown pair (ERR_GENERIC).
    public static let generic = BfxErrorCode(10001)
    /// 10008 ERR_CONCURRENCY.
    public static let concurrency = BfxErrorCode(10008)
    /// 10011 Unknown book precision.
    public static let unknownBookPrecision = BfxErrorCode(10011)
    /// 10012 Unknown book length.
    public static let unknownBookLength = BfxErrorCode(10012)
    /// 10020 ERR_PARAMS: invalid request parameters.
    public static let params = BfxErrorCode(10020)
    /// 10050 ERR_CONF_FAIL: configuration (conf) failed.
    public static let confFail = BfxErrorCode(10050)
    /// 10100 ERR_AUTH_FAIL: authentication failed (e.g. invalid API key).
    public static let authFail = BfxErrorCode(10100)
    /// 10111 ERR_AUTH_PAYLOAD: bad auth payload.
    public static let authPayload = BfxErrorCode(10111)
    /// 10112 ERR_AUTH_SIG: bad signature.
    public static let authSignature = BfxErrorCode(10112)
    /// 10113 ERR_AUTH_HMAC: bad HMAC.
    public static let authHMAC = BfxErrorCode(10113)
    /// 10114 ERR_AUTH_NONCE: nonce too small.
    public static let authNonce = BfxErrorCode(10114)
    /// 10200 ERR_UNAUTH_FAIL: un-authentication failed.
    public static let unauthFail = BfxErrorCode(10200)
    /// 10300 Subscription failed (generic).
    public static let subscriptionFailed = BfxErrorCode(10300)
    /// 10301 Already subscribed.
    public static let alreadySubscribed = BfxErrorCode(10301)
    /// 10302 Unknown channel.
    public static let unknownChannel = BfxErrorCode(10302)
    /// 10305 Reached limit of open channels.
    public static let channelLimit = BfxErrorCode(10305)
    /// 10400 (Un)subscription failed (generic).
    public static let unsubscriptionFailed = BfxErrorCode(10400)
    /// 10401 Not subscribed.
    public static let notSubscribed = BfxErrorCode(10401)
    /// 11000 ERR_READY: not ready, try again later.
    public static let notReady = BfxErrorCode(11000)
    /// 20051 Server stop/restart: reconnect.
    public static let serverRestart = BfxErrorCode(20051)
    /// 20060 Entering maintenance: pause activity.
    public static let maintenanceStart = BfxErrorCode(20060)
    /// 20061 Maintenance ended: resubscribe everything.
    public static let maintenanceEnd = BfxErrorCode(20061)

    /// Every code documented in the protocol reference.
    public static let allKnown: [BfxErrorCode] = [
        .unknownEvent, .generic, .concurrency, .unknownBookPrecision, .unknownBookLength, .params,
        .confFail, .authFail, .authPayload, .authSignature, .authHMAC, .authNonce, .unauthFail,
        .subscriptionFailed, .alreadySubscribed, .unknownChannel, .channelLimit, .unsubscriptionFailed,
        .notSubscribed, .notReady, .serverRestart, .maintenanceStart, .maintenanceEnd,
    ]

    /// `true` if this code is documented.
    public var isKnown: Bool { BfxErrorCode.info[rawValue] != nil }

    /// The short Bitfinex name (e.g. `ERR_AUTH_NONCE`), or `ERR_<code>` if unknown.
    public var name: String { BfxErrorCode.info[rawValue]?.name ?? "ERR_\(rawValue)" }

    /// Human text: what the code means and what to do about it.
    public var explanation: String {
        BfxErrorCode.info[rawValue]?.text ?? "Undocumented Bitfinex code \(rawValue): treat as a fatal request error and report it."
    }

    /// How to react to this code.
    public var category: Category { BfxErrorCode.info[rawValue]?.category ?? .fatal }

    /// `true` if retrying later (same request, fresh nonce if signed) can succeed.
    public var isRetryable: Bool {
        switch category {
        case .retryable, .rateLimited, .nonce, .lifecycle: return true
        case .fatal: return false
        }
    }

    /// `"<code> <name>"`.
    public var description: String { "\(rawValue) \(name)" }

    private static let info: [Int: (name: String, category: Category, text: String)] = [
        10000: ("ERR_UNK_EVENT", .fatal, "Unknown event: the server did not recognise the event name. Fix the request; do not retry."),
        10001: ("ERR_GENERIC", .fatal, "Generic error (often unknown pair/symbol or missing API key permission). Check the symbol and key permissions; do not retry unchanged."),
        10008: ("ERR_CONCURRENCY", .retryable, "Concurrency error: the server was busy with a conflicting request. Retry after a short backoff."),
        10011: ("ERR_BOOK_PREC", .fatal, "Unknown book precision: use P0, P1, P2, P3, P4 or R0."),
        10012: ("ERR_BOOK_LEN", .fatal, "Unknown book length: use 1, 25, 100 (or 250 for P books)."),
        10020: ("ERR_PARAMS", .fatal, "Invalid request parameters: fix the request fields; do not retry unchanged."),
        10050: ("ERR_CONF_FAIL", .fatal, "Configuration (conf flags) failed: check the flags bitmask."),
        10100: ("ERR_AUTH_FAIL", .fatal, "Authentication failed (e.g. invalid API key): check the key and secret; do not retry automatically."),
        10111: ("ERR_AUTH_PAYLOAD", .fatal, "Invalid auth payload: send authPayload = \"AUTH\" + nonce."),
        10112: ("ERR_AUTH_SIG", .fatal, "Invalid signature: sign the exact payload with HMAC-SHA384 of the API secret, lowercase hex."),
        10113: ("ERR_AUTH_HMAC", .fatal, "HMAC verification failed: wrong secret or payload mismatch."),
        10114: ("ERR_AUTH_NONCE", .nonce, "Nonce too small: the key has already seen a larger nonce. Retry with a fresh, strictly larger nonce from the nonce manager; if the key was used with a larger scale, a new API key is needed."),
        10200: ("ERR_UNAUTH_FAIL", .fatal, "Un-authentication failed."),
        10300: ("ERR_SUB_FAIL", .retryable, "Subscription failed (generic): retry the subscription after a backoff."),
        10301: ("ERR_SUB_MULTI", .fatal, "Already subscribed to this channel with the same parameters: reuse the existing chanId."),
        10302: ("ERR_SUB_UNK", .fatal, "Unknown channel name: use ticker, trades, book, candles or status."),
        10305: ("ERR_SUB_LIMIT_CHANNELS", .fatal, "Reached the limit of open channels on this connection: open another connection (keep ≤25 per connection)."),
        10400: ("ERR_UNSUB_FAIL", .retryable, "(Un)subscription failed (generic): retry later."),
        10401: ("ERR_UNSUB_NOT", .fatal, "Not subscribed: the chanId is not subscribed on this connection."),
        11000: ("ERR_READY", .retryable, "Not ready, try again later (e.g. before auth completes or during maintenance)."),
        20051: ("INFO_SERVER_RESTART", .lifecycle, "Server stopping/restarting: reconnect (with backoff and jitter), re-authenticate and resubscribe."),
        20060: ("INFO_MAINTENANCE_START", .lifecycle, "Entering maintenance: pause order activity and mark books stale until 20061 (usually ≤120 s)."),
        20061: ("INFO_MAINTENANCE_END", .lifecycle, "Maintenance ended: unsubscribe/resubscribe all channels to get fresh snapshots."),
    ]
}
