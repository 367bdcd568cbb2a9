import BfxNonce
import Foundation
import Synchronization
import Testing

/// Scale: the in-memory manager issues millions of nonces to 256 concurrent callers, and every
/// nonce is checked inside the key's serialized section against the one before it — strictly
/// increasing in dispatch order, no two calls in the section at once, none lost. 1M by default;
/// `BFX_LONG_STRESS=1` runs 10M (issue 18). Counts only; no timing is asserted (the run prints
/// its rate).
@Suite(.serialized) struct NonceScaleStressTests {
    static var long: Bool { ProcessInfo.processInfo.environment["BFX_LONG_STRESS"] == "1" }

    /// Order check run inside the serialized section. Mutex: the section runs on whichever
    /// caller's task holds the key's baton, so consecutive calls come from different threads.
    final class OrderAudit: Sendable {
        struct State {
            var last: Int64 = 0
            var issued = 0
            var notIncreasing = 0
            var inside = 0
            var maxInside = 0
        }
        let state = Mutex(State())

        func check(_ nonce: Int64) {
            state.withLock { s in
                s.inside += 1
                s.maxInside = max(s.maxInside, s.inside)
                if nonce <= s.last { s.notIncreasing += 1 }
                s.last = nonce
                s.issued += 1
                s.inside -= 1
            }
        }
    }

    static func run(total: Int, callers: Int) async throws -> (OrderAudit.State, Double) {
        let manager = NonceManager()
        let audit = OrderAudit()
        let perCaller = (total + callers - 1) / callers  // at least `total` in all
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<callers {
                group.addTask {
                    for _ in 0..<perCaller {
                        try await manager.perform(key: "scale", label: "scale") { nonce in audit.check(nonce) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let seconds = (ContinuousClock.now - start).secondsDouble
        let issued = await manager.snapshot(recentLimit: 0).keys.first?.counters.issued ?? 0
        #expect(issued == UInt64(perCaller * callers))
        await manager.shutdown()
        return (audit.state.withLock { $0 }, seconds)
    }

    @Test(.timeLimit(.minutes(10)))
    func strictOrderWith256Callers() async throws {
        let total = Self.long ? 10_000_000 : 1_000_000
        let (state, seconds) = try await Self.run(total: total, callers: 256)
        #expect(state.issued >= total && state.issued == (total + 255) / 256 * 256)
        #expect(state.notIncreasing == 0)
        #expect(state.maxInside == 1)
        print("nonce scale: \(total) nonces, 256 callers, \(String(format: "%.1f", seconds)) s, \(Int(Double(total) / seconds)) nonces/s")
    }
}
