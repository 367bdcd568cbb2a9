import BfxProtocol
import Synchronization

/// Waits for an async piece of work for at most a given time on a ``BfxClock``: how
/// ``Runtime/stop()`` keeps one stuck teardown step (a connection that never answers, a store that
/// hangs) from keeping the whole process from exiting (`shutdown.step_timeout`).
///
/// Swift's structured concurrency cannot abandon a child task — a task group waits for every
/// child, cancelled or not — so the work runs in an unstructured task and whichever of it and
/// the timer finishes first resumes the caller; the other is cancelled. Work that ignores
/// cancellation is left running (it is logged by the caller).
enum BoundedStep {
    /// Runs `work`; returns `true` when it finished within `limit`, `false` when `limit` passed
    /// first (the work is then cancelled and no longer waited for).
    static func run(limit: Duration, clock: any BfxClock, _ work: @escaping @Sendable () async -> Void) async -> Bool {
        let race = Race()
        return await withCheckedContinuation { continuation in
            race.state.withLock { $0.continuation = continuation }
            let workTask = Task { await work(); race.finish(inTime: true) }
            let timerTask = Task {
                do { try await clock.sleep(for: limit) } catch { return }
                race.finish(inTime: false)
            }
            race.store(work: workTask, timer: timerTask)
        }
    }

    /// Who finished first; resumes the caller once and cancels the other side.
    private final class Race: Sendable {
        struct State {
            var continuation: CheckedContinuation<Bool, Never>?
            var outcome: Bool?
            var work: Task<Void, Never>?
            var timer: Task<Void, Never>?
        }

        let state = Mutex(State())

        func finish(inTime: Bool) {
            let (continuation, loser) = state.withLock { s -> (CheckedContinuation<Bool, Never>?, Task<Void, Never>?) in
                guard s.outcome == nil else { return (nil, nil) }
                s.outcome = inTime
                defer { s.continuation = nil }
                return (s.continuation, inTime ? s.timer : s.work)
            }
            loser?.cancel()
            continuation?.resume(returning: inTime)
        }

        /// Keeps the task handles; when one side already finished, cancels the other now.
        func store(work: Task<Void, Never>, timer: Task<Void, Never>) {
            let outcome = state.withLock { s -> Bool? in
                s.work = work
                s.timer = timer
                return s.outcome
            }
            if let outcome { (outcome ? timer : work).cancel() }
        }
    }
}
