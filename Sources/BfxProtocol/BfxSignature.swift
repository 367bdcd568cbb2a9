import Crypto

/// Bitfinex request signing with HMAC-SHA384 (swift-crypto), lowercase hex (§6.1, §8.1).
public enum BfxSignature {
    /// The largest nonce Bitfinex accepts (2^53 − 1).
    public static let maxNonce: Int64 = 9_007_199_254_740_991

    /// A signed WebSocket `auth` request.
    public struct WebSocketAuth: Sendable, Hashable, CustomStringConvertible {
        /// The public API key sent as `apiKey`; the secret only feeds ``signature`` and is not stored here.
        public var apiKey: String
        /// The nonce used.
        public var nonce: Int64
        /// `AUTH<nonce>`.
        public var payload: String
        /// Hex HMAC-SHA384 of the payload.
        public var signature: String
        /// The ready `{"event":"auth",...}` request.
        public var request: BfxRequest
        /// Describes the auth without the signature.
        public var description: String { "WebSocketAuth(nonce: \(nonce), payload: \(payload))" }
    }

    /// Headers for an authenticated REST call.
    public struct RESTHeaders: Sendable, Hashable, CustomStringConvertible {
        /// `bfx-nonce`.
        public var nonce: String
        /// `bfx-apikey`.
        public var apiKey: String
        /// `bfx-signature`.
        public var signature: String
        /// The exact signed body (send these bytes).
        public var body: String
        /// As name/value pairs, including `Content-Type: application/json`.
        public var all: [(name: String, value: String)] {
            [("bfx-nonce", nonce), ("bfx-apikey", apiKey), ("bfx-signature", signature), ("Content-Type", "application/json")]
        }
        /// Describes the headers without the signature.
        public var description: String { "RESTHeaders(bfx-nonce: \(nonce))" }

        /// Two header sets are equal when nonce, API key and signature are equal; the secret is
        /// never part of them.
        public static func == (a: RESTHeaders, b: RESTHeaders) -> Bool {
            a.nonce == b.nonce && a.apiKey == b.apiKey && a.signature == b.signature && a.body == b.body
        }
        /// Hashes nonce, API key and signature, consistently with `==`.
        public func hash(into h: inout Hasher) {
            h.combine(nonce); h.combine(apiKey); h.combine(signature); h.combine(body)
        }
    }

    /// Lowercase hex HMAC-SHA384 of `message` keyed with `secret`.
    public static func hmacSHA384Hex(secret: BfxSecret, message: String) -> String {
        let key = SymmetricKey(data: secret.bytes)
        let mac = HMAC<SHA384>.authenticationCode(for: Array(message.utf8), using: key)
        return hex(mac)
    }

    /// Whether `signature` (hex, any case) is the HMAC-SHA384 of `message` keyed with `secret`,
    /// compared in constant time — how a server (the simulator, the gateway) checks a signed
    /// request exactly as Bitfinex does.
    public static func verify(secret: BfxSecret, message: String, signature: String) -> Bool {
        let expected = hmacSHA384Hex(secret: secret, message: message)
        let given = signature.lowercased()
        guard expected.utf8.count == given.utf8.count else { return false }
        var diff: UInt8 = 0
        for (a, b) in zip(expected.utf8, given.utf8) { diff |= a ^ b }
        return diff == 0
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(96)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func check(_ nonce: Int64) throws(BfxRequestError) {
        guard nonce > 0, nonce <= maxNonce else { throw .invalidNonce(nonce) }
    }

    /// Signs a WebSocket auth: payload `AUTH<nonce>`, signature hex HMAC-SHA384, plus the request
    /// `{"event":"auth","apiKey":…,"authSig":…,"authNonce":…,"authPayload":…[,"dms":4][,"filter":[…]][,"calc":1]}`.
    public static func wsAuth(apiKey: String, secret: BfxSecret, nonce: Int64, dms: Int? = nil, filter: [String]? = nil,
                              calc: Int? = nil) throws(BfxRequestError) -> WebSocketAuth {
        try check(nonce)
        let payload = "AUTH\(nonce)"
        let sig = hmacSHA384Hex(secret: secret, message: payload)
        let request = BfxRequest.auth(apiKey: apiKey, authSig: sig, authNonce: nonce, authPayload: payload, dms: dms, filter: filter, calc: calc)
        return WebSocketAuth(apiKey: apiKey, nonce: nonce, payload: payload, signature: sig, request: request)
    }

    /// Signs a WebSocket auth with credentials.
    public static func wsAuth(credentials: BfxCredentials, nonce: Int64, dms: Int? = nil, filter: [String]? = nil,
                              calc: Int? = nil) throws(BfxRequestError) -> WebSocketAuth {
        try wsAuth(apiKey: credentials.apiKey, secret: credentials.secret, nonce: nonce, dms: dms, filter: filter, calc: calc)
    }

    /// The REST signature path for `path` (`auth/r/wallets`, `/auth/r/wallets`, `v2/auth/…` or
    /// `/api/v2/auth/…` all give `/api/v2/auth/r/wallets`).
    public static func signaturePath(_ path: String) -> String {
        var p = Substring(path)
        while p.hasPrefix("/") { p = p.dropFirst() }
        if p.hasPrefix("api/v2/") { p = p.dropFirst(7) } else if p.hasPrefix("v2/") { p = p.dropFirst(3) }
        return "/api/v2/" + p
    }

    /// REST signature: hex HMAC-SHA384 over `/api/v2/<path><nonce><body>`.
    public static func rest(secret: BfxSecret, path: String, nonce: Int64, body: String) throws(BfxRequestError) -> String {
        try check(nonce)
        return hmacSHA384Hex(secret: secret, message: signaturePath(path) + String(nonce) + body)
    }

    /// REST headers (`bfx-nonce`, `bfx-apikey`, `bfx-signature`) for `body` (use `{}` when empty,
    /// and send exactly the returned ``RESTHeaders/body``).
    public static func restHeaders(credentials: BfxCredentials, path: String, nonce: Int64, body: String = "{}") throws(BfxRequestError) -> RESTHeaders {
        let sig = try rest(secret: credentials.secret, path: path, nonce: nonce, body: body)
        return RESTHeaders(nonce: String(nonce), apiKey: credentials.apiKey, signature: sig, body: body)
    }
}
