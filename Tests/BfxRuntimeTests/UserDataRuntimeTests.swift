import Foundation
import Synchronization
import Testing
@testable import BfxRuntime
import BfxTestSupport

/// `connections[].key` starts a user-data stream (embedded simulator on loopback, demo key).
@Suite(.serialized) struct UserDataRuntimeTests {
    /// A runtime on its embedded simulator with the key `demo`; `connections` is the YAML list
    /// of connection groups (nil: none, so no user-data stream).
    static func simulatorYAML(connections: String? = "[{name: account, key: demo}]", seed: Int = 5) -> String {
        """
        endpoint: simulator
        keys: [{name: demo}]
        \(connections.map { "connections: \($0)" } ?? "")
        metrics: {enabled: false}
        simulator: {seed: \(seed), rate: 5}
        shutdown: {drain_timeout: 1s}
        """
    }

    static let yaml = simulatorYAML()

    /// Starts a runtime whose simulator other runtimes point at; returns it with its URLs.
    static func startHost(seed: Int) async throws -> (host: Runtime, ws: String, rest: String) {
        let host = try makeRuntime(simulatorYAML(connections: nil, seed: seed))
        try await host.start()
        let status = await host.status()
        return (host, try #require(status.wsURL), try #require(status.restURL))
    }

    static func makeRuntime(_ yaml: String = yaml, environment: [String: String] = [:]) throws -> Runtime {
        let loaded = try ConfigLoader.load(yaml: yaml, file: "ud.yaml", environment: environment)
        return Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, environment: environment, serveHTTP: false))
    }

    @Test func walletSnapshotAndOrderRoundTripGoThroughTheUserDataStream() async throws {
        let runtime = try Self.makeRuntime()
        let events = await runtime.events()
        let seen = Mutex<[String]>([])  // written by the collector task, read by the test
        let collector = Task {
            for await event in events where event.kind == .orderEvent || event.kind == .connection {
                seen.withLock { $0.append(event.message) }
            }
        }
        try await runtime.start()
        defer { collector.cancel() }

        // The stream is up and the account snapshot is there (from the live AccountState).
        let streams = await runtime.userDataStreams()
        #expect(streams.count == 1)
        #expect(streams.first?.phase == "ready")
        #expect((streams.first?.wallets ?? 0) > 0)
        let issuedBefore = await runtime.nonceStats().first?.issued ?? 0
        let wallets = try await runtime.wallets()
        #expect(wallets.contains("\"USD\""))
        // No signed REST call was needed for that (the auth nonce is the only one so far).
        #expect(await runtime.nonceStats().first?.issued ?? 0 == issuedBefore)

        // Submit through WS: far from the market so it stays open.
        let cid: Int64 = 4_242_001
        let result = try await runtime.submitOrder(OrderRequest(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "0.01", price: "1000", cid: cid))
        #expect(result.contains("Submitted via WebSocket"))
        #expect(result.contains("\(cid)"))
        #expect(await runtime.nonceStats().first?.issued ?? 0 == issuedBefore)  // WS inputs need no nonce
        let orders = try await runtime.orders()
        #expect(orders.contains("\(cid)"))
        let afterSubmit = try #require(await runtime.userDataStreams().first)
        #expect(afterSubmit.inputsSent == 1 && afterSubmit.inputErrors == 0)
        #expect(afterSubmit.orders == 1)
        // The events are forwarded by a separate task: wait for the `os` snapshot + `on` to be counted.
        let counted = await eventually(timeout: .seconds(5)) {
            (await runtime.userDataStreams().first?.orderEvents ?? 0) >= 2
        }
        #expect(counted)

        // Cancel through WS as well; the order leaves `orders`.
        let placed = try #require(try Self.orderID(fromNotification: result))
        let updated = try await runtime.updateOrder(id: placed, price: "1001")
        #expect(updated.contains("Updated via WebSocket"))
        let rows = try JSONSerialization.jsonObject(with: Data(try await runtime.orders().utf8)) as? [[Any]] ?? []
        let row = try #require(rows.first { ($0.first as? NSNumber)?.int64Value == placed })
        #expect(row.count > 16 && (row[16] as? NSNumber)?.doubleValue == 1001)  // ORDER[16] = PRICE
        let cancelled = try await runtime.cancelOrder(id: placed)
        #expect(cancelled.contains("Cancelled via WebSocket"))
        #expect(try await !runtime.orders().contains("\(cid)"))

        // Events were published and counted.
        let sawEvents = await eventually(timeout: .seconds(5)) {
            let messages = seen.withLock { $0 }
            return messages.contains { $0.contains("wallet snapshot") } && messages.contains { $0.contains("order \(placed) new") }
                && messages.contains { $0.contains("order \(placed) closed") }
        }
        #expect(sawEvents, "events: \(seen.withLock { $0 })")
        let status = await runtime.status()
        #expect(status.userDataStreams == 1)
        #expect((status.userDataEvents ?? 0) >= 4)
        let snapshot = await runtime.snapshot()
        #expect(snapshot.userData?.first?.key == "demo")
        await runtime.stop()
        #expect(await runtime.userDataStreams().isEmpty)
    }

    @Test func rawFramesGoOutOnTheUserDataStream() async throws {
        let runtime = try Self.makeRuntime()
        await #expect(throws: RuntimeError.self) { try await runtime.sendRawFrame(#"{"event":"ping"}"#) }  // not running
        try await runtime.start()
        // Events are forwarded by a separate task: let the `ws` snapshot and the simulator's
        // initial `bu` be counted first, so the only later wallet event (no orders, so no fills)
        // is the `bu` answering the raw `calc`.
        #expect(await eventually(timeout: .seconds(5)) {
            (await runtime.userDataStreams().first?.walletEvents ?? 0) >= 2
        })
        let before = try #require(await runtime.userDataStreams().first)
        #expect(before.phase == "ready")

        // `calc balance` is answered with a `bu`, counted as a wallet event by the runtime.
        try await runtime.sendRawFrame(#"[0,"calc",null,[["balance"]]]"#)
        try await runtime.sendRawFrame(#"{"event":"ping","cid":9}"#, key: "demo")
        let answered = await eventually(timeout: .seconds(5)) {
            (await runtime.userDataStreams().first?.walletEvents ?? 0) > before.walletEvents
        }
        #expect(answered)
        #expect(await runtime.userDataStreams().first?.inputsSent == before.inputsSent + 2)

        // Refused by the client: auth (nonces only come from the nonce manager) and non-JSON.
        for frame in [#"{"event":"auth","apiKey":"k"}"#, "not json"] {
            do {
                try await runtime.sendRawFrame(frame)
                Issue.record("accepted \(frame)")
            } catch RuntimeError.callFailed(let reason) {
                #expect(reason.contains("raw frame"), "\(reason)")
            }
        }
        #expect(await runtime.userDataStreams().first?.inputErrors == before.inputErrors + 2)
        await #expect(throws: RuntimeError.self) { try await runtime.sendRawFrame("{}", key: "nope") }
        await runtime.stop()
    }

    @Test func rawFramesWithoutAUserDataStreamExplainTheConfiguration() async throws {
        let runtime = try Self.makeRuntime(Self.simulatorYAML(connections: nil))
        try await runtime.start()
        do {
            try await runtime.sendRawFrame(#"{"event":"ping"}"#)
            Issue.record("raw frame accepted without a user-data stream")
        } catch RuntimeError.callFailed(let reason) {
            #expect(reason.contains("connections[].key"), "\(reason)")
        }
        await runtime.stop()
    }

    @Test func withoutAUserDataConnectionQueriesAndOrdersUseSignedREST() async throws {
        let runtime = try Self.makeRuntime(Self.simulatorYAML(connections: nil))
        try await runtime.start()
        #expect(await runtime.userDataStreams().isEmpty)
        let before = await runtime.nonceStats().first?.issued ?? 0
        _ = try await runtime.wallets()
        let result = try await runtime.submitOrder(OrderRequest(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "0.01", price: "1000"))
        #expect(!result.contains("via WebSocket"))
        #expect(await runtime.nonceStats().first?.issued ?? 0 == before + 2)
        await runtime.stop()
    }

    @Test func aRejectedKeyFailsStartWithAuthFailed() async throws {
        // A second runtime points at the first one's simulator with a key that simulator does not know.
        let (host, ws, rest) = try await Self.startHost(seed: 5)
        let env = ["BAD_KEY": "not-a-key-known-here", "BAD_SECRET": "wrong-secret"]
        let runtime = try Self.makeRuntime("""
        endpoint: {ws_public: "\(ws)", ws_auth: "\(ws)", rest_public: "\(rest)"}
        keys: [{name: bad, api_key: "${BAD_KEY}", api_secret: "${BAD_SECRET}"}]
        connections: [{name: account, key: bad}]
        metrics: {enabled: false}
        websocket: {reconnect: {max_attempts: 1}}
        """, environment: env)
        await #expect {
            try await runtime.start()
        } throws: { error in
            guard case RuntimeError.authFailed(let message) = error else { return false }
            return message.contains("bad") && !message.contains("wrong-secret")
        }
        #expect(await runtime.currentPhase == .stopped)
        await host.stop()
    }

    @Test func headlessRunExitsThreeWhenTheUserDataKeyIsRejected() async throws {
        let (host, ws, rest) = try await Self.startHost(seed: 6)
        // RuntimeHost reads the process environment; these names are used by this test only.
        setenv("BFXRUN_TEST_REJECTED_KEY", "unknown-to-this-simulator", 1)
        setenv("BFXRUN_TEST_REJECTED_SECRET", "wrong", 1)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bfxrun-badkey-\(UUID().uuidString).yaml")
        try """
        endpoint: {ws_public: "\(ws)", ws_auth: "\(ws)", rest_public: "\(rest)"}
        keys: [{name: bad, api_key: "${BFXRUN_TEST_REJECTED_KEY}", api_secret: "${BFXRUN_TEST_REJECTED_SECRET}"}]
        connections: [{name: account, key: bad}]
        metrics: {enabled: false}
        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        var options = RunOptions(configPath: file.path)
        options.duration = 5
        options.logLevel = .critical
        let code = await RuntimeHost.run(options) { _ in }
        #expect(code == RuntimeExitCode.authFatal)
        await host.stop()
    }

    @Test func sharedUserDataRunsAccountAndChannelsOnOneConnection() async throws {
        let runtime = try Self.makeRuntime(Self.simulatorYAML(connections: """
            [{name: account, key: demo, user_data: shared, channels: [{channel: ticker, symbol: tBTCUSD}, {channel: book, symbol: tBTCUSD}]}]
            """))
        try await runtime.start()
        #expect(await runtime.userDataStreams().first?.phase == "ready")
        let subscribed = await eventually(timeout: .seconds(10)) {
            let channels = await runtime.channels()
            return channels.count == 2 && channels.allSatisfy { $0.chanId != nil }
        }
        #expect(subscribed)
        // One physical socket for both, at the client and at the simulator.
        #expect(await runtime.status().connections == 1)
        let simulatorStats = await runtime.simulator?.stats()
        #expect(simulatorStats?.connections == 1)
        let used = Set(await runtime.channels().compactMap(\.connection))
        #expect(used.count == 1)
        let result = try await runtime.submitOrder(OrderRequest(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "0.01", price: "1000", cid: 4_242_002))
        #expect(result.contains("Submitted via WebSocket"))
        let placed = try #require(try Self.orderID(fromNotification: result))
        #expect(try await runtime.cancelOrder(id: placed).contains("Cancelled via WebSocket"))
        await runtime.stop()
    }

    @Test func userDataKeyIsValidated() throws {
        let cases: [(String, String)] = [
            ("keys: [{name: k}]\nconnections: [{name: a, user_data: shared}]", "applies only to a connection with a key"),
            ("keys: [{name: k}]\nconnections: [{name: a, key: k, user_data: share}]", "not allowed"),
            ("keys: [{name: k}]\nconnections: [{name: a, key: k, user_data: shared}, {name: b, key: k}]", "user_data shared and separate"),
        ]
        for (yaml, message) in cases {
            do {
                _ = try ConfigLoader.load(yaml: yaml, file: "ud.yaml", environment: [:])
                Issue.record("accepted: \(yaml)")
            } catch {
                let issue = error.issues.first { $0.path.hasSuffix("user_data") }
                #expect(issue?.message.contains(message) == true, "\(error.issues.map(\.message))")
            }
        }
        let loaded = try ConfigLoader.load(yaml: "keys: [{name: k}]\nconnections: [{name: a, key: k, user_data: shared}]",
                                           file: "ud.yaml", environment: [:])
        #expect(loaded.config.connections.first?.userData == .shared)
        #expect(try ConfigLoader.load(yaml: "keys: [{name: k}]\nconnections: [{name: a, key: k}]", file: "ud.yaml", environment: [:])
            .config.connections.first?.userData == .separate)
    }

    static func orderID(fromNotification text: String) throws -> Int64? {
        let data = Data(text.utf8)
        guard let array = try JSONSerialization.jsonObject(with: data) as? [Any], array.count > 4,
              let orders = array[4] as? [Any], let first = orders.first as? [Any], let id = first.first as? NSNumber else { return nil }
        return id.int64Value
    }
}
