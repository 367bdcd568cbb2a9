import BfxProtocol
import Testing
import BfxConsole

@Suite struct MarketAccountCommandTests {
    @Test func tickerRecord() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("ticker tBTCUSD")
        #expect(result.out.contains("bid               30000\n"))
        let json = try await harness.json("ticker tBTCUSD")
        #expect(json["last"] == .string("30000.5"))
        let unknown = await harness.run("ticker tXYZUSD")
        #expect(unknown.status == 1)
        #expect(unknown.err.contains("no data for symbol tXYZUSD"))
        #expect((await harness.run("ticker")).status == 2)
        #expect((await harness.run("ticker $$$")).status == 2)
    }

    @Test func tradesWithLimit() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("trades tETHUSD 2")
        let lines = result.out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4)
        #expect(lines[1] == "1000  1700000000000  buy   0.5     30000")
        #expect(lines[2] == " 999  1699999999000  sell  0.25    30000")
        #expect((await harness.run("trades tETHUSD 0")).status == 2)
        #expect((await harness.run("trades tETHUSD lots")).status == 2)
    }

    @Test func bookSideBySideAndJSON() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("book tBTCUSD 3")
        #expect(result.out.hasPrefix("tBTCUSD P0  checksum: ok (0 mismatches)\n"))
        #expect(result.out.contains("30000  30001"))
        #expect(result.out.contains("0.0000007"))
        let json = try await harness.json("book tBTCUSD 2")
        guard case .array(let bids)? = json["bids"], case .array(let asks)? = json["asks"] else {
            Issue.record("bids/asks missing"); return
        }
        #expect(bids.count == 2 && asks.count == 2)
        #expect(asks[0]["amount"] == .string("0.0000007"))
        #expect(json["checksum_ok"] == .bool(true))
        #expect((await harness.run("book tBTCUSD 999")).status == 2)
    }

    /// One sign convention for book amounts in every output format: positive on both sides, the
    /// side given by the column (tables) or the `bids`/`asks` list (JSON). The fake backend hands
    /// the asks over with the wire's minus sign.
    @Test func bookAmountsArePositiveInEveryFormat() async throws {
        for format in [OutputFormat.table, .plain, .json, .ndjson] {
            let result = await ConsoleHarness(format: format).run("book tBTCUSD 2")
            #expect(result.status == 0)
            #expect(result.out.contains("0.0000007"), "\(format): \(result.out)")
            #expect(!result.out.contains("-0.0000007"), "\(format) shows a negative ask amount: \(result.out)")
        }
        #expect(ConsoleBookLevel(price: "1", count: 1, amount: "-2.5").amount == "2.5")
        #expect(ConsoleBookLevel(price: "1", count: 1, amount: "2.5").amount == "2.5")
    }

    /// Trades and orders follow the same convention: a `side` column and a positive amount (the
    /// fake backend hands over the wire's signed amounts).
    @Test func tradesAndOrdersHaveSideAndPositiveAmount() async throws {
        let harness = ConsoleHarness()
        guard case .array(let trades) = try await harness.json("trades tBTCUSD 3") else { Issue.record("no array"); return }
        #expect(trades.map { $0["side"] } == [.string("buy"), .string("sell"), .string("buy")])
        #expect(trades[1]["amount"] == .string("0.25"))
        let table = await harness.run("trades tBTCUSD 3")
        #expect(table.out.contains("SIDE") && !table.out.contains("-0.25"), "\(table.out)")
        let sell = ConsoleOrder(id: 1, symbol: "tBTCUSD", type: "EXCHANGE LIMIT", amount: "-0.5", amountOrig: "-1", status: "ACTIVE")
        #expect(sell.side == "sell" && sell.amount == "0.5" && sell.amountOrig == "1")
        let filled = ConsoleOrder(id: 2, symbol: "tBTCUSD", type: "EXCHANGE LIMIT", amount: "0", amountOrig: "-1", status: "EXECUTED")
        #expect(filled.side == "sell")
    }

    @Test func candlesByKeyOrSymbolAndTimeframe() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("candles trade:1m:tBTCUSD 5")).status == 0)
        #expect((await harness.run("candles tBTCUSD 15m")).status == 0)
        #expect((await harness.run("candles tBTCUSD 2m")).status == 2)
        #expect(await harness.backend.actions == ["candles trade:1m:tBTCUSD 5", "candles trade:15m:tBTCUSD 20"])
        let json = try await harness.json("candles tBTCUSD 1m")
        #expect(json == .array([.fields([
            JSONObject.Member("mts", .decimal("1700000060000")), JSONObject.Member("open", "1"), JSONObject.Member("close", "2"),
            JSONObject.Member("high", "3"), JSONObject.Member("low", "0.5"), JSONObject.Member("volume", "10"),
        ])]))
    }

    @Test func walletsOrdersPositions() async throws {
        let harness = ConsoleHarness()
        let wallets = await harness.run("wallets")
        #expect(wallets.out.contains("exchange  BTC       1.5      -"))
        let orders = try await harness.json("orders")
        #expect(orders == .array([.fields([
            JSONObject.Member("id", .decimal("55")), JSONObject.Member("cid", .decimal("7")), JSONObject.Member("symbol", "tBTCUSD"),
            JSONObject.Member("type", "EXCHANGE LIMIT"), JSONObject.Member("side", "buy"), JSONObject.Member("amount", "0.1"),
            JSONObject.Member("amount_orig", "0.1"),
            JSONObject.Member("price", "29000"), JSONObject.Member("status", "ACTIVE"),
        ])]))
        let positions = await harness.run("positions")
        #expect(positions.out.contains("(no rows)"))
        #expect(try await harness.json("positions") == .array([]))
    }

    @Test func orderNewBuildsTheRequest() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("order new tBTCUSD 0.01 30000")).status == 0)
        #expect((await harness.run("order new tBTCUSD -0.5 --type exchange-market --cid 42")).status == 0)
        #expect((await harness.run(#"order new tETHUSD 1 2000 --type "LIMIT" --flags 4096 --lev 5"#)).status == 0)
        #expect(await harness.backend.submitted == [
            ConsoleOrderRequest(symbol: "tBTCUSD", type: "EXCHANGE LIMIT", amount: "0.01", price: "30000"),
            ConsoleOrderRequest(symbol: "tBTCUSD", type: "EXCHANGE MARKET", amount: "-0.5", cid: 42),
            ConsoleOrderRequest(symbol: "tETHUSD", type: "LIMIT", amount: "1", price: "2000", flags: 4096, leverage: 5),
        ])
        let json = try await harness.json("order new tBTCUSD 1 1")
        #expect(json["id"] == .decimal("56"))
    }

    @Test func orderNewValidates() async {
        let harness = ConsoleHarness()
        for line in ["order", "order new", "order new tBTCUSD", "order new tBTCUSD 0 100", "order new tBTCUSD 1e3 100",
                     "order new tBTCUSD 1 -5", "order new tBTCUSD 1 --type limit", "order new tBTCUSD 1 100 --type market",
                     "order new tBTCUSD 1 100 --type bogus", "order new tBTCUSD 1 100 --lev 500", "order frobnicate",
                     "order update 5", "order update abc --price 1", "order cancel -3", "order cancel-all now"] {
            let result = await harness.run(line)
            #expect(result.status == 2, "\(line) -> \(result.status) \(result.err)")
        }
        #expect(await harness.backend.submitted.isEmpty)
    }

    @Test func orderUpdateCancelCancelAll() async throws {
        let harness = ConsoleHarness()
        #expect((await harness.run("order update 55 --price 29500 --delta -0.01")).status == 0)
        #expect((await harness.run("order cancel 55")).status == 0)
        #expect(try await harness.json("order cancel-all") == .fields([JSONObject.Member("cancelled", .decimal("1"))]))
        #expect(await harness.backend.actions == ["update 55 29500 - -0.01", "cancel 55", "cancel-all"])
    }

    @Test func liveOrdersNeedConfirmation() async {
        // Script mode (no confirm handler): refused without --yes.
        let script = ConsoleHarness(backend: FakeConsoleBackend(simulator: false, live: true))
        let refused = await script.run("order new tBTCUSD 0.01 30000")
        #expect(refused.status == 1)
        #expect(refused.err.contains("repeat with --yes"))
        #expect((await script.run("order new tBTCUSD 0.01 30000 --yes")).status == 0)
        #expect((await script.run("order cancel-all")).status == 1)
        #expect(await script.backend.submitted.count == 1)

        // Interactive: the answer decides.
        let declining = ConsoleHarness(backend: FakeConsoleBackend(simulator: false, live: true), confirm: { _ in false })
        let declined = await declining.run("order cancel 5")
        #expect(declined.err == "error: not sent (not confirmed)\n")
        #expect(await declining.backend.actions.isEmpty)
        let accepting = ConsoleHarness(backend: FakeConsoleBackend(simulator: false, live: true), confirm: { question in question.contains("LIVE") })
        #expect((await accepting.run("order cancel 5")).status == 0)
        #expect(await accepting.backend.actions == ["cancel 5"])
    }
}
