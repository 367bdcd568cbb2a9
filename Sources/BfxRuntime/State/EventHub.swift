import Synchronization

/// Fans runtime events out to any number of subscribers (console, tests) and keeps a bounded
/// ring of recent events. Slow subscribers lose the oldest events (bufferingNewest), never block.
final class EventHub: Sendable {
    private struct State {
        var subscribers: [Int: AsyncStream<RuntimeEvent>.Continuation] = [:]
        var nextID = 0
        var recent: [RuntimeEvent] = []
        var finished = false
    }

    // Mutex: publish is called from the runtime actor and from client callbacks.
    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int = 1000) { self.capacity = capacity }

    func subscribe(buffer: Int = 1000) -> AsyncStream<RuntimeEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: RuntimeEvent.self, bufferingPolicy: .bufferingNewest(buffer))
        let id: Int? = state.withLock { s in
            guard !s.finished else { return nil }
            let id = s.nextID
            s.nextID += 1
            s.subscribers[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    func publish(_ event: RuntimeEvent) {
        let targets = state.withLock { s -> [AsyncStream<RuntimeEvent>.Continuation] in
            s.recent.append(event)
            if s.recent.count > capacity { s.recent.removeFirst(s.recent.count - capacity) }
            return Array(s.subscribers.values)
        }
        for continuation in targets { continuation.yield(event) }
    }

    func recent(limit: Int) -> [RuntimeEvent] {
        state.withLock { Array($0.recent.suffix(max(0, limit))) }
    }

    func finish() {
        let targets = state.withLock { s -> [AsyncStream<RuntimeEvent>.Continuation] in
            s.finished = true
            defer { s.subscribers.removeAll() }
            return Array(s.subscribers.values)
        }
        for continuation in targets { continuation.finish() }
    }
}
