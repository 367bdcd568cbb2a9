import BfxProtocol
import Testing
@testable import BfxConsole

@Suite struct GatewayCommandTests {
    @Test func clientsTableAndNDJSON() async throws {
        let harness = ConsoleHarness()
        let table = await harness.run("gateway clients")
        #expect(table.status == 0)
        #expect(table.out.contains("127.0.0.1:50000"))
        #expect(table.out.contains("book:tBTCUSD:P0:F0:25 trades:tBTCUSD"))
        let ndjson = await harness.run("gateway clients --ndjson")
        #expect(ndjson.out == #"""
            {"id":1,"remote":"127.0.0.1:50000","channels":"book:tBTCUSD:P0:F0:25 trades:tBTCUSD","frames_out":1200,"dropped":0,"queued":3,"lag_ms":0.4,"errors":1}

            """#)
    }

    @Test func kickClosesAKnownClientAndRejectsBadInput() async throws {
        let harness = ConsoleHarness()
        let ok = await harness.run("gateway kick 1")
        #expect(ok.status == 0)
        #expect(ok.out.contains("gateway client 1 closed"))
        #expect(await harness.backend.actions.contains("gateway kick 1"))
        let unknown = await harness.run("gateway kick 7")
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("no gateway client 7"))
        for bad in ["gateway kick", "gateway kick x", "gateway kick -1", "gateway nope", "gateway clients extra"] {
            let result = await harness.run(bad)
            #expect(result.status != 0, "\(bad) must fail")
            #expect(!result.err.isEmpty)
        }
    }

    @Test func logListsSignedCallsWithoutSecrets() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("gateway log --limit 5 --ndjson")
        #expect(result.status == 0)
        #expect(result.out.contains("\"local_key\":\"bot-a\""))
        #expect(result.out.contains("\"outcome\":\"forwarded\""))
        #expect(await harness.run("gateway log --limit 0").status != 0)
    }
}
