import BfxClient
import BfxProtocol
import BfxSimulator
import BfxTestSupport
import Testing
@testable import BfxGateway

extension GatewayIntegrationTests {
    /// Authenticated WebSocket through the gateway: local `auth` answered like Bitfinex, account
    /// snapshots from the upstream session, every event of the key fanned out, inputs carried by
    /// the one upstream session, permissions, and the dead-man switch.
    @Suite struct WebSocketAuthThroughGateway {
        static func auth(_ ws: TestWS, _ key: GatewayAccount.LocalKey, nonce: Int64, extra: String = "") async throws -> JSONValue {
            let payload = "AUTH\(nonce)"
            let sig = BfxSignature.hmacSHA384Hex(secret: key.secret, message: payload)
            ws.send("{\"event\":\"auth\",\"apiKey\":\"\(key.apiKey)\",\"authSig\":\"\(sig)\",\"authNonce\":\(nonce),\"authPayload\":\"\(payload)\"\(extra)}")
            return try await ws.expect("auth") { $0["event"]?.string == "auth" }
        }

        static func order(cid: Int, price: String = "1000") -> String {
            "[0,\"on\",null,{\"type\":\"EXCHANGE LIMIT\",\"symbol\":\"tBTCUSD\",\"amount\":\"0.01\",\"price\":\"\(price)\",\"cid\":\(cid)}]"
        }

        @Test func authSnapshotsFanOutAndPermissions() async throws {
            try await GatewayFixture.with(account: true) { fx in
                let trader = try await openLocal(fx)
                let reader = try await openLocal(fx)
                let ok = try await Self.auth(trader, GatewayFixture.Keys.trader, nonce: 5)
                #expect(ok["status"]?.string == "OK")
                #expect(ok["caps"]?["orders"]?["write"]?.int == 1)
                _ = try await trader.expect("wallet snapshot") { $0[0]?.int == 0 && $0[1]?.string == "ws" }
                _ = try await trader.expect("order snapshot") { $0[0]?.int == 0 && $0[1]?.string == "os" }
                let readOk = try await Self.auth(reader, GatewayFixture.Keys.reader, nonce: 5)  // same nonce, other key: fine
                #expect(readOk["caps"]?["orders"]?["write"]?.int == 0)
                trader.send(Self.order(cid: 77))
                for ws in [trader, reader] {
                    let on = try await ws.expect("on of cid 77 on every authenticated socket", timeout: .seconds(10)) {
                        $0[1]?.string == "on" && $0[2]?[2]?.int == 77
                    }
                    #expect(on[0]?.int == 0)
                }
                reader.send(Self.order(cid: 78))
                let refused = try await reader.expect("permission error notification") { $0[1]?.string == "n" && $0.serialized().contains("permission") }
                #expect(refused[2]?[1]?.string == "on-req")
                #expect(!trader.pending.contains { $0.contains(",78,") }, "the refused input never went upstream")
                let bad = TestWS(url: fx.gateway.wsURL)
                _ = try await bad.expect("info") { $0["event"]?.string == "info" }
                let wrong = GatewayAccount.LocalKey(name: "bad", apiKey: GatewayFixture.Keys.trader.apiKey, secret: BfxSecret("wrong-secret"), permissions: [])
                let failed = try await Self.auth(bad, wrong, nonce: 9)
                #expect(failed["status"]?.string == "FAILED" && failed["code"]?.int == 10100)
                bad.send(Self.order(cid: 79))
                _ = try await bad.expect("not authenticated") { $0["event"]?.string == "error" && $0["code"]?.int == 10200 }
                for ws in [trader, reader, bad] { await ws.close() }
            }
        }

        @Test(arguments: [false, true])
        func deadManSwitchCancelsOwnOrAllOrders(all: Bool) async throws {
            try await GatewayFixture.with(account: true, { $0.deadManCancelsAllOrders = all }) { fx in
                let watcher = try await openLocal(fx)
                _ = try await Self.auth(watcher, GatewayFixture.Keys.trader, nonce: 1)
                watcher.send(Self.order(cid: 500))
                _ = try await watcher.expect("watcher order") { $0[1]?.string == "on" && $0[2]?[2]?.int == 500 }
                let bot = try await openLocal(fx)
                _ = try await Self.auth(bot, GatewayFixture.Keys.trader, nonce: 2, extra: ",\"dms\":4")
                bot.send(Self.order(cid: 600))
                _ = try await bot.expect("bot order") { $0[1]?.string == "on" && $0[2]?[2]?.int == 600 }
                let session = try #require(fx.userData)
                try await waitFor("both orders open upstream") { await session.accountState.openOrders.count == 2 }
                await bot.close()
                try await waitFor("the dead-man switch cancelled \(all ? "every order" : "the bot's order")", timeout: .seconds(15)) {
                    let open = await session.accountState.openOrders.compactMap(\.cid)
                    return all ? open.isEmpty : open == [500]
                }
                await watcher.close()
            }
        }
    }
}

