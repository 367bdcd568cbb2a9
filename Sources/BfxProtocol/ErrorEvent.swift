/// `{"event":"error","msg":"...","code":N,...}` (may echo request fields).
public struct ErrorEvent: Sendable, Hashable {
    /// The Bitfinex error code from the `code` member (e.g. 10300 for a failed subscription); `nil` when absent.
    public var code: BfxErrorCode?
    /// The server's human-readable `msg` text, verbatim (e.g. `"subscribe: dup"`).
    public var message: String
    /// Every other member of the object (echoed channel, symbol, subId …; not event/msg/code).
    public var fields: JSONObject
    /// Builds an `error` event: `code` is the numeric Bitfinex code (`nil` when absent), `message`
    /// its text and `fields` the other members of the event (e.g. `channel`, `symbol`) kept as
    /// sent.
    public init(code: BfxErrorCode?, message: String, fields: JSONObject = JSONObject()) {
        self.code = code
        self.message = message
        self.fields = fields
    }
    /// The echoed subId, if any.
    public var subId: JSONValue? { fields["subId"] }
    /// As a typed error.
    public var apiError: BfxAPIError { BfxAPIError(code: code, message: message, source: .webSocketEvent) }
}
