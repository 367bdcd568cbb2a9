import BfxProtocol
import Testing
@testable import BfxConsole

/// `funding offer new|cancel` against the fake backend.
@Suite struct FundingCommandTests {
    @Test func offersReachTheBackend() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("funding offer new fUSD 100 0.0002 2")).status == 0)
        #expect((await harness.run("funding offer new fBTC -0.5 0.001 30 --type frrdeltavar --flags 64")).status == 0)
        #expect((await harness.run("funding offer cancel 77")).status == 0)
        #expect(await harness.backend.actions == ["fon LIMIT fUSD 100 0.0002 2 0", "fon FRRDELTAVAR fBTC -0.5 0.001 30 64", "foc 77"])
        let json = try await harness.json("funding offer new fUSD 1 0.0001 2")
        #expect(json["type"] == .string("fon-req"))
        #expect(json["offer"]?["id"] == .decimal("77"))
    }

    @Test func invalidOffersAreUsageErrors() async {
        let harness = ConsoleHarness()
        for line in ["funding", "funding offers", "funding offer", "funding offer list", "funding offer new tBTCUSD 1 0.0002 2",
                     "funding offer new fUSD 0 0.0002 2", "funding offer new fUSD 1 -0.0002 2", "funding offer new fUSD 1 0.0002 1",
                     "funding offer new fUSD 1 0.0002 121", "funding offer new fUSD 1 0.0002", "funding offer new fUSD 1 0.0002 2 extra",
                     "funding offer new fUSD 1 0.0002 2 --type bogus", "funding offer cancel", "funding offer cancel x"] {
            let result = await harness.run(line)
            #expect(result.status == 2, "\(line) -> \(result.status) \(result.err)")
        }
        #expect(await harness.backend.actions.isEmpty)
    }

    @Test func liveEndpointsNeedConfirmation() async {
        let script = ConsoleHarness(backend: FakeConsoleBackend(simulator: false, live: true))
        let refused = await script.run("funding offer new fUSD 100 0.0002 2")
        #expect(refused.status == 1 && refused.err.contains("repeat with --yes"))
        #expect((await script.run("funding offer cancel 5")).status == 1)
        #expect(await script.backend.actions.isEmpty)
        #expect((await script.run("funding offer cancel 5 --yes")).status == 0)
        #expect(await script.backend.actions == ["foc 5"])
    }

    @Test func completion() {
        let completer = ConsoleCompleter(registry: .standard, data: ConsoleCompletionData(symbols: ["tBTCUSD", "fUSD"]))
        #expect(completer.candidates(forLinePrefix: "funding ") == ["offer"])
        #expect(completer.candidates(forLinePrefix: "funding offer ") == ["cancel", "new"])
        #expect(completer.candidates(forLinePrefix: "funding offer new ") == ["fUSD"])
        #expect(completer.candidates(forLinePrefix: "funding offer new fUSD 1 0.1 2 --type f") == ["frrdeltafix", "frrdeltavar"])
    }
}
