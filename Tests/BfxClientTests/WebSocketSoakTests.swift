import BfxProtocol
import BfxSimulator
import Foundation
import Testing
@testable import BfxClient
import BfxTestSupport

/// Random faults every few seconds while the market moves; after every fault the client must
/// recover with every book equal to the simulator's, and no trade may be delivered twice.
/// CI runs 60 s (the issue's CI variant); `BFX_SOAK_SECONDS=600` runs the 10-minute soak.
extension WebSocketIntegrationTests {
@Suite(.serialized) struct WebSocketSoakTests {
    @Test func randomFaultsNeverLeaveUndetectedDivergence() async throws {
        let seconds = Int(ProcessInfo.processInfo.environment["BFX_SOAK_SECONDS"] ?? "") ?? 60
        let simulator = try await WS.simulator()
        var configuration = WS.configuration(for: simulator, seed: 99)
        configuration.maxSubscriptionsPerConnection = 3
        configuration.heartbeatTimeout = .seconds(2)
        let client = try WS.client(configuration)
        let subscriptions = [
            try await client.subscribe(.book("tBTCUSD", precision: .p0, length: 25)),
            try await client.subscribe(.book("tETHUSD", precision: .p2, length: 100)),
            try await client.subscribe(.rawBook("tXRPBTC", length: 25)),
            try await client.subscribe(.trades("tBTCUSD")),
            try await client.subscribe(.trades("tETHUSD")),
            try await client.subscribe(.ticker("tETHBTC")),
        ]
        let recorders = subscriptions.filter { if case .trades = $0.channel { return true } else { return false } }.map(WS.Recorder.init)
        var rng = SplitMix64(seed: 2026)
        let faults: [@Sendable (BfxSimulator) async -> Void] = [
            { await $0.inject(.dropAll) },
            { sim in if let id = await sim.stats().connectionIds.first { await sim.inject(.dropConnection(id)) } },
            { await $0.inject(.stall(connection: nil, duration: .milliseconds(2500))) },
            { await $0.inject(.restart) },
            { await $0.inject(.maintenance(duration: .milliseconds(300))) },
            { await $0.inject(.corruptNextChecksum(connection: nil)) },
            { await $0.inject(.skipSequence(connection: nil)) },
            { await $0.inject(.malformedFrame(connection: nil)) },
            { sim in
                await sim.inject(.refuseConnections(duration: .milliseconds(300)))
                await sim.inject(.dropAll)
            },
            { sim in
                // retryable errors while every channel resubscribes (default subscribeRetry policy)
                await sim.inject(.rejectSubscribe(code: 11000, count: 3))
                await sim.inject(.dropAll)
            },
        ]
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: .seconds(seconds))
        var injected = 0
        var recovered = 0
        var divergent = 0
        // Bounded: by the soak duration and by an upper count.
        while clock.now < end && injected < 10_000 {
            // Market moves while the fault hits.
            let index = Int(rng.next() % UInt64(faults.count))
            await faults[index](simulator)
            injected += 1
            for _ in 0..<10 {
                await simulator.step(2)
                try? await Task.sleep(for: .milliseconds(20))
            }
            await simulator.inject(.clear)
            // Recovery: everything live again and every book equal to the server's.
            let ok = await eventually(timeout: .seconds(20)) { subscriptions.allSatisfy(\.isLive) }
            let equal = await WS.converge(subscriptions, simulator, timeout: .seconds(20))
            if ok && equal { recovered += 1 } else {
                divergent += 1
                let snap = await client.snapshot()
                print("soak: fault #\(index) not recovered: live=\(ok) equal=\(equal) \(snap.connections.map { "\($0.id):\($0.state)" }) \(snap.channels.map { "\($0.channel):\($0.phase)" })")
            }
            try? await Task.sleep(for: .milliseconds(Int64(200 + rng.next() % 800)))
        }
        let duplicates = recorders.map { $0.state.mutex.withLock { $0.duplicates } }.reduce(0, +)
        let snapshot = await client.snapshot()
        print("soak: \(seconds)s faults=\(injected) recovered=\(recovered) divergent=\(divergent) duplicates=\(duplicates) integrity=\(snapshot.integrity)")
        #expect(injected >= 3)
        #expect(recovered == injected)
        #expect(divergent == 0)
        #expect(duplicates == 0)
        for r in recorders { r.cancel() }
        await client.shutdown()
        await simulator.shutdown()
    }
}
}
