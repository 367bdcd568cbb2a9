import BfxProtocol
import Synchronization

/// A ``BfxProtocol/BfxClock`` for tests: time only moves when the test says so, the wall clock
/// may be stepped backwards, and sleepers wake, earliest first, when ``advance(by:)`` passes their
/// deadline. Drives WebSocket, REST, nonce and runtime timers in virtual time.
public final class ManualClock: BfxClock {
    private struct Sleeper {
        let id: UInt64
        let deadline: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var wall: UInt64
        var mono: UInt64
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
    }

    // Mutated by the test task and read by the code under test concurrently, hence the Mutex.
    private let state: Mutex<State>

    /// A clock at the given wall time (µs since epoch) and monotonic time (ns).
    public init(wallMicros: UInt64 = 1_700_000_000_000_000, monotonicNanos: UInt64 = 1_000_000_000) {
        state = Mutex(State(wall: wallMicros, mono: monotonicNanos))
    }

    /// The current wall time in µs.
    public func wallMicros() -> UInt64 { state.withLock { $0.wall } }

    /// The current monotonic time in ns.
    public func monotonicNanos() -> UInt64 { state.withLock { $0.mono } }

    /// How many tasks are suspended on this clock (lets a test wait until the code under test
    /// has armed its timer before advancing time).
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest pending deadline as a monotonic reading (``BfxProtocol/BfxClock/now()`` scale).
    public var nextDeadline: Duration? {
        state.withLock { s in s.sleepers.map(\.deadline).min().map { .nanoseconds(Int64(clamping: $0)) } }
    }

    /// Sets the wall clock to an absolute value (may go backwards); the monotonic clock is untouched.
    public func setWall(micros: UInt64) { state.withLock { $0.wall = micros } }

    /// Moves both clocks forward by `duration` and wakes every sleeper whose deadline passed,
    /// earliest first.
    public func advance(by duration: Duration) {
        let due: [Sleeper] = state.withLock { s in
            s.mono &+= duration.nanosecondsClamped
            s.wall &+= duration.microsecondsClamped
            let now = s.mono
            let due = s.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Suspends until ``advance(by:)`` moves the monotonic clock to `deadline`.
    public func sleep(untilMonotonicNanos deadline: UInt64) async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: (any Error)?? = state.withLock { s in
                    if Task.isCancelled { return .some(CancellationError()) }
                    if s.mono >= deadline { return .some(nil) }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return .none
                }
                switch resumeNow {
                case .some(.some(let error)): continuation.resume(throwing: error)
                case .some(.none): continuation.resume()
                case .none: break
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = state.withLock { s in
                guard let index = s.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
