import BfxClient
import BfxProtocol
import BfxSimulator
import BfxTestSupport
import Testing
@testable import BfxGateway

extension GatewayIntegrationTests {
    /// Upstream failures stay upstream: 20 local clients on overlapping channels while the
    /// simulator drops, restarts, corrupts checksums, skips sequence numbers, stalls, refuses
    /// connections and runs a maintenance window. No local socket closes, no local client sees a
    /// checksum mismatch or a sequence gap (each runs its own audit), maintenance is forwarded,
    /// and afterwards every local book equals the simulator's.
    @Suite struct UpstreamFaultsStayUpstream {
        static let pool: [ChannelSpec] = [
            .book("tBTCUSD", precision: .p0), .book("tETHUSD", precision: .p0), .rawBook("tBTCUSD"),
            .book("tBTCUSD", precision: .p1), .trades("tBTCUSD"), .ticker("tETHUSD"), .rawBook("tETHUSD"),
        ]

        @Test func twentyLocalClientsThroughEveryUpstreamFault() async throws {
            try await GatewayFixture.with { fx in
                var rng = SplitMix64(seed: 20)
                var locals: [(BfxClient, ClientEventLog, [Subscription])] = []
                for i in 0..<20 {
                    let client = try fx.localClient(seed: UInt64(100 + i))
                    let log = ClientEventLog(client)
                    var subs: [Subscription] = []
                    // mixed, overlapping: 3 channels each, always one book
                    var chosen = Set([Self.pool[i % 3 == 0 ? 2 : i % 2]])
                    while chosen.count < 3 { chosen.insert(Self.pool[Int(rng.next() % UInt64(Self.pool.count))]) }
                    for spec in chosen.sorted(by: { "\($0)" < "\($1)" }) { subs.append(try await client.subscribe(spec)) }
                    locals.append((client, log, subs))
                }
                let allSubs = locals.flatMap(\.2)
                let converged: () async -> Bool = {
                    for sub in allSubs where sub.channel.isBook {
                        guard sub.isLive, await fx.bookMatches(sub.currentBook(), sub.channel) else { return false }
                    }
                    return true
                }
                try await fx.stepUntil("initial convergence", converged)

                let faults: [SimulatorFault] = [
                    .dropAll, .restart, .corruptNextChecksum(connection: nil), .skipSequence(connection: nil),
                    .stall(connection: nil, duration: .seconds(6)), .refuseConnections(duration: .seconds(1)),
                    .maintenance(duration: .seconds(1)),
                ]
                for fault in faults {
                    let before = await fx.gateway.snapshot().channels.map(\.healed).reduce(0, +)
                    await fx.simulator.inject(fault)
                    if case .refuseConnections = fault { await fx.simulator.inject(.dropAll) }
                    await fx.simulator.step(5)
                    try await fx.stepUntil("recovery after \(fault)", timeout: .seconds(40), converged)
                    let after = await fx.gateway.snapshot()
                    #expect(after.clients.count == 20, "no local client lost after \(fault)")
                    _ = before
                }
                for (client, log, _) in locals {
                    #expect(log.closes.isEmpty, "a local socket was closed: \(log.closes)")
                    #expect(log.integrity.isEmpty, "a local client saw an integrity problem: \(log.integrity)")
                    #expect(log.maintenanceStarts >= 1, "maintenance was forwarded")
                    await client.shutdown()
                    log.cancel()
                }
                let state = await fx.gateway.snapshot()
                #expect(state.channels.map(\.healed).reduce(0, +) > 0, "books were healed in place")
                #expect(state.channels.map(\.integrityEvents).reduce(0, +) > 0, "upstream problems happened and were absorbed")
            }
        }
    }
}
