import BfxProtocol

/// What a client connection must do about a server `info` event.
///
/// One classification shared by the market-data supervisor and the user-data client, so the two
/// paths can never disagree about 20051 (restart), 20060/20061 (maintenance), an unsupported
/// protocol version or a platform status of 0.
package enum ServerInfoAction: Equatable, Sendable {
    /// Version 2, platform operative: nothing to do beyond noting the connection is up.
    case proceed
    /// Info 20051: the server is restarting; reconnect now without counting a failure.
    case reconnectNow
    /// Info 20060, or a connection info with `platform.status == 0`: pause, data is stale.
    case enterMaintenance
    /// Info 20061: maintenance is over; resubscribe everything / resume inputs.
    case leaveMaintenance
    /// The server speaks a protocol version other than 2: close, never reconnect blindly.
    case unsupportedVersion(Int)
    /// An info code the client does not act on (logged only).
    case ignore(code: Int)

    /// Classifies one `info` event.
    /// - Parameters:
    ///   - version: `version` of the connection info (first info after connect), if present.
    ///   - platformStatus: `platform.status` of the connection info, if present.
    ///   - code: the info `code`, if present.
    package static func classify(version: Int?, platformStatus: Int?, code: Int?) -> ServerInfoAction {
        switch code {
        case BfxErrorCode.serverRestart.rawValue?:
            return .reconnectNow
        case BfxErrorCode.maintenanceStart.rawValue?:
            return .enterMaintenance
        case BfxErrorCode.maintenanceEnd.rawValue?:
            return .leaveMaintenance
        case let code?:
            return .ignore(code: code)
        case nil:
            if let version, version != 2 { return .unsupportedVersion(version) }
            if platformStatus == 0 { return .enterMaintenance }
            return .proceed
        }
    }
}
