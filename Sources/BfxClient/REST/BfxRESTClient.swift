import AsyncHTTPClient
import BfxNonce
import BfxProtocol
import Foundation
import Logging
import Metrics
import NIOCore
import NIOHTTP1

/// The Bitfinex REST v2 client: public endpoints, authenticated endpoints signed with
/// HMAC-SHA384 and dispatched through the key's `NonceManager` queue (BfxNonce), per-endpoint token-bucket
/// rate limits, and typed errors with backoff on `ERR_RATE_LIMIT`/429.
///
/// ```swift
/// let rest = BfxRESTClient(configuration: .live, credentials: creds, nonceManager: manager)
/// let wallets = try await rest.wallets()
/// ```
public final class BfxRESTClient: Sendable {
    /// The configuration in force.
    public let configuration: BfxRESTConfiguration
    /// The nonce manager all signed calls go through.
    public let nonceManager: NonceManager
    /// The nonce-manager key of the credentials (a fingerprint of the API key unless given; never the key itself).
    public let keyID: String
    let credentials: BfxCredentials?
    let http: HTTPClient
    private let clock: any BfxClock
    let limiter: RESTRateLimiter
    private let logger: Logger
    let requests = Counter(label: "bfx_rest_requests_total")
    let failures = Counter(label: "bfx_rest_errors_total")

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: base URLs, limits, retries, priorities.
    ///   - credentials: needed for authenticated endpoints.
    ///   - keyID: the nonce-manager key (default: a fingerprint of the API key, `KeyFingerprint.of(apiKey:)`; never the key itself).
    ///   - nonceManager: shared by every signed call (REST and WS auth) of the process.
    ///   - httpClient: defaults to `HTTPClient.shared`.
    ///   - clock: for rate limits and backoff (default: the manager's clock).
    ///   - logger: request failures, retries and rate-limit waits (never secrets).
    ///   - onRateLimitWait: called (on the calling task, before it sleeps) for every wait imposed
    ///     by rate limiting — an endpoint's budget or a server `ERR_RATE_LIMIT`/429 block — with the
    ///     endpoint and how long; keep it short (it runs on the request path).
    public init(configuration: BfxRESTConfiguration = .live, credentials: BfxCredentials? = nil, keyID: String? = nil,
                nonceManager: NonceManager = NonceManager(), httpClient: HTTPClient = .shared,
                clock: (any BfxClock)? = nil, logger: Logger = Logger(label: "bfxkit.rest"),
                onRateLimitWait: (@Sendable (RESTRateLimitWait) -> Void)? = nil) {
        self.configuration = configuration
        self.credentials = credentials
        self.keyID = keyID ?? credentials.map { KeyFingerprint.of(apiKey: $0.apiKey) } ?? "anonymous"
        self.nonceManager = nonceManager
        self.http = httpClient
        self.clock = clock ?? nonceManager.clock
        self.limiter = RESTRateLimiter(limits: configuration.rateLimits, clock: clock ?? nonceManager.clock, observer: onRateLimitWait)
        self.logger = logger
    }

    // MARK: - Public endpoints

    /// `GET /v2/platform/status`: `true` when operative, `false` in maintenance.
    public func platformStatus() async throws -> Bool {
        let value = try await publicGET("platform/status", endpoint: "platform/status")
        guard let flag = value.array?.first?.int else { throw decoding("platform/status", value) }
        return flag == 1
    }

    /// `GET /v2/tickers?symbols=…`: trading tickers keyed by symbol (funding rows are skipped).
    public func tickers(symbols: [String]) async throws -> [String: Ticker] {
        let list = symbols.joined(separator: ",")
        let value = try await publicGET("tickers?symbols=\(list.urlQueryEscaped)", endpoint: "tickers")
        guard let rows = value.array else { throw decoding("tickers", value) }
        var result: [String: Ticker] = [:]
        for row in rows {
            guard let cells = row.array, let symbol = cells.first?.string else { throw decoding("tickers", row) }
            guard symbol.hasPrefix("t") else { continue }
            result[symbol] = try decode("tickers") { () throws(FrameDecodingError) in try Ticker(row: .array(Array(cells.dropFirst()))) }
        }
        return result
    }

    /// `GET /v2/ticker/{symbol}` (trading symbol).
    public func ticker(symbol: String) async throws -> Ticker {
        let value = try await publicGET("ticker/\(symbol.urlPathEscaped)", endpoint: "ticker")
        return try decode("ticker") { () throws(FrameDecodingError) in try Ticker(row: value) }
    }