extension GatewayIntegrationTests.WebSocketAuthThroughGateway {
    /// The upstream session drops, restarts (20051) and goes through maintenance while a local
    /// client trades: its socket stays open, an input sent during the outage is sent once after
    /// the upstream re-auth, and its result reaches the local client as an ordinary event.
    @Test func upstreamOutagesStayUpstreamAndInputsAreSentOnce() async throws {
        try await GatewayFixture.with(account: true) { fx in
            let local = try await openLocal(fx)
            _ = try await Self.auth(local, GatewayFixture.Keys.trader, nonce: 3)
            _ = try await local.expect("order snapshot") { $0[1]?.string == "os" }
            let session = try #require(fx.userData)
            var cid = 900
            let faults: [SimulatorFault] = [.dropAll, .restart, .maintenance(duration: .milliseconds(500))]
            for fault in faults {
                cid += 1
                await fx.simulator.inject(fault)
                if fault != .maintenance(duration: .milliseconds(500)) {
                    // the upstream session noticed: inputs now go to its outage buffer
                    try await waitFor("upstream session down after \(fault)") { await session.currentPhase != .ready }
                }
                // sent while the upstream session is down: buffered, then sent once after re-auth
                local.send(Self.order(cid: cid))
                _ = try await local.expect("order \(cid) after \(fault): \(local.pending.filter { $0.contains("\"n\"") })", timeout: .seconds(30)) {
                    $0[1]?.string == "on" && $0[2]?[2]?.int == cid
                }
                #expect(!local.isClosed, "the local socket stays open through \(fault)")
            }
            try await waitFor("three orders, each exactly once, open upstream") {
                let cids = await session.accountState.openOrders.compactMap(\.cid).filter { (901...903).contains($0) }
                return cids.sorted() == [901, 902, 903]
            }
            await local.close()
        }
    }
}

extension GatewayIntegrationTests.WebSocketAuthThroughGateway {
    /// A local `auth` that arrives before the upstream session has its first snapshots is held,
    /// then answered with the loaded account: an order the key already had is in the local `os`
    /// (answering at once would send an empty `os` that no later event corrects).
    @Test func localAuthBeforeTheFirstUpstreamSyncGetsTheLoadedAccount() async throws {
        try await GatewayFixture.with(account: true, startUserData: false) { fx in
            // another program placed an order of the key (signed REST through the gateway)
            let placed = try await GatewayIntegrationTests.SignedRESTThroughGateway.post(
                fx.gateway.restURL, path: "auth/w/order/submit", key: GatewayFixture.Keys.trader, nonce: 1,
                body: "{\"type\":\"EXCHANGE LIMIT\",\"symbol\":\"tBTCUSD\",\"amount\":\"0.001\",\"price\":\"1000\",\"cid\":4343}")
            #expect(placed.status == 200, "\(placed.body)")
            let local = try await openLocal(fx)
            let payload = "AUTH7"
            let key = GatewayFixture.Keys.trader
            let sig = BfxSignature.hmacSHA384Hex(secret: key.secret, message: payload)
            local.send("{\"event\":\"auth\",\"apiKey\":\"\(key.apiKey)\",\"authSig\":\"\(sig)\",\"authNonce\":7,\"authPayload\":\"\(payload)\"}")
            let fanout = try #require(fx.gateway.fanouts.first)
            try await waitFor("the local auth registered while the upstream session is not started") { fanout.authenticatedClients == 1 }
            #expect(!local.pending.contains { $0.contains("\"auth\"") }, "no auth answer before the upstream session synchronised")
            let session = try #require(fx.userData)
            try await session.start()
            let ok = try await local.expect("auth answered after the upstream sync") { $0["event"]?.string == "auth" }
            #expect(ok["status"]?.string == "OK")
            #expect(ok["userId"]?.int == 42, "the upstream user id is known by then")
            let os = try await local.expect("order snapshot") { $0[0]?.int == 0 && $0[1]?.string == "os" }
            let cids = os[2]?.array?.compactMap { $0[2]?.int } ?? []
            #expect(cids.contains(4343), "the order placed before the sync is in the snapshot: \(os.serialized())")
            await local.close()
        }
    }
}
