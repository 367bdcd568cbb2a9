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

    @Test(.timeLimit(.minutes(1)))
    func aHolderThatDiesBeforeCommitLeavesItsNonceBehind() async throws {
        guard let url = postgresURL() else { return }
        let key = "pgdie-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        let dying = try await PostgresNonceStore(url: url).openSession(keyID: key)
        // A candidate an hour ahead of the clock: after the rollback only the sequence remembers it.
        let far = Int64(clamping: SystemClock().wallMicros()) + 3_600_000_000
        let sent = try #require(try await dying.acquireIssuing(holder: "dying", candidate: far))
        #expect(sent == far)
        await dying.close()  // the connection dies before COMMIT: the row update rolls back
        let next = NonceManager(defaultStore: try PostgresNonceStore(url: url))
        #expect(try await next.nextNonce(for: key) == sent + 1)
        await next.shutdown()
    }

    @Test(.timeLimit(.minutes(1)))
    func aSilentHolderLosesTheKeyAfterTheHoldTimeout() async throws {
        guard let url = postgresURL() else { return }
        let key = "pgidle-\(getpid())-\(UInt32.random(in: 0..<UInt32.max))"
        // Holds the row lock and then says nothing, like a holder whose host was cut off.
        let silent = try await PostgresNonceStore(url: url, lockHoldTimeout: .seconds(1)).openSession(keyID: key)
        let held = try #require(try await silent.acquireIssuing(holder: "silent", candidate: 1))
        // Without the server's idle-in-transaction timeout this waits for statement_timeout (60 s)
        // and the time limit fails the test.
        let other = NonceManager(defaultStore: try PostgresNonceStore(url: url))
        #expect(try await other.nextNonce(for: key) > held)
        await other.shutdown()
        await silent.close()
    }

    @Test func badURLIsATypedError() {
        #expect(throws: NonceError.self) { try PostgresNonceStore(url: "http://nope") }
        #expect(throws: NonceError.self) { try PostgresNonceStore(url: "postgres://u@h/db", table: "x; drop") }
        #expect(throws: NonceError.self) { try PostgresNonceStore(url: "postgres://u@h/db", table: String(repeating: "t", count: 41)) }
    }
}
