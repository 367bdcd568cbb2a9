/// When the manager emits a ``NonceWarning``. Each warning fires once when its threshold is
/// crossed and re-arms when the value falls back below it.
public struct NonceWarningThresholds: Sendable {
    /// Total queued calls for one key.
    public var queueDepth: Int
    /// Time a call waited in the queue.
    public var queueWait: Duration
    /// Fraction of failed calls among the last ``errorRateWindow`` calls of a key.
    public var errorRate: Double
    /// Number of recent calls the error rate is computed over.
    public var errorRateWindow: Int
    /// Absolute difference between local wall clock and the server's time.
    public var clockSkew: Duration
    /// Warn when a nonce exceeds this value (default: 90 % of 2^53−1).
    public var nonceCeilingWarning: Int64

    /// The defaults: 100 queued calls, 2 s queue wait, 20 % errors over the last 50 calls, 2 s
    /// clock skew, and a nonce above 90 % of the largest safe integer.
    public init(
        queueDepth: Int = 100,
        queueWait: Duration = .seconds(2),
        errorRate: Double = 0.2,
        errorRateWindow: Int = 50,
        clockSkew: Duration = .seconds(2),
        nonceCeilingWarning: Int64 = NonceSequence.maximum / 10 * 9
    ) {
        self.queueDepth = queueDepth
        self.queueWait = queueWait
        self.errorRate = errorRate
        self.errorRateWindow = errorRateWindow
        self.clockSkew = clockSkew
        self.nonceCeilingWarning = nonceCeilingWarning
    }
}
