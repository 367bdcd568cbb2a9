import Synchronization
@testable import BfxClient

/// A transport whose `connect()` waits while the gate is closed, so a test can act on the
/// server (fill an order) while the client is provably disconnected, then let it reconnect.
final class GatedTransport: UserDataTransport, Sendable {
    private struct State {
        var open = true
        var waiters: [CheckedContinuation<Void, Never>] = []
        var connects = 0
    }

    private let base: any UserDataTransport
    // Mutex: toggled by the test, awaited by the client's connection task.
    private let state = Mutex(State())

    init(_ base: any UserDataTransport) { self.base = base }

    var connects: Int { state.withLock { $0.connects } }

    func close() { state.withLock { $0.open = false } }

    func open() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { s in
            s.open = true
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func connect() async throws -> any UserDataConnection {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let proceed: Bool = state.withLock { s in
                if s.open { return true }
                s.waiters.append(continuation)
                return false
            }
            if proceed { continuation.resume() }
        }
        state.withLock { $0.connects += 1 }
        return try await base.connect()
    }
}
