/// The fields of an `auth` request (verify with ``BfxSignature``).
public struct AuthRequest: Sendable, Hashable {
    /// The public API key the signature was made for (never the secret).
    public var apiKey: String
    /// Hex signature.
    public var authSig: String
    /// Nonce.
    public var authNonce: Int64
    /// Signed payload (`AUTH<nonce>`).
    public var authPayload: String
    /// Dead-man switch (4).
    public var dms: Int?
    /// Filters.
    public var filter: [String]?
    /// Calc flag.
    public var calc: Int?
    /// `authSig` must be the HMAC-SHA384 of `authPayload` (`AUTH<nonce>`) and `authNonce` its nonce
    /// — ``BfxSignature`` builds all three; `dms`, `filter` and `calc` default to `nil` (not sent).
    public init(apiKey: String, authSig: String, authNonce: Int64, authPayload: String, dms: Int? = nil, filter: [String]? = nil, calc: Int? = nil) {
        self.apiKey = apiKey
        self.authSig = authSig
        self.authNonce = authNonce
        self.authPayload = authPayload
        self.dms = dms
        self.filter = filter
        self.calc = calc
    }

    /// `true` if ``authSig`` is the HMAC-SHA384 of ``authPayload`` under `secret` (server side).
    public func isValidSignature(secret: BfxSecret) -> Bool {
        BfxSignature.hmacSHA384Hex(secret: secret, message: authPayload) == authSig.lowercased()
    }
}