    /// `GET /v2/trades/{symbol}/hist?limit=N` (newest first, as the server sends them).
    public func trades(symbol: String, limit: Int = 120) async throws -> [Trade] {
        let value = try await publicGET("trades/\(symbol.urlPathEscaped)/hist?limit=\(limit)", endpoint: "trades")
        guard let rows = value.array else { throw decoding("trades", value) }
        return try rows.map { row in try decode("trades") { () throws(FrameDecodingError) in try Trade(row: row) } }
    }

    /// `GET /v2/book/{symbol}/{precision}?len=N`.
    public func book(symbol: String, precision: String = "P0", length: Int = 25) async throws -> [BookEntry] {
        let value = try await publicGET("book/\(symbol.urlPathEscaped)/\(precision.urlPathEscaped)?len=\(length)", endpoint: "book")
        guard let rows = value.array else { throw decoding("book", value) }
        let funding = symbol.hasPrefix("f")
        return try rows.map { row in try decode("book") { () throws(FrameDecodingError) in try BookEntry(row: row, funding: funding) } }
    }

    /// `GET /v2/candles/{key}/hist?limit=N`, `key` like `trade:1m:tBTCUSD`.
    public func candles(key: String, limit: Int = 120) async throws -> [Candle] {
        let value = try await publicGET("candles/\(key.urlPathEscaped)/hist?limit=\(limit)", endpoint: "candles")
        guard let rows = value.array else { throw decoding("candles", value) }
        return try rows.map { row in try decode("candles") { () throws(FrameDecodingError) in try Candle(row: row) } }
    }

