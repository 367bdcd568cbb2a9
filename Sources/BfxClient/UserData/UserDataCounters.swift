/// Traffic counters and the bounded auth history behind ``UserDataStatus``.
struct UserDataCounters: Sendable {
    /// The last auth attempts, oldest first (at most ``historyLimit``).
    private(set) var authAttempts: [UserDataStatus.AuthAttempt] = []
    /// Frames written (inputs, auth, calc, raw).
    var framesSent = 0
    /// Frames received, any kind.
    var framesReceived = 0
    /// Channel-0 messages received.
    var messagesReceived = 0
    /// Frames that could not be decoded.
    var decodeErrors = 0
    /// Reconciliations after reconnects.
    var reconciliations = 0

    /// How many auth attempts the history keeps.
    static let historyLimit = 100

    /// Appends one auth attempt, dropping the oldest beyond ``historyLimit``.
    mutating func recordAuth(_ attempt: UserDataStatus.AuthAttempt) {
        authAttempts.append(attempt)
        if authAttempts.count > Self.historyLimit { authAttempts.removeFirst(authAttempts.count - Self.historyLimit) }
    }
}
