import BfxSimulator

/// Options of the embedded simulator (`endpoint: simulator`).
public struct SimulatorConfig: Sendable, Hashable, Encodable {
    /// Random seed of the generated markets (same seed = same markets).
    public var seed: UInt64 = 42
    /// Market events per second per symbol.
    public var rate = 20.0
    /// Extra latency added to every server message.
    public var latency = ConfigDuration(milliseconds: 0)
    /// Faults injected at fixed times after start.
    public var faults: [FaultStep] = []
    /// Protocol variants the simulator emits, name → value (`ProtocolVariants.names`, e.g.
    /// `error_echo: none`); empty = the defaults of docs/adr/0005 (docs/adr/0028).
    public var variants: [String: String] = [:]

    /// The embedded simulator's defaults: seed 42, 20 events/s per symbol, no latency, no faults.
    public init() {}
}

/// One scheduled fault of a drill.
public struct FaultStep: Sendable, Hashable, Encodable {
    /// Time after start.
    public var at: ConfigDuration
    /// Which fault (the one vocabulary shared with the simulator and the console).
    public var fault: FaultName
    /// Duration for stall / maintenance / slow_consumer / latency.
    public var duration: ConfigDuration?
    /// Count for nonce / rate_limit / rest_error.
    public var count: Int?
    /// Accepted for compatibility; the simulator corrupts the next checksum of every book.
    public var symbol: String?

    /// A step injecting `fault` at `at` after start, with its optional parameters.
    public init(at: ConfigDuration, fault: FaultName, duration: ConfigDuration? = nil, count: Int? = nil, symbol: String? = nil) {
        self.at = at
        self.fault = fault
        self.duration = duration
        self.count = count
        self.symbol = symbol
    }

    /// The simulator fault this step injects (defaults as in `SimulatorFault.init(_:_:)`).
    public func makeFault() throws(SimulatorFaultParseError) -> SimulatorFault {
        try SimulatorFault(fault, FaultParameters(seconds: duration?.seconds, count: count))
    }
}
