import Foundation
import Synchronization
import Testing
@testable import BfxNonce

/// A one-shot gate a test opens to let a blocked closure continue.
final class Gate: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    init() { (stream, continuation) = AsyncStream.makeStream(of: Void.self) }
    func wait() async { for await _ in stream { return } }
    func open() { continuation.yield(); continuation.finish() }
}

/// Thread-safe append-only log for tests (written from many tasks).
final class Recorder<T: Sendable>: Sendable {
    private let items = Mutex<[T]>([])
    func append(_ item: T) { items.withLock { $0.append(item) } }
    var all: [T] { items.withLock { $0 } }
}

/// An error a test closure throws to simulate a server answer.
struct FakeServerError: SignedCallFailureClassifiable {
    let signedCallFailure: SignedCallFailure
}

func queued(_ manager: NonceManager, _ key: String) async -> Int {
    await manager.snapshot().keys.first { $0.keyID == key }?.queued.values.reduce(0, +) ?? 0
}

func counters(_ manager: NonceManager, _ key: String) async -> NonceCounters {
    await manager.snapshot().keys.first { $0.keyID == key }?.counters ?? NonceCounters()
}

func temporaryDirectory(_ name: String) -> String {
    let path = NSTemporaryDirectory() + "bfxnonce-tests-\(name)-\(getpid())-\(UInt64.random(in: 0..<UInt64.max))"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The PostgreSQL URL for store tests: nil (skip) locally when unset; a failure when CI is set.
func postgresURL() -> String? {
    if let url = ProcessInfo.processInfo.environment["BFX_TEST_POSTGRES_URL"], !url.isEmpty { return url }
    if ProcessInfo.processInfo.environment["CI"] != nil {
        Issue.record("BFX_TEST_POSTGRES_URL is not set in CI (run scripts/postgres.sh start)")
    } else {
        print("skipping PostgreSQL nonce store test: BFX_TEST_POSTGRES_URL is not set")
    }
    return nil
}

/// Counts how many closures run at once (must stay 1 for one key).
final class OverlapProbe: Sendable {
    private let state = Mutex<(current: Int, maximum: Int)>((0, 0))
    func enter() { state.withLock { $0.current += 1; $0.maximum = max($0.maximum, $0.current) } }
    func leave() { state.withLock { $0.current -= 1 } }
    var maximum: Int { state.withLock { $0.maximum } }
}
