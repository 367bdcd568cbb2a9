/// Polls `condition` until it holds or `timeout` passes (real time: for integration tests whose
/// other side is a real socket or process). Bounded in time and in polls; returns the last answer.
///
/// Not a synchronisation sleep: it waits on an observable condition and gives up at a deadline.
public func eventually(
    timeout: Duration = .seconds(20),
    every interval: Duration = .milliseconds(5),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    var polls = 0
    while clock.now < deadline && polls < 1_000_000 {
        if try await condition() { return true }
        polls += 1
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}

/// A condition awaited with ``waitFor(_:timeout:every:_:)`` did not hold in time.
public struct WaitTimeout: Error, CustomStringConvertible {
    /// What was awaited.
    public let what: String
    /// The time allowed.
    public let timeout: Duration
    /// "timed out after 10 seconds waiting for: …".
    public var description: String { "timed out after \(timeout) waiting for: \(what)" }
}

/// Like ``eventually(timeout:every:_:)`` but throws ``WaitTimeout`` naming `what` (so the test
/// fails with a message) when the condition never holds.
public func waitFor(
    _ what: String,
    timeout: Duration = .seconds(10),
    every interval: Duration = .milliseconds(2),
    _ condition: () async throws -> Bool
) async throws {
    if try await eventually(timeout: timeout, every: interval, condition) { return }
    throw WaitTimeout(what: what, timeout: timeout)
}
