import Testing
import BfxConsole

@Suite struct RequestCommandTests {
    @Test func callPassesMethodPathBodyPriority() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("call GET platform/status")).out == "[\n  1\n]\n")
        let wallets = await harness.run(#"call post /v2/auth/r/orders {"id":[1,2]} --priority high"#)
        #expect(wallets.status == 0)
        #expect(wallets.out == "ok     yes\nprice  0.0000007\n")
        let calls = await harness.backend.restCalls
        #expect(calls.count == 2)
        #expect(calls[1].method == "POST" && calls[1].path == "auth/r/orders" && calls[1].body == #"{"id":[1,2]}"# && calls[1].priority == "high")
        let json = try await harness.json("call POST auth/r/wallets")
        #expect(json == .array([.array(["exchange", "USD", .decimal("10000"), .decimal("0"), .decimal("9000")])]))
    }

    @Test func callValidates() async {
        let harness = ConsoleHarness()
        for line in ["call", "call PUT x", "call GET", "call GET ../etc/passwd", "call GET platform/status {}",
                     "call POST auth/r/orders '{bad json}'", "call POST auth/r/orders {\"a\":1} extra", "call GET a --priority"] {
            let result = await harness.run(line)
            #expect(result.status == 2, "\(line): \(result.err)")
        }
        #expect(await harness.backend.restCalls.isEmpty)
        let unbalanced = await harness.run(#"call POST auth/r/orders {"a":1"#)
        #expect(unbalanced.status == 2)
        #expect(unbalanced.err.contains("unbalanced JSON"))
    }

    @Test func liveWritesAskForConfirmation() async {
        let harness = ConsoleHarness(backend: FakeConsoleBackend(simulator: false, live: true))
        #expect((await harness.run("call POST auth/w/order/cancel/multi {\"all\":1}")).status == 1)
        #expect((await harness.run("call POST auth/r/wallets")).status == 0)
        #expect((await harness.run("call POST auth/w/order/cancel/multi {\"all\":1} --yes")).status == 0)
        #expect(await harness.backend.restCalls.map(\.path) == ["auth/r/wallets", "auth/w/order/cancel/multi"])
    }

    @Test func wsSend() async {
        let harness = ConsoleHarness()
        let result = await harness.run(#"ws send {"event":"ping","cid":42} --conn auth"#)
        #expect(result.out == "sent 25 bytes on auth\n")
        #expect((await harness.run("ws send '[0,\"calc\",null,[[\"balance\"]]]'")).status == 0)
        #expect((await harness.run("ws send notjson")).status == 2)
        #expect((await harness.run("ws recv {}")).status == 2)
        #expect(await harness.backend.actions == [#"ws auth {"event":"ping","cid":42}"#, #"ws - [0,"calc",null,[["balance"]]]"#])
    }

    @Test func nonceOverviewAndPerKey() async throws {
        let harness = ConsoleHarness()
        let overview = await harness.run("nonce")
        #expect(overview.out.hasPrefix("keys\nKEY   STORE"))
        #expect(overview.out.contains("recent issues (newest first)"))
        #expect(overview.out.contains("1700000000123456"))
        let json = try await harness.json("nonce main --limit 1")
        #expect(json["key"]?["store"] == .string("file:/var/lib/bfx/nonce"))
        guard case .array(let recent)? = json["recent"] else { Issue.record("no recent"); return }
        #expect(recent.count == 1)
        let missing = await harness.run("nonce other")
        #expect(missing.status == 1)
        #expect(missing.err.contains("no API key named other (keys: main)"))
    }

    @Test func queueTable() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("queue")
        #expect(result.out.contains("main  normal        3   1000"))
        let ndjson = await harness.run("queues --ndjson")
        #expect(ndjson.out == #"""
            {"key":"main","priority":"critical","depth":0,"limit":100,"oldest_wait_ms":null}
            {"key":"main","priority":"normal","depth":3,"limit":1000,"oldest_wait_ms":12.5}

            """#)
    }
}
