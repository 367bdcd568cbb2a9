import BfxProtocol
/// How a connection is re-established after it was lost: exponential backoff with an optional
/// full jitter, a cap, a give-up rule and a reset once a connection has been stable.
///
/// Delay for attempt `n` (1-based) before jitter: `min(maxDelay, initialDelay * multiplier^(n-1))`.
/// With ``Jitter-swift.enum/full`` the actual delay is uniform in `0...base` ("full jitter"), which
/// spreads the reconnects of many connections and many clients after a shared outage.
public struct ReconnectPolicy: Sendable, Hashable {
    /// Randomisation applied to each computed delay.
    public enum Jitter: String, Sendable, Hashable, CaseIterable {
        /// Use the computed delay as is (deterministic; useful for drills).
        case none
        /// Uniform random delay in `0...computed` (recommended).
        case full
    }

    /// Delay before the first reconnect attempt (zero: reconnect at once, still rate-limited).
    public var initialDelay: Duration
    /// Growth factor between consecutive attempts (>= 1).
    public var multiplier: Double
    /// Upper bound of the computed delay.
    public var maxDelay: Duration
    /// Randomisation of each delay.
    public var jitter: Jitter
    /// Give up after this many consecutive failed attempts (`nil`: never).
    public var maxAttempts: Int?
    /// Give up when the connection has been down this long (`nil`: never).
    public var giveUpAfter: Duration?
    /// A connection that stayed open this long resets the attempt counter.
    public var stablePeriod: Duration

    /// Creates a policy; defaults: 250 ms initial, ×2, 30 s cap, full jitter, retry forever,
    /// counter reset after 60 s of stable connection.
    public init(
        initialDelay: Duration = .milliseconds(250),
        multiplier: Double = 2,
        maxDelay: Duration = .seconds(30),
        jitter: Jitter = .full,
        maxAttempts: Int? = nil,
        giveUpAfter: Duration? = nil,
        stablePeriod: Duration = .seconds(60)
    ) {
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maxDelay = maxDelay
        self.jitter = jitter
        self.maxAttempts = maxAttempts
        self.giveUpAfter = giveUpAfter
        self.stablePeriod = stablePeriod
    }

    /// The default policy (see ``init(initialDelay:multiplier:maxDelay:jitter:maxAttempts:giveUpAfter:stablePeriod:)``).
    public static let standard = ReconnectPolicy()

    /// Checks the values; returns a description of each problem (empty when valid).
    public func validate() -> [String] {
        var problems: [String] = []
        if initialDelay < .zero { problems.append("initialDelay must be >= 0, got \(initialDelay)") }
        if !(multiplier >= 1) || !multiplier.isFinite { problems.append("multiplier must be a finite number >= 1, got \(multiplier)") }
        if maxDelay < initialDelay { problems.append("maxDelay (\(maxDelay)) must be >= initialDelay (\(initialDelay))") }
        if let maxAttempts, maxAttempts < 1 { problems.append("maxAttempts must be >= 1 or absent, got \(maxAttempts)") }
        if let giveUpAfter, giveUpAfter <= .zero { problems.append("giveUpAfter must be > 0 or absent, got \(giveUpAfter)") }
        if stablePeriod < .zero { problems.append("stablePeriod must be >= 0, got \(stablePeriod)") }
        return problems
    }

    /// The delay before jitter for 1-based `attempt`.
    public func baseDelay(forAttempt attempt: Int) -> Duration {
        let initial = initialDelay.secondsDouble
        let cap = maxDelay.secondsDouble
        guard attempt > 1, initial > 0 else { return min(initialDelay, maxDelay) }
        let exponent = Double(min(attempt - 1, 1024))
        let raw = initial * Foundation_pow(max(multiplier, 1), exponent)
        let seconds = raw.isFinite ? min(raw, cap) : cap
        return .seconds(seconds)
    }

    /// The delay to wait before 1-based `attempt`, with jitter drawn from `random`.
    public func delay(forAttempt attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let base = baseDelay(forAttempt: attempt)
        switch jitter {
        case .none:
            return base
        case .full:
            let nanos = base.secondsDouble * 1e9
            guard nanos >= 1 else { return .zero }
            let draw = UInt64.random(in: 0...UInt64(nanos), using: &random)
            return .nanoseconds(Int64(clamping: draw))
        }
    }
}

/// `pow` without importing Foundation into every file of the module.
@inline(__always)
func Foundation_pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var b = base
    var e = Int(exponent)
    while e > 0 {
        if e & 1 == 1 { result *= b }
        b *= b
        e >>= 1
        if !result.isFinite { return .infinity }
    }
    return result
}
