import BfxNonce
import BfxProtocol
import Synchronization
import Testing
@testable import BfxClient
import BfxTestSupport

/// Records every client event and wakes waiters when a matching event arrives (no polling).
final class EventRecorder: Sendable {
    private struct Waiter {
        let id: UInt64
        let count: Int
        let predicate: @Sendable (UserDataEvent) -> Bool
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var events: [UserDataEvent] = []
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
    }

    // Mutex: appended from the client actor's handler, read/awaited from the test task.
    private let state = Mutex(State())

    var events: [UserDataEvent] { state.withLock { $0.events } }

    func record(_ event: UserDataEvent) {
        let ready: [Waiter] = state.withLock { s in
            s.events.append(event)
            let events = s.events
            let done = s.waiters.filter { w in events.filter(w.predicate).count >= w.count }
            s.waiters.removeAll { w in done.contains { $0.id == w.id } }
            return done
        }
        for waiter in ready { waiter.continuation.resume() }
    }

    /// Waits until at least `count` recorded events match (bounded by `timeout` of real time).
    func wait(count: Int = 1, timeout: Duration = .seconds(10), file: String = #fileID, line: Int = #line,
              _ predicate: @escaping @Sendable (UserDataEvent) -> Bool) async throws {
        let id: UInt64 = state.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                        let satisfied: Bool = self.state.withLock { s in
                            if s.events.filter(predicate).count >= count { return true }
                            if Task.isCancelled { return true }
                            s.waiters.append(Waiter(id: id, count: count, predicate: predicate, continuation: continuation))
                            return false
                        }
                        if satisfied { continuation.resume() }
                    }
                } onCancel: {
                    let waiter: Waiter? = self.state.withLock { s in
                        guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                        return s.waiters.remove(at: index)
                    }
                    waiter?.continuation.resume(throwing: CancellationError())
                }
            }
            group.addTask {
                // A timeout guard, not synchronisation: fails the test instead of hanging.
                try await Task.sleep(for: timeout)
                throw WaitTimeout(description: "timed out waiting for event at \(file):\(line); events: \(self.events.map(Self.name))")
            }
            try await group.next()
            group.cancelAll()
        }
    }

    struct WaitTimeout: Error, CustomStringConvertible { let description: String }

    static func name(_ event: UserDataEvent) -> String {
        switch event {
        case .connecting: return "connecting"
        case .authenticated: return "authenticated"
        case .authenticationFailed: return "authFailed"
        case let .ready(again): return again ? "ready(re)" : "ready"
        case let .message(message): return "msg(\(message))".prefix(40).description
        case .offlineChanges: return "offlineChanges"
        case .outageBufferFlushed: return "flushed"
        case .bufferedInputExpired: return "expired"
        case .disconnected: return "disconnected"
        case .reconnecting: return "reconnecting"
        case let .serverInfo(code, _): return "info(\(code))"
        case .stopped: return "stopped"
        }
    }
}
