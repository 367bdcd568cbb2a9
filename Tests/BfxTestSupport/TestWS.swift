import BfxProtocol
import HummingbirdWSClient
import Logging
import Synchronization

/// Errors raised by the test helpers.
public struct TestFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// Wraps a message.
    public init(_ description: String) { self.description = description }
}

/// A plain WebSocket client (HummingbirdWSClient) that records every text frame.
public final class TestWS: Sendable {
    private let frames = Locked<[String]>([])
    private let closed = Locked<Bool>(false)
    private let cursor = Locked<Int>(0)
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>

    /// Connects to `url` in the background (frames up to 4 MiB).
    public init(url: String) {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        outgoing = continuation
        let frames = self.frames
        let closed = self.closed
        task = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 22), logger: Logger(label: "test.ws")) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await text in stream { try await outbound.write(.text(text)) }
                        }
                        for try await message in inbound.messages(maxSize: 1 << 22) {
                            if case .text(let text) = message { frames.withLock { $0.append(text) } }
                        }
                        group.cancelAll()
                    }
                }
            } catch {}
            closed.withLock { $0 = true }
        }
    }

    /// Queues a text frame.
    public func send(_ text: String) { outgoing.yield(text) }

    /// Closes the connection and waits for the client task.
    public func close() async {
        outgoing.finish()
        task.cancel()
        await task.value
    }

    /// Every text frame received so far.
    public var all: [String] { frames.withLock { $0 } }
    /// True once the connection ended.
    public var isClosed: Bool { closed.withLock { $0 } }

    /// Waits (poll with deadline) for the next frame after the cursor matching `predicate`;
    /// advances the cursor past it.
    @discardableResult
    public func expect(_ what: String, timeout: Duration = .seconds(5), _ predicate: (JSONValue) -> Bool) async throws -> JSONValue {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let start = cursor.withLock { $0 }
            let snapshot = all
            if start < snapshot.count {
                for i in start..<snapshot.count {
                    if let value = try? JSONValue.parse(snapshot[i]), predicate(value) {
                        cursor.withLock { $0 = i + 1 }
                        return value
                    }
                }
            }
            if ContinuousClock.now >= deadline {
                throw TestFailure("timed out waiting for \(what); last frames: \(snapshot.suffix(5))")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits until the connection is closed.
    public func expectClosed(timeout: Duration = .seconds(5)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !isClosed {
            if ContinuousClock.now >= deadline { throw TestFailure("connection not closed") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Frames after the cursor (not consumed).
    public var pending: [String] {
        let start = cursor.withLock { $0 }
        let snapshot = all
        return start < snapshot.count ? Array(snapshot[start...]) : []
    }

    /// Moves the cursor past every frame received so far.
    public func markAll() { let n = all.count; cursor.withLock { $0 = n } }

    /// Subscribes and returns the chanId.
    public func subscribe(_ json: String) async throws -> Int {
        send(json)
        let event = try await expect("subscribed") { $0["event"]?.string == "subscribed" || $0["event"]?.string == "error" }
        guard event["event"]?.string == "subscribed", let chan = event["chanId"]?.int else {
            throw TestFailure("subscribe failed: \(event.serialized())")
        }
        return chan
    }
}

/// A `Mutex` in a class so closures can share it (Mutex itself is non-copyable).
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    /// Wraps `value`.
    public init(_ value: Value) { mutex = Mutex(value) }
    /// Runs `body` with exclusive access.
    public func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

