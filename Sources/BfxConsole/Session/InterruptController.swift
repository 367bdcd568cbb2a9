import Synchronization

/// Runs one command at a time as a cancellable `Task` so Ctrl-C can cancel the command (or
/// `watch`) instead of the process.
package final class InterruptController: Sendable {
    private struct State {
        var current: Task<Int32, Never>?
        var interrupts = 0
    }

    // Mutex: the signal handler (another thread) cancels the task the console loop started.
    private let state = Mutex(State())

    /// Starts with no command running and a zero ``interruptCount``.
    package init() {}

    /// Runs `body` as the current command and returns its status.
    package func run(_ body: @escaping @Sendable () async -> Int32) async -> Int32 {
        let task = Task { await body() }
        state.withLock { $0.current = task }
        let status = await task.value
        state.withLock { $0.current = nil }
        return status
    }

    /// Cancels the running command; returns `false` if nothing was running (Ctrl-C at the prompt).
    @discardableResult
    package func interrupt() -> Bool {
        let task: Task<Int32, Never>? = state.withLock { state in
            state.interrupts += 1
            return state.current
        }
        guard let task else { return false }
        task.cancel()
        return true
    }

    /// How many interrupts were received (for tests and diagnostics).
    package var interruptCount: Int {
        state.withLock { $0.interrupts }
    }
}
