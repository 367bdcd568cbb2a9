import BfxProtocol
import BfxNoncePostgres
import Foundation
import Testing
@testable import BfxNonce
import BfxTestSupport

@Suite(.serialized) struct PostgresNonceStoreTests {
    @Test(.timeLimit(.minutes(1)))
    func twoConnectionsShareAKeySafelyAndSurviveRestart() async throws {
        guard let url = postgresURL() else { return }
        let key = "pgtest-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        let a = NonceManager(defaultStore: try PostgresNonceStore(url: url))
        let b = NonceManager(defaultStore: try PostgresNonceStore(url: url))
        let wire = Recorder<Int64>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (m, tag) in [(a, "a"), (b, "b")] {
                for t in 0..<3 {
                    group.addTask {
                        for _ in 0..<30 {
                            try await m.perform(key: key, label: "\(tag)\(t)") { nonce in
                                wire.append(nonce)
                                await Task.yield()
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let nonces = wire.all
        #expect(nonces.count == 180)
        #expect(zip(nonces, nonces.dropFirst()).allSatisfy { $0 < $1 })
        let local = await a.snapshot().keys.first?.store
        #expect(local?.kind == .postgres && (local?.lastNonce ?? .max) <= (nonces.last ?? 0) && local?.lockHeld == nil)
        let stored = try await PostgresNonceStore(url: url).inspect(keyID: key)[key]
        #expect(stored?.lastNonce == nonces.last && stored?.lockHeld == false)
        await a.shutdown()
        await b.shutdown()

        // A restart whose wall clock is an hour behind continues above the stored counter.
        let clock = ManualClock(wallMicros: SystemClock().wallMicros() - 3_600_000_000)
        let c = NonceManager(clock: clock, defaultStore: try PostgresNonceStore(url: url))
        let next = try await c.nextNonce(for: key)
        #expect(next == (nonces.last ?? .max) + 1)
        await c.shutdown()
    }

    @Test func badURLIsATypedError() {
        #expect(throws: NonceError.self) { try PostgresNonceStore(url: "http://nope") }
        #expect(throws: NonceError.self) { try PostgresNonceStore(url: "postgres://u@h/db", table: "x; drop") }
    }
}
