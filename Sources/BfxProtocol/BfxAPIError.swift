/// An error reported by Bitfinex: a REST body `["error", code, "msg"]`, the rate-limit body
/// `{"error":"ERR_RATE_LIMIT"}`, or a WebSocket `error`/failed `auth` event.
public struct BfxAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the error came from.
    public enum Source: Sendable, Hashable {
        /// A REST response body.
        case rest
        /// A WebSocket `error` event.
        case webSocketEvent
        /// A WebSocket `auth` event with a non-OK status.
        case webSocketAuth
        /// A notification with status ERROR/FAILURE.
        case notification
    }

    /// The Bitfinex code, if one was given (`nil` for `ERR_RATE_LIMIT`).
    public var code: BfxErrorCode?
    /// The server's message text.
    public var message: String
    /// `true` for `ERR_RATE_LIMIT` (IP blocked for ~60 s).
    public var isRateLimit: Bool
    /// Where it came from.
    public var source: Source

    /// Builds an error by hand (the parsers ``parseREST(_:)`` and the events' `apiError` normally
    /// do it). `code` is `nil` when the server sent no numeric code; `isRateLimit` marks
    /// `ERR_RATE_LIMIT` bodies, which have none; `source` says which channel reported it.
    public init(code: BfxErrorCode?, message: String, isRateLimit: Bool = false, source: Source) {
        self.code = code
        self.message = message
        self.isRateLimit = isRateLimit
        self.source = source
    }

    /// How to react (rate limits are `.rateLimited`; no code → `.fatal`).
    public var category: BfxErrorCode.Category {
        if isRateLimit { return .rateLimited }
        return code?.category ?? .fatal
    }

    /// `true` if the request may succeed when retried later.
    public var isRetryable: Bool { isRateLimit || (code?.isRetryable ?? false) }

    /// Parses a REST error body: `["error", code, "msg"]` or `{"error":"ERR_RATE_LIMIT"}` (or
    /// `{"error":"...","code":N}`). Returns `nil` if the body is not an error body.
    public static func parseREST(_ body: some Collection<UInt8>) -> BfxAPIError? {
        guard let value = try? JSONValue.parse(body) else { return nil }
        return fromREST(value)
    }

    /// Interprets a parsed REST body as an error, if it is one.
    public static func fromREST(_ value: JSONValue) -> BfxAPIError? {
        if let a = value.array, a.count >= 2, a[0].string == "error" {
            let code = a[1].int.map(BfxErrorCode.init(rawValue:))
            return BfxAPIError(code: code, message: a.count > 2 ? (a[2].string ?? a[2].serialized()) : "", source: .rest)
        }
        if let o = value.object, let e = o["error"]?.string {
            let rate = e == "ERR_RATE_LIMIT"
            return BfxAPIError(code: o["code"]?.int.map(BfxErrorCode.init(rawValue:)), message: e, isRateLimit: rate, source: .rest)
        }
        return nil
    }

    /// A readable summary including the code's explanation.
    public var description: String {
        if isRateLimit { return "Bitfinex ERR_RATE_LIMIT: rate limited, back off for 60 s" }
        if let code { return "Bitfinex error \(code): \(message) — \(code.explanation)" }
        return "Bitfinex error: \(message)"
    }
}
