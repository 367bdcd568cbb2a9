import BfxProtocol

/// A fault description that could not be understood.
public struct SimulatorFaultParseError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

extension SimulatorFault {
    /// Every fault name accepted by `init(json:)`.
    public static let names = [
        "dropAll", "dropConnection", "stall", "restart", "maintenance", "corruptChecksum", "skipSequence",
        "malformedFrame", "latency", "slowReader", "rejectNonce", "restErrors", "restRateLimit", "refuseConnections",
        "rejectSubscribe", "rejectUnsubscribe", "clear",
    ]

    /// Parses the control-API / scenario form, e.g. `{"fault":"stall","connection":2,"seconds":5}`.
    /// Fields: `connection` (Int, optional = all), `seconds` (Double), `ms` (Int), `count` (Int),
    /// `apiKey` (String), `code` (Int, `rejectSubscribe`/`rejectUnsubscribe`).
    public init(json object: JSONObject) throws(SimulatorFaultParseError) {
        guard let name = object["fault"]?.string else {
            throw SimulatorFaultParseError("missing \"fault\"; one of: \(SimulatorFault.names.joined(separator: ", "))")
        }
        let connection = object["connection"]?.int
        let seconds = object["seconds"]?.double.map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
        let ms = object["ms"]?.int.map { Duration.milliseconds($0) }
        let count = object["count"]?.int
        switch name {
        case "dropAll": self = .dropAll
        case "dropConnection":
            guard let connection else { throw SimulatorFaultParseError("dropConnection needs \"connection\"") }
            self = .dropConnection(connection)
        case "stall": self = .stall(connection: connection, duration: seconds)
        case "restart": self = .restart
        case "maintenance":
            guard let seconds else { throw SimulatorFaultParseError("maintenance needs \"seconds\"") }
            self = .maintenance(duration: seconds)
        case "corruptChecksum": self = .corruptNextChecksum(connection: connection)
        case "skipSequence": self = .skipSequence(connection: connection)
        case "malformedFrame": self = .malformedFrame(connection: connection)
        case "latency":
            guard let delay = ms ?? seconds else { throw SimulatorFaultParseError("latency needs \"ms\" or \"seconds\"") }
            self = .latency(delay)
        case "slowReader":
            guard let delay = ms ?? seconds else { throw SimulatorFaultParseError("slowReader needs \"ms\" or \"seconds\"") }
            self = .slowReader(connection: connection, perMessage: delay)
        case "rejectNonce": self = .rejectNextNonce(apiKey: object["apiKey"]?.string)
        case "restErrors": self = .restErrors(count: count ?? 1)
        case "restRateLimit": self = .restRateLimit(count: count ?? 1)
        case "refuseConnections":
            guard let seconds else { throw SimulatorFaultParseError("refuseConnections needs \"seconds\"") }
            self = .refuseConnections(duration: seconds)
        case "rejectSubscribe":
            // `code` defaults to 10300 (generic, retryable) so random scenario blocks can use it.
            let code = object["code"]?.int ?? 10300
            guard code > 0 else { throw SimulatorFaultParseError("rejectSubscribe needs a positive \"code\" (e.g. 10300, 11000)") }
            self = .rejectSubscribe(code: code, count: count ?? 1)
        case "rejectUnsubscribe":
            // Same defaults as rejectSubscribe.
            let code = object["code"]?.int ?? 10300
            guard code > 0 else { throw SimulatorFaultParseError("rejectUnsubscribe needs a positive \"code\" (e.g. 10300, 11000)") }
            self = .rejectUnsubscribe(code: code, count: count ?? 1)
        case "clear": self = .clear
        default:
            throw SimulatorFaultParseError("unknown fault \"\(name)\"; one of: \(SimulatorFault.names.joined(separator: ", "))")
        }
    }
}
