import Synchronization

/// A one-shot result that can be awaited by any number of tasks, created before the request is
/// sent so that registration and awaiting are decoupled (needed for `ox_multi`, where one
/// frame creates several requests).
final class RequestPromise<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, UserDataError>?
        var waiters: [CheckedContinuation<Value, any Error>] = []
    }

    // Mutex: fulfilled from the client actor, awaited from arbitrary caller tasks.
    private let state = Mutex(State())

    init() {}

    /// Delivers the result once; later calls are ignored. Returns whether this call delivered it.
    @discardableResult
    func fulfill(_ result: Result<Value, UserDataError>) -> Bool {
        let waiters: [CheckedContinuation<Value, any Error>]? = state.withLock { s in
            guard s.result == nil else { return nil }
            s.result = result
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        guard let waiters else { return false }
        for waiter in waiters { waiter.resume(with: result.mapError { $0 as any Error }) }
        return true
    }

    /// Whether a result was delivered.
    var isFulfilled: Bool { state.withLock { $0.result != nil } }

    /// Waits for the result.
    func value() async throws -> Value {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
            let ready: Result<Value, UserDataError>? = state.withLock { s in
                if let result = s.result { return result }
                s.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready.mapError { $0 as any Error }) }
        }
    }
}
