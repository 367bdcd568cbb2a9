import Synchronization

/// Collects operator notices from the backend and prints them between commands, so they never
/// interleave with a table or the line being edited.
final class NoticeBuffer: Sendable {
    /// Notices kept while a command runs; older ones are dropped (and counted).
    static let capacity = 200

    private struct State {
        var pending: [String] = []
        var dropped = 0
    }

    // Mutex: the collector task appends, the console loop flushes.
    private let state = Mutex(State())
    private let collector: Mutex<Task<Void, Never>?> = Mutex(nil)

    init(backend: any ConsoleBackend) {
        let task = Task { [weak self] in
            let stream = await backend.notices()
            for await notice in stream {
                guard let self else { return }
                self.append(notice)
            }
        }
        collector.withLock { $0 = task }
    }

    private func append(_ notice: String) {
        state.withLock { state in
            if state.pending.count >= Self.capacity {
                state.pending.removeFirst()
                state.dropped += 1
            }
            state.pending.append(notice)
        }
    }

    func flush(to sink: any ConsoleOutputSink) {
        let (pending, dropped) = state.withLock { state -> ([String], Int) in
            defer { state.pending = []; state.dropped = 0 }
            return (state.pending, state.dropped)
        }
        if dropped > 0 { sink.writeError("* \(dropped) older notices dropped\n") }
        for notice in pending {
            sink.writeError("* \(TerminalText.sanitized(notice))\n")
        }
    }

    /// Waits until the backend's notice stream has ended (finite streams in tests).
    func waitForStreamEnd() async {
        let task = collector.withLock { $0 }
        await task?.value
    }

    func stop() {
        collector.withLock { $0?.cancel() }
    }
}
