/// `{"event":"auth","status":"OK"|"FAILED",...}`.
public struct AuthEvent: Sendable, Hashable {
    /// `OK`, `FAILED` (docs: `FAIL`).
    public var status: String
    /// Always 0 for account data.
    public var chanId: Int64?
    /// User id (success).
    public var userId: Int64?
    /// Auth id (success).
    public var authId: String?
    /// Capabilities (object, or string in the docs sample).
    public var caps: JSONValue?
    /// Failure code (e.g. 10114 nonce small, 10100 invalid key).
    public var code: BfxErrorCode?
    /// Failure message.
    public var message: String?
    /// `true` when status is `OK`.
    public var isOK: Bool { status == "OK" }
    /// Builds an `auth` event as the server sends it (for fixtures and the simulator): `status` is
    /// `OK` or `FAILED`; on failure pass `code`/`message`, which ``apiError`` turns into a
    /// ``BfxAPIError``. `chanId` defaults to 0, the account channel.
    public init(status: String, chanId: Int64? = 0, userId: Int64? = nil, authId: String? = nil, caps: JSONValue? = nil,
                code: BfxErrorCode? = nil, message: String? = nil) {
        self.status = status
        self.chanId = chanId
        self.userId = userId
        self.authId = authId
        self.caps = caps
        self.code = code
        self.message = message
    }
    /// The failure as a typed error (`nil` when OK).
    public var apiError: BfxAPIError? {
        isOK ? nil : BfxAPIError(code: code, message: message ?? status, source: .webSocketAuth)
    }
}
