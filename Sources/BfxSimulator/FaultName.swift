import BfxProtocol

/// The one fault vocabulary of bfxkit: the names a user writes in YAML (`simulator.faults[].fault`),
/// types at the console (`fault stall 5`), posts to the simulator's control API
/// (`{"fault":"stall","seconds":5}`) or lists in a scenario file. Every one of them becomes a
/// ``SimulatorFault`` through ``SimulatorFault/init(_:_:)``, so the runtime and the simulator can
/// never disagree on what a name means or on its defaults.
public enum FaultName: String, CaseIterable, Sendable, Codable {
    /// Close every WebSocket connection abruptly.
    case drop
    /// Close one WebSocket connection (`connection` required).
    case dropConnection = "drop_connection"
    /// Silent stall of the connection(s) for `seconds` (default 5).
    case stall
    /// Info 20051 (server restart; clients reconnect).
    case restart
    /// Info 20060, then 20061 after `seconds` (default 5).
    case maintenance
    /// The next `cs` frame carries a wrong checksum.
    case checksum
    /// Funding-book `cs` values are wrong from now on, as on live Bitfinex (until `clear`).
    case fundingChecksum = "funding_checksum"
    /// The next sequence number is skipped (SEQ_ALL).
    case sequenceGap = "sequence_gap"
    /// One malformed (non-JSON) frame.
    case malformed
    /// Latency on every frame and REST response (`seconds`, default 0.1; 0 clears).
    case latency
    /// Slow server reads of client frames (`seconds` per frame, default 0.5; 0 clears).
    case slowConsumer = "slow_consumer"
    /// Reject the next `count` nonces (default 1) with 10114, of `apiKey` or of any key.
    case nonce
    /// The next `count` REST calls answer HTTP 500.
    case restError = "rest_error"
    /// The next `count` REST calls answer 429 / `ERR_RATE_LIMIT`.
    case rateLimit = "rate_limit"
    /// Refuse TCP connections for `seconds` (default 5).
    case refuseConnections = "refuse_connections"
    /// Reject the next `count` subscribes with `code` (default 10300).
    case rejectSubscribe = "reject_subscribe"
    /// Reject the next `count` unsubscribes with `code` (default 10300).
    case rejectUnsubscribe = "reject_unsubscribe"
    /// Clear every persistent fault.
    case clear

    /// Earlier spellings still accepted (the simulator's first control API used camelCase names;
    /// the console accepts short forms).
    package static let aliases: [String: FaultName] = [
        "dropAll": .drop, "dropConnection": .dropConnection, "corruptChecksum": .checksum,
        "wrongFundingChecksums": .fundingChecksum,
        "skipSequence": .sequenceGap, "seq": .sequenceGap, "malformedFrame": .malformed,
        "slowReader": .slowConsumer, "slow": .slowConsumer, "rejectNonce": .nonce, "restErrors": .restError,
        "restRateLimit": .rateLimit, "refuseConnections": .refuseConnections, "rejectSubscribe": .rejectSubscribe,
        "rejectUnsubscribe": .rejectUnsubscribe,
    ]

    /// The canonical names, in declaration order (what `fault list` and errors show).
    public static var names: [String] { allCases.map(\.rawValue) }

    /// The name for `text`: a canonical name (case-insensitive, `-` for `_` allowed) or an alias.
    public init?(parsing text: String) {
        if let alias = Self.aliases[text] { self = alias; return }
        let normalized = text.lowercased().replacingOccurrences(of: "-", with: "_")
        if let name = FaultName(rawValue: normalized) { self = name; return }
        if let alias = Self.aliases.first(where: { $0.key.lowercased() == normalized })?.value { self = alias; return }
        return nil
    }
}

/// The optional parameters of a fault, whatever the front end (YAML step, console words, JSON).
public struct FaultParameters: Sendable, Hashable {
    /// Duration in seconds (`stall`, `maintenance`, `latency`, `slow_consumer`, `refuse_connections`).
    public var seconds: Double?
    /// Repetitions (`nonce`, `rest_error`, `rate_limit`, `reject_subscribe`, `reject_unsubscribe`).
    public var count: Int?
    /// One connection id (simulator numbering); nil = every connection.
    public var connection: Int?
    /// Error code (`reject_subscribe`, `reject_unsubscribe`).
    public var code: Int?
    /// API key (`nonce`); nil = whichever key signs next.
    public var apiKey: String?

    /// Parameters; every field optional (each fault has documented defaults).
    public init(seconds: Double? = nil, count: Int? = nil, connection: Int? = nil, code: Int? = nil, apiKey: String? = nil) {
        self.seconds = seconds
        self.count = count
        self.connection = connection
        self.code = code
        self.apiKey = apiKey
    }
}

