import Testing
@testable import BfxClient
import BfxTestSupport

@Suite struct ConnectionRateLimiterTests {
    @Test func grantsUpToTheLimitThenWaitsForTheWindow() async throws {
        let manual = ManualClock()
        let limiter = ConnectionRateLimiter(limit: ConnectionRateLimit(maxConnections: 3, window: .seconds(15)), clock: ClientClock(manual))
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(await limiter.inWindow() == 3)
        let fourth = Task { try await limiter.acquire() }
        #expect(await eventually { manual.sleeperCount == 1 })
        manual.advance(by: .seconds(14))
        // Still within the window: the waiter is asleep again (or still) and not granted.
        #expect(await eventually { manual.sleeperCount == 1 })
        #expect(await limiter.granted == 3)
        manual.advance(by: .seconds(1))
        let waited = try await fourth.value
        #expect(waited == .seconds(15))
        #expect(await limiter.granted == 4)
        #expect(await limiter.throttled == 1)
    }

    @Test func manyWaitersNeverExceedTheBudget() async throws {
        let manual = ManualClock()
        let limit = ConnectionRateLimit(maxConnections: 5, window: .seconds(15))
        let limiter = ConnectionRateLimiter(limit: limit, clock: ClientClock(manual))
        let grants = await withTaskGroup(of: Duration.self) { group in
            for _ in 0..<12 {
                group.addTask { (try? await limiter.acquire()).map { _ in manual.now() } ?? .seconds(-1) }
            }
            let driver = Task {
                for _ in 0..<10 {
                    _ = await eventually {
                        if manual.sleeperCount > 0 { return true }
                        return await limiter.granted == 12
                    }
                    if await limiter.granted == 12 { return }
                    manual.advance(by: .seconds(15))
                }
            }
            var times: [Duration] = []
            for await t in group { times.append(t) }
            await driver.value
            return times.sorted()
        }
        #expect(grants.count == 12)
        // In any 15 s window at most 5 grants.
        for (i, t) in grants.enumerated() {
            let inWindow = grants[i...].filter { $0 - t < limit.window }.count
            #expect(inWindow <= 5)
        }
    }
}
