import BfxClient

/// What a stress run reports while it runs (`bfxrun nonce stress` prints each as one line on
/// stderr): periodic progress and every rate-limit wait.
public enum NonceStressEvent: Sendable, CustomStringConvertible {
    /// Periodic progress of one worker.
    case progress(NonceStressProgress)
    /// A call waits for rate limiting (the endpoint's budget or a server 429 block).
    case rateLimitWait(RESTRateLimitWait)

    /// One line: `progress: 1200/6400 calls (3 failed), 240 calls/s, 0 nonce rejections, 5.0 s`
    /// or `rate limit: auth/r/wallets waits 60.0 s (server rate limit)`.
    public var description: String {
        switch self {
        case .progress(let p): "progress: \(p)"
        case .rateLimitWait(let wait): "rate limit: \(wait)"
        }
    }
}

/// Progress of one stress worker.
public struct NonceStressProgress: Sendable, Hashable, CustomStringConvertible {
    /// Calls finished (succeeded or failed).
    public var done: Int
    /// Of those, failed.
    public var failed: Int
    /// Calls this worker will make.
    public var total: Int
    /// 10114 rejections the worker's nonce manager saw.
    public var nonceRejections: Int
    /// Seconds since the worker started.
    public var seconds: Double

    /// Progress after `seconds`.
    public init(done: Int, failed: Int, total: Int, nonceRejections: Int, seconds: Double) {
        self.done = done
        self.failed = failed
        self.total = total
        self.nonceRejections = nonceRejections
        self.seconds = seconds
    }

    /// Finished calls per second so far.
    public var callsPerSecond: Double { seconds > 0 ? Double(done) / seconds : 0 }

    /// `1200/6400 calls (3 failed), 240 calls/s, 0 nonce rejections, 5.0 s`.
    public var description: String {
        "\(done)/\(total) calls (\(failed) failed), \(Int(callsPerSecond.rounded())) calls/s, "
            + "\(nonceRejections) nonce rejections, \((seconds * 10).rounded() / 10) s"
    }
}
