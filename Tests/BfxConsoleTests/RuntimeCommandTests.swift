import BfxProtocol
import Testing
import BfxConsole

@Suite struct RuntimeCommandTests {
    @Test func statusTableAndJSON() async throws {
        let harness = ConsoleHarness()
        let table = await harness.run("status")
        #expect(table.status == 0)
        #expect(table.out.contains("endpoint           simulator (ws://127.0.0.1:40001/ws/2)"))
        #expect(table.out.contains("connections_up     2"))
        let json = try await harness.json("status")
        #expect(json["simulator"] == .bool(true))
        #expect(json["uptime_s"] == .decimal("42.5"))
        #expect(json["log_level"] == .string("info"))
        #expect((await harness.run("status extra")).status == 2)
    }

    @Test func connectionsTableIsAligned() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("connections")
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].hasPrefix("ID        KIND    STATE"))
        #expect(lines[1].hasPrefix("public-1  public  connected"))
        #expect(lines[2].hasPrefix("auth      auth    connected"))
        let json = try await harness.json("conns")
        guard case .array(let rows) = json else { Issue.record("not an array"); return }
        #expect(rows.count == 2)
        #expect(rows[1]["reconnects"] == .decimal("1"))
        #expect(rows[0]["last_msg_age_s"] == .decimal("0.4"))
    }

    @Test func channelsListsIDs() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("channels")
        #expect(result.out.contains("s1  public-1    book:tBTCUSD:P0:F0:25"))
        let ndjson = await harness.run("channels --ndjson")
        #expect(ndjson.out.split(separator: "\n").count == 3)
        #expect(ndjson.out.hasPrefix(#"{"id":"s1","connection":"public-1","spec":"book:tBTCUSD:P0:F0:25","chan_id":17"#))
    }

    @Test func subscribeBuildsSpecs() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("subscribe ticker tETHUSD")).status == 0)
        #expect((await harness.run("subscribe book tBTCUSD --prec p1 --len 100 --freq F1")).status == 0)
        #expect((await harness.run("sub rawbook tBTCUSD --len 1 --conn public-1")).status == 0)
        #expect((await harness.run("subscribe candles trade:5m:tBTCUSD")).status == 0)
        #expect((await harness.run("subscribe status:deriv:tBTCF0:USTF0")).status == 0)
        let json = try await harness.json("subscribe trades fUSD")
        #expect(json["spec"] == .string("trades:fUSD"))
        #expect(await harness.backend.actions == [
            "subscribe ticker:tETHUSD -", "subscribe book:tBTCUSD:P1:F1:100 -", "subscribe rawbook:tBTCUSD:1 public-1",
            "subscribe candles:trade:5m:tBTCUSD -", "subscribe status:deriv:tBTCF0:USTF0 -", "subscribe trades:fUSD -",
        ])
    }

    @Test func subscribeRejectsBadInput() async {
        let harness = ConsoleHarness()
        for line in ["subscribe", "subscribe nonsense tBTCUSD", "subscribe ticker BTCUSD", "subscribe book tBTCUSD --prec P9",
                     "subscribe ticker tBTCUSD --prec P0", "subscribe book tBTCUSD --len 9999", "subscribe book tBTCUSD --bogus 1",
                     "subscribe ticker tBTCUSD extra"] {
            let result = await harness.run(line)
            #expect(result.status == 2, "\(line)")
            #expect(result.err.contains("usage: subscribe"), "\(line): \(result.err)")
        }
        #expect(await harness.backend.actions.isEmpty)
    }

    @Test func unsubscribeAndUnknownChannel() async throws {
        let harness = ConsoleHarness()
        let ok = await harness.run("unsubscribe s2")
        #expect(ok.out == "unsubscribed s2\n")
        let missing = await harness.run("unsubscribe s99")
        #expect(missing.status == 1)
        #expect(missing.err == "error: no subscription with id s99 (see `channels`)\n")
    }

    @Test func reconnectOneOrAll() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("reconnect")).out == "reconnecting: public-1, auth\n")
        let json = try await harness.json("reconnect auth")
        #expect(json == .fields([JSONObject.Member("reconnecting", .array(["auth"]))]))
        #expect((await harness.run("reconnect nope")).status == 1)
    }

    @Test func alertsTable() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("alerts")
        #expect(result.out.contains("reconnect-storm  reconnects  firing"))
        let json = try await harness.json("alerts")
        #expect(json == .array([.fields([
            JSONObject.Member("name", "reconnect-storm"), JSONObject.Member("kind", "reconnects"), JSONObject.Member("state", "firing"),
            JSONObject.Member("value", "6"), JSONObject.Member("threshold", "5/60s"), JSONObject.Member("episodes", .decimal("1")),
        ])]))
    }

    @Test func faultOnSimulator() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("fault stall 5")).out == "injected stall 5\n")
        #expect(try await harness.json("fault list") == .array(["drop", "stall", "checksum"]))
        #expect((await harness.run("fault")).status == 2)
        #expect(await harness.backend.actions == ["fault stall 5"])
    }

    @Test func faultAgainstLiveEndpointIsAClearError() async {
        let harness = ConsoleHarness(backend: FakeConsoleBackend(simulator: false, live: true))
        let result = await harness.run("fault drop")
        #expect(result.status == 1)
        #expect(result.err.contains("fault injection needs the embedded simulator"))
        #expect(await harness.backend.actions.isEmpty)
    }
}
