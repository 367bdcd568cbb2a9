import BfxProtocol
import Testing
@testable import BfxConsole

/// `order cancel-multi` against the fake backend: parsing, validation, confirmation, output.
@Suite struct OrderCancelMultiCommandTests {
    @Test func selectionsReachTheBackend() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("order cancel-multi --ids 1,2,3")).status == 0)
        #expect((await harness.run("order cancel-multi --gids 7")).status == 0)
        #expect((await harness.run("order cancel-multi --cids 11:2026-11-25,12:2026-11-24")).status == 0)
        #expect((await harness.run("order cancel-multi --all")).status == 0)
        #expect(await harness.backend.actions == [
            #"cancel-multi {"id":[1,2,3]}"#,
            #"cancel-multi {"gid":[7]}"#,
            #"cancel-multi {"cid":[[11,"2026-11-25"],[12,"2026-11-24"]]}"#,
            #"cancel-multi {"all":1}"#,
        ])
    }

    @Test func rendersLikeTheOtherOrderCommands() async throws {
        let harness = ConsoleHarness()
        let json = try await harness.json("order cancel-multi --ids 5")
        #expect(json["type"] == .string("oc_multi-req"))
        #expect(json["status"] == .string("SUCCESS"))
        let table = await harness.run("order cancel-multi --ids 5")
        #expect(table.status == 0 && table.out.contains("oc_multi-req"), "\(table.out)")
        let ndjson = await ConsoleHarness(format: .ndjson).run("order cancel-multi --ids 5")
        #expect(ndjson.status == 0 && ndjson.out.split(separator: "\n").count == 1, "\(ndjson.out)")
        let plain = await ConsoleHarness(format: .plain).run("order cancel-multi --ids 5")
        #expect(plain.status == 0 && plain.out.contains("oc_multi-req"), "\(plain.out)")
    }

    @Test func invalidSelectionsAreUsageErrors() async {
        let harness = ConsoleHarness()
        for line in ["order cancel-multi", "order cancel-multi --ids 1 --all", "order cancel-multi --ids", "order cancel-multi --ids 1,,2",
                     "order cancel-multi --ids 1,x", "order cancel-multi --ids -1", "order cancel-multi --gids 0",
                     "order cancel-multi --cids 5", "order cancel-multi --cids 5:2026-13-01", "order cancel-multi --cids x:2026-11-25",
                     "order cancel-multi --all extra", "order cancel-multi --ids 1 --gids 2"] {
            let result = await harness.run(line)
            #expect(result.status == 2, "\(line) -> \(result.status) \(result.err)")
        }
        #expect(await harness.backend.actions.isEmpty)
    }

    @Test func liveEndpointsNeedConfirmation() async {
        let script = ConsoleHarness(backend: FakeConsoleBackend(simulator: false, live: true))
        let refused = await script.run("order cancel-multi --ids 1,2")
        #expect(refused.status == 1)
        #expect(refused.err.contains("repeat with --yes"))
        #expect(await script.backend.actions.isEmpty)
        #expect((await script.run("order cancel-multi --ids 1,2 --yes")).status == 0)
        #expect(await script.backend.actions == [#"cancel-multi {"id":[1,2]}"#])

        let declining = ConsoleHarness(backend: FakeConsoleBackend(simulator: false, live: true), confirm: { _ in false })
        #expect((await declining.run("order cancel-multi --all")).status != 0)
        #expect(await declining.backend.actions.isEmpty)
        let accepting = ConsoleHarness(backend: FakeConsoleBackend(simulator: false, live: true),
                                       confirm: { question in question.contains("LIVE") && question.contains("orders 3, 4") })
        #expect((await accepting.run("order cancel-multi --ids 3,4")).status == 0)
        #expect(await accepting.backend.actions == [#"cancel-multi {"id":[3,4]}"#])
    }

    @Test func completesTheSelectionOptions() {
        let completer = ConsoleCompleter(registry: .standard, data: ConsoleCompletionData(symbols: ["tBTCUSD"]))
        #expect(completer.candidates(forLinePrefix: "order cancel-multi ") == ["--all", "--cids", "--gids", "--ids"])
    }
}