    /// Measures the server's clock via the HTTP `Date` header of `GET platform/status` (1 s
    /// resolution), records it in the nonce manager (clock-skew warning) and returns server −
    /// local in µs.
    public func measureClockSkew() async throws -> Int64 {
        try await limiter.acquire(endpoint: "platform/status", authenticated: false)
        var request = HTTPClientRequest(url: configuration.publicBaseURL + "/v2/platform/status")
        request.method = .GET
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .nanoseconds(Int64(clamping: configuration.timeout.nanosecondsClamped)))
            _ = try await response.body.collect(upTo: configuration.maxResponseBytes)
        } catch {
            throw BfxRESTError.transport(path: "platform/status", message: "\(error)")
        }
        let local = clock.wallMicros()
        guard let header = response.headers.first(name: "date"), let date = Self.httpDate(header) else {
            throw BfxRESTError.decoding(path: "platform/status", message: "no usable Date header")
        }
        let serverMillis = UInt64(max(0, date.timeIntervalSince1970 * 1_000))
        nonceManager.recordServerTime(millis: serverMillis)
        return Int64(clamping: serverMillis) &* 1_000 &- Int64(clamping: local)
    }

    static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }

    // MARK: - Authenticated endpoints

    /// `auth/r/wallets`.
    public func wallets() async throws -> [Wallet] {
        try await rows("auth/r/wallets") { row throws(FrameDecodingError) in try Wallet(row: row) }
    }

    /// `auth/r/orders[/symbol]`, optionally only the given order ids.
    public func orders(symbol: String? = nil, ids: [Int64]? = nil) async throws -> [Order] {
        var body = JSONObject()
        if let ids { body.append("id", .array(ids.map { .number(WireNumber($0)) })) }
        let path = symbol.map { "auth/r/orders/\($0.urlPathEscaped)" } ?? "auth/r/orders"
        return try await rows(path, body: body) { row throws(FrameDecodingError) in try Order(row: row) }
    }

    /// `auth/r/positions`.
    public func positions() async throws -> [Position] {
        try await rows("auth/r/positions") { row throws(FrameDecodingError) in try Position(row: row) }
    }

    /// `auth/r/trades[/symbol]/hist`.
    public func tradesHistory(symbol: String? = nil, limit: Int? = nil) async throws -> [AccountTrade] {
        var body = JSONObject()
        if let limit { body.append("limit", .number(WireNumber(limit))) }
        let path = symbol.map { "auth/r/trades/\($0.urlPathEscaped)/hist" } ?? "auth/r/trades/hist"
        return try await rows(path, body: body) { row throws(FrameDecodingError) in try AccountTrade(row: row) }
    }

    /// `auth/w/order/submit` with the same fields as WS `on` (`type`, `symbol`, `amount`, `price`, `cid`, …).
    public func submitOrder(_ order: JSONObject, priority: NoncePriority? = nil) async throws -> BfxProtocol.Notification {
        try await notification("auth/w/order/submit", body: order, priority: priority)
    }

    /// `auth/w/order/submit` for a limit/market order with decimal strings.
    public func submitOrder(type: String, symbol: String, amount: String, price: String? = nil, cid: Int64? = nil,
                            flags: Int? = nil) async throws -> BfxProtocol.Notification {
        var o = JSONObject()
        o.append("type", .string(type))
        o.append("symbol", .string(symbol))
        o.append("amount", .string(amount))
        if let price { o.append("price", .string(price)) }
        if let cid { o.append("cid", .number(WireNumber(cid))) }
        if let flags { o.append("flags", .number(WireNumber(flags))) }
        return try await submitOrder(o)
    }

    /// `auth/w/order/update` (`id` plus the fields to change).
    public func updateOrder(_ update: JSONObject, priority: NoncePriority? = nil) async throws -> BfxProtocol.Notification {
        try await notification("auth/w/order/update", body: update, priority: priority)
    }

    /// `auth/w/order/cancel` by id.
    public func cancelOrder(id: Int64) async throws -> BfxProtocol.Notification {
        try await notification("auth/w/order/cancel", body: JSONObject([.init(key: "id", value: .number(WireNumber(id)))]), priority: nil)
    }

    /// `auth/w/order/cancel/multi` (`{"id":[…]}`, `{"gid":[…]}`, `{"cid":[[cid,date]]}` or `{"all":1}`).
    public func cancelOrders(_ selector: JSONObject) async throws -> BfxProtocol.Notification {
        try await notification("auth/w/order/cancel/multi", body: selector, priority: nil)
    }

    /// `auth/w/order/multi` with `ops` like `[["on",{…}],["oc",{…}]]`.
    public func orderMulti(ops: [JSONValue]) async throws -> BfxProtocol.Notification {
        try await notification("auth/w/order/multi", body: JSONObject([.init(key: "ops", value: .array(ops))]), priority: nil)
    }

    /// Any authenticated endpoint (`auth/r/…`, `auth/w/…`, `auth/calc/…`): signs `body`, sends it
    /// through the nonce queue and returns the parsed response.
    /// - Parameters:
    ///   - priority: queue class (default: by path, see ``BfxRESTConfiguration/priorities``).
    ///   - label: caller label for the nonce history (default: the path).
    ///   - path: the endpoint path after `/v2/`, e.g. `auth/r/wallets`.
    ///   - body: the JSON body; it is signed exactly as sent.
    ///   - deadline: maximum time in the nonce queue.
    public func call(path: String, body: JSONObject = JSONObject(), priority: NoncePriority? = nil, label: String? = nil,
                     deadline: Duration? = nil) async throws -> JSONValue {
        guard let credentials else { throw BfxRESTError.missingCredentials(path: path) }
        let path = Self.normalized(path)
        let bodyText = JSONValue.object(body).serialized()
        let priority = priority ?? configuration.priority(for: path)
        let isRead = path.hasPrefix("auth/r/") || path.hasPrefix("auth/calc/")
        var attempt = 0
        while true {
            attempt += 1
            try await limiter.acquire(endpoint: Self.endpointName(path), authenticated: true)
            do {
                return try await nonceManager.perform(key: keyID, priority: priority, label: label ?? path,
                                                      deadline: deadline) { nonce in
                    let headers: BfxSignature.RESTHeaders
                    do {
                        headers = try BfxSignature.restHeaders(credentials: credentials, path: path,
                                                               nonce: nonce, body: bodyText)
                    } catch {
                        throw BfxRESTError.decoding(path: path, message: "cannot sign: \(error)")
                    }
                    var request = HTTPClientRequest(url: configuration.authBaseURL + "/v2/" + path)
                    request.method = .POST
                    for (name, value) in headers.all { request.headers.add(name: name, value: value) }
                    request.body = .bytes(ByteBuffer(string: headers.body))
                    return try await execute(request, path: path)
                }
            } catch let error as BfxRESTError {
                guard try await shouldRetry(error, attempt: attempt, isRead: isRead, path: path) else { throw error }
            }
        }
    }

    /// Time left of a global `ERR_RATE_LIMIT` block, if one is active.
    public var rateLimitBlock: Duration? { limiter.blockedFor }

    /// How often a call to `endpoint` (an endpoint name, see ``RESTRateLimits/endpointName(forPath:)``)
    /// waited for its client-side token bucket since the client was created.
    public func rateLimitWaits(endpoint: String) -> Int { limiter.waits(endpoint: endpoint) }

    // MARK: - Internals

    private func rows<T>(_ path: String, body: JSONObject = JSONObject(),
                         _ make: (JSONValue) throws(FrameDecodingError) -> T) async throws -> [T] {
        let value = try await call(path: path, body: body)
        guard let rows = value.array else { throw decoding(path, value) }
        return try rows.map { row in try decode(path) { () throws(FrameDecodingError) in try make(row) } }
    }

    private func notification(_ path: String, body: JSONObject, priority: NoncePriority?) async throws -> BfxProtocol.Notification {
        let value = try await call(path: path, body: body, priority: priority)
        let n = try decode(path) { () throws(FrameDecodingError) in try BfxProtocol.Notification(row: value) }
        if let error = n.apiError { throw BfxRESTError.api(error, httpStatus: 200, path: path) }
        return n
    }

    private func publicGET(_ pathAndQuery: String, endpoint: String) async throws -> JSONValue {
        var attempt = 0
        while true {
            attempt += 1
            try await limiter.acquire(endpoint: endpoint, authenticated: false)
            var request = HTTPClientRequest(url: configuration.publicBaseURL + "/v2/" + pathAndQuery)
            request.method = .GET
            do {
                return try await execute(request, path: endpoint)
            } catch let error as BfxRESTError {
                guard try await shouldRetry(error, attempt: attempt, isRead: true, path: endpoint) else { throw error }
            }
        }
    }

    /// Decides on a retry after `error` and sleeps the backoff (on the injected clock).
    private func shouldRetry(_ error: BfxRESTError, attempt: Int, isRead: Bool, path: String) async throws -> Bool {
        failures.increment()
        switch error.signedCallFailure {
        case .rateLimited:
            // Only an HTTP `Retry-After` overrides the configured backoff: an `ERR_RATE_LIMIT` body
            // carries no duration (its classification's 60 s is Bitfinex's documented default,
            // which `rateLimitBackoff` already is unless the user chose another).
            let headerRetryAfter: Duration? = if case .rateLimited(_, _, let after) = error { after } else { nil }
            let wait = headerRetryAfter ?? configuration.rateLimitBackoff
            limiter.block(for: wait)
            logger.warning("rate limited; backing off", metadata: ["path": "\(path)", "backoff": "\(wait)"])
            guard attempt <= configuration.rateLimitRetries else { return false }
            return true  // the limiter waits out the block before the next attempt
        case .retryable:
            guard isRead, attempt <= configuration.readRetries else { return false }
            let wait = configuration.readRetryBackoff * (1 << min(attempt - 1, 16))
            logger.debug("retryable REST error; retrying", metadata: ["path": "\(path)", "attempt": "\(attempt)"])
            try await clock.sleep(for: wait)
            return true
        case .nonceTooSmall, .fatal, .other:
            return false
        }
    }

    private func execute(_ request: HTTPClientRequest, path: String) async throws -> JSONValue {
        requests.increment()
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .nanoseconds(Int64(clamping: configuration.timeout.nanosecondsClamped)))
            bytes = try await response.body.collect(upTo: configuration.maxResponseBytes)
        } catch {
            throw BfxRESTError.transport(path: path, message: "\(error)")
        }
        let status = Int(response.status.code)
        let body = Array(bytes.readableBytesView)
        let value = try? JSONValue.parse(body)
        if let value, let apiError = BfxAPIError.fromREST(value) {
            throw BfxRESTError.api(apiError, httpStatus: status, path: path)
        }
        if status == 429 || status == 503 {
            let after = response.headers.first(name: "retry-after").flatMap { Int($0) }.map { Duration.seconds($0) }
            throw BfxRESTError.rateLimited(httpStatus: status, path: path, retryAfter: after)
        }
        guard (200..<300).contains(status) else {
            throw BfxRESTError.http(status: status, path: path, body: String(decoding: body.prefix(200), as: UTF8.self))
        }
        guard let value else {
            throw BfxRESTError.decoding(path: path, message: "not JSON: \(String(decoding: body.prefix(120), as: UTF8.self))")
        }
        return value
    }

    private func decode<T>(_ path: String, _ make: () throws(FrameDecodingError) -> T) throws -> T {
        do {
            return try make()
        } catch {
            throw BfxRESTError.decoding(path: path, message: "\(error)")
        }
    }

    private func decoding(_ path: String, _ value: JSONValue) -> BfxRESTError {
        .decoding(path: path, message: "unexpected shape: \(value.serialized().prefix(120))")
    }

    static func normalized(_ path: String) -> String {
        var p = Substring(path)
        while p.hasPrefix("/") { p = p.dropFirst() }
        if p.hasPrefix("api/v2/") { p = p.dropFirst(7) } else if p.hasPrefix("v2/") { p = p.dropFirst(3) }
        return String(p)
    }

    /// The rate-limit bucket of a path: the path without a trailing symbol segment.
    static func endpointName(_ path: String) -> String {
        RESTRateLimits.endpointName(forPath: path)
    }
}

extension String {
    var urlPathEscaped: String { addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? self }
    var urlQueryEscaped: String { addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? self }
}