extension SimulatorFault {
    /// Builds the fault `name` means, with `parameters` or the documented defaults. Throws on a
    /// missing required parameter or an out-of-range value.
    public init(_ name: FaultName, _ parameters: FaultParameters = FaultParameters()) throws(SimulatorFaultParseError) {
        func duration(default fallback: Double) throws(SimulatorFaultParseError) -> Duration {
            let seconds = parameters.seconds ?? fallback
            guard seconds.isFinite, seconds >= 0, seconds <= 86_400 else {
                throw SimulatorFaultParseError("\(name.rawValue): seconds must be between 0 and 86400, got \(seconds)")
            }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        func count(max limit: Int = 1_000_000) throws(SimulatorFaultParseError) -> Int {
            let value = parameters.count ?? 1
            guard (1...limit).contains(value) else {
                throw SimulatorFaultParseError("\(name.rawValue): count must be between 1 and \(limit), got \(value)")
            }
            return value
        }
        func code() throws(SimulatorFaultParseError) -> Int {
            let value = parameters.code ?? 10300
            guard value > 0 else { throw SimulatorFaultParseError("\(name.rawValue) needs a positive code (e.g. 10300, 11000)") }
            return value
        }
        let connection = parameters.connection
        switch name {
        case .drop: self = .dropAll
        case .dropConnection:
            guard let connection else { throw SimulatorFaultParseError("drop_connection needs a connection id") }
            self = .dropConnection(connection)
        case .stall: self = .stall(connection: connection, duration: try duration(default: 5))
        case .restart: self = .restart
        case .maintenance: self = .maintenance(duration: try duration(default: 5))
        case .checksum: self = .corruptNextChecksum(connection: connection)
        case .fundingChecksum: self = .wrongFundingChecksums
        case .sequenceGap: self = .skipSequence(connection: connection)
        case .malformed: self = .malformedFrame(connection: connection)
        case .latency: self = .latency(try duration(default: 0.1))
        case .slowConsumer: self = .slowReader(connection: connection, perMessage: try duration(default: 0.5))
        case .nonce: self = .rejectNextNonce(apiKey: parameters.apiKey, count: try count())
        case .restError: self = .restErrors(count: try count())
        case .rateLimit: self = .restRateLimit(count: try count())
        case .refuseConnections: self = .refuseConnections(duration: try duration(default: 5))
        case .rejectSubscribe: self = .rejectSubscribe(code: try code(), count: try count())
        case .rejectUnsubscribe: self = .rejectUnsubscribe(code: try code(), count: try count())
        case .clear: self = .clear
        }
    }

    /// Parses console words: `NAME [ARGUMENT]`, e.g. `stall 5` (seconds), `maintenance 10`,
    /// `nonce 2` (count), `latency 200` (milliseconds, as the console always took it),
    /// `drop_connection 3` (connection id), `reject_subscribe 2` (count).
    public static func parse(words: [String]) throws(SimulatorFaultParseError) -> SimulatorFault {
        guard let word = words.first else {
            throw SimulatorFaultParseError("fault name missing; one of: \(FaultName.names.joined(separator: ", "))")
        }
        guard let name = FaultName(parsing: word) else {
            throw SimulatorFaultParseError("unknown fault '\(word)'; one of: \(FaultName.names.joined(separator: ", "))")
        }
        guard words.count <= 2 else { throw SimulatorFaultParseError("\(name.rawValue) takes at most one argument") }
        var parameters = FaultParameters()
        if let argument = words.dropFirst().first {
            guard let value = Double(argument), value.isFinite, value >= 0 else {
                throw SimulatorFaultParseError("'\(argument)' is not a non-negative number")
            }
            switch name {
            case .nonce, .restError, .rateLimit, .rejectSubscribe, .rejectUnsubscribe: parameters.count = Int(value)
            case .dropConnection: parameters.connection = Int(value)
            case .latency: parameters.seconds = value / 1000
            default: parameters.seconds = value
            }
        }
        return try SimulatorFault(name, parameters)
    }

    /// A short human form: `stall 5s`, `nonce x2`, `latency 200ms`, `drop`.
    public var summary: String {
        func seconds(_ d: Duration?) -> String { d.map { "\($0.secondsDouble)s" } ?? "until cleared" }
        switch self {
        case .dropConnection(let id): return "drop_connection \(id)"
        case .stall(_, let d): return "stall \(seconds(d))"
        case .maintenance(let d): return "maintenance \(seconds(d))"
        case .latency(let d): return "latency \(d.millisecondsInt)ms"
        case .slowReader(_, let d): return "slow_consumer \(seconds(d)) per frame"
        case .rejectNextNonce(_, let count): return "nonce x\(count)"
        case .restErrors(let count): return "rest_error x\(count)"
        case .restRateLimit(let count): return "rate_limit x\(count)"
        case .refuseConnections(let d): return "refuse_connections \(seconds(d))"
        case .rejectSubscribe(let code, let count): return "reject_subscribe \(code) x\(count)"
        case .rejectUnsubscribe(let code, let count): return "reject_unsubscribe \(code) x\(count)"
        default: return kind.rawValue
        }
    }

    /// The vocabulary name of this fault.
    public var kind: FaultName {
        switch self {
        case .dropAll: .drop
        case .dropConnection: .dropConnection
        case .stall: .stall
        case .restart: .restart
        case .maintenance: .maintenance
        case .corruptNextChecksum: .checksum
        case .wrongFundingChecksums: .fundingChecksum
        case .skipSequence: .sequenceGap
        case .malformedFrame: .malformed
        case .latency: .latency
        case .slowReader: .slowConsumer
        case .rejectNextNonce: .nonce
        case .restErrors: .restError
        case .restRateLimit: .rateLimit
        case .refuseConnections: .refuseConnections
        case .rejectSubscribe: .rejectSubscribe
        case .rejectUnsubscribe: .rejectUnsubscribe
        case .clear: .clear
        }
    }
}
