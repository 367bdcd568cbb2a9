import BfxTestSupport
import BfxProtocol
import BfxSimulator
import Foundation
import Logging
import Synchronization
import Testing
@testable import BfxClient

extension WebSocketIntegrationTests {
    /// The authentication hook: auth after conf, re-auth with a fresh nonce after every reconnect.
    @Suite struct WebSocketAuthHookTests {
        final class Counter: Sendable {
            let nonce = Mutex<Int64>(1_700_000_000_000_000)
            let results = Mutex<[Bool]>([])
            let userFrames = Mutex(0)
        }

        @Test func authenticatesAndReauthenticatesWithAFreshNonceAfterADrop() async throws {
            var simConfig = SimulatorConfiguration()
            simConfig.tickMode = .manual
            simConfig.apiKeys = [.init(key: "test-key", secret: "test-secret")]
            var logger = Logger(label: "test.sim")
            logger.logLevel = .warning
            let simulator = try await BfxSimulator.start(simConfig, logger: logger)
            let client = try WS.client(WS.configuration(for: simulator))
            let counter = Counter()
            let hook = AuthenticationHook(
                makeAuthRequest: {
                    let nonce = counter.nonce.withLock { n -> Int64 in n += 1; return n }
                    return try BfxSignature.wsAuth(apiKey: "test-key", secret: BfxSecret("test-secret"), nonce: nonce).request.text
                },
                onAuthResult: { event in counter.results.withLock { $0.append(event.isOK) } },
                onUserFrame: { _ in counter.userFrames.withLock { $0 += 1 } }
            )
            let connection = try client.openAuthenticatedConnection(hook)
            #expect(await eventually { await connection.isAuthenticated })
            #expect(await eventually { counter.userFrames.withLock { $0 } > 0 })  // os/ps/ws snapshots
            await simulator.inject(.dropAll)
            #expect(await eventually { counter.results.withLock { $0 } == [true, true] })
            #expect(await eventually { await connection.isAuthenticated })
            let nonces = await simulator.acceptedNonces(apiKey: "test-key")
            #expect(nonces.count == 2)
            #expect(nonces == nonces.sorted() && Set(nonces).count == 2)
            await connection.close()
            await client.shutdown()
            await simulator.shutdown()
        }

        /// `sharesPublicSubscriptions`: public subscriptions go onto the authenticated slot (after
        /// auth), the slot outlives its last subscription, and the hook hears about closes.
        @Test func sharedSlotCarriesPublicSubscriptionsAndReportsDisconnects() async throws {
            var simConfig = SimulatorConfiguration()
            simConfig.tickMode = .manual
            simConfig.apiKeys = [.init(key: "test-key", secret: "test-secret")]
            var logger = Logger(label: "test.sim")
            logger.logLevel = .warning
            let simulator = try await BfxSimulator.start(simConfig, logger: logger)
            let client = try WS.client(WS.configuration(for: simulator))
            let counter = Counter()
            let disconnects = Mutex(0)
            let hook = AuthenticationHook(
                makeAuthRequest: {
                    let nonce = counter.nonce.withLock { n -> Int64 in n += 1; return n }
                    return try BfxSignature.wsAuth(apiKey: "test-key", secret: BfxSecret("test-secret"), nonce: nonce).request.text
                },
                onAuthResult: { event in counter.results.withLock { $0.append(event.isOK) } },
                onUserFrame: { _ in },
                onDisconnected: { disconnects.withLock { $0 += 1 } })
            let connection = try client.openAuthenticatedConnection(hook, sharesPublicSubscriptions: true)
            let ticker = try await client.subscribe(.ticker("tBTCUSD"))
            #expect(await eventually { ticker.isLive })
            #expect(client.connectionCount == 1)
            #expect(await client.snapshot().channels.map(\.connection) == [connection.id])
            await simulator.inject(.dropAll)
            #expect(await eventually { disconnects.withLock { $0 } == 1 })
            #expect(await eventually { counter.results.withLock { $0 } == [true, true] })
            #expect(await eventually { ticker.isLive })
            await ticker.unsubscribe()
            #expect(client.connectionCount == 1)  // not closed as idle
            #expect(await connection.isAuthenticated)
            await connection.close()
            #expect(client.connectionCount == 0)  // removed from the pool
            await client.shutdown()
            await simulator.shutdown()
        }
    }
}
