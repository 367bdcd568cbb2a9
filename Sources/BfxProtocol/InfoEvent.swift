/// `{"event":"info",...}`.
public struct InfoEvent: Sendable, Hashable {
    /// API version (2), on connect.
    public var version: Int64?
    /// Server id, on connect.
    public var serverId: String?
    /// Platform status: 1 operative, 0 maintenance.
    public var platformStatus: Int64?
    /// Info code (20051 restart, 20060 maintenance start, 20061 maintenance end).
    public var code: BfxErrorCode?
    /// Message text (never rely on it; use ``code``).
    public var message: String?
    /// Builds an `info` event: the greeting carries `version`, `serverId` and `platformStatus` (1 =
    /// operative, 0 = maintenance); a notice carries `code` (e.g. 20051, 20060, 20061) and
    /// `message`. Every field defaults to `nil` (absent).
    public init(version: Int64? = nil, serverId: String? = nil, platformStatus: Int64? = nil, code: BfxErrorCode? = nil, message: String? = nil) {
        self.version = version
        self.serverId = serverId
        self.platformStatus = platformStatus
        self.code = code
        self.message = message
    }
}
