import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

@Suite("Simulator units")
struct UnitTests {
    @Test(arguments: [
        ("6000", "6000"), ("0.0000007", "7e-7"), ("0.000000017", "1.7e-8"), ("0.000001", "0.000001"),
        ("-0.5", "-0.5"), ("123.4500", "123.45"), ("0", "0"), ("1e-7", "1e-7"), ("0.00012345", "0.00012345"),
    ])
    func fixedRendersLikeJavaScript(input: String, expected: String) throws {
        let value = try #require(Fixed(parsing: Substring(input)))
        #expect(value.jsText == expected)
        #expect(Fixed(parsing: Substring(value.jsText)) == value)
        // the same text BfxProtocol's JavaScript number formatting gives for the double
        #expect(WireNumber(value.double)?.text == expected)
    }

    @Test func fixedRejectsGarbageAndExcessPrecision() {
        #expect(Fixed(parsing: "abc") == nil)
        #expect(Fixed(parsing: "1.2.3") == nil)
        #expect(Fixed(parsing: "0.000000000001") == nil)
        #expect(Fixed(parsing: "") == nil)
    }

    @Test func significantFigureRounding() throws {
        let price = try #require(Fixed(parsing: "60123.4"))
        #expect(price.roundedToSignificantFigures(4, up: false).jsText == "60120")
        #expect(price.roundedToSignificantFigures(4, up: true).jsText == "60130")
        #expect(price.roundedToSignificantFigures(1, up: false).jsText == "60000")
        let small = try #require(Fixed(parsing: "0.000012345"))
        #expect(small.roundedToSignificantFigures(3, up: false).jsText == "0.0000123")
    }

    @Test func timeframeBuckets() {
        let mts: Int64 = 1_700_000_123_456 // 2023-11-14T22:15:23Z
        #expect(Timeframe.m1.bucketStart(mts) == 1_700_000_100_000)
        #expect(Timeframe.h1.bucketStart(mts) == 1_699_999_200_000)
        #expect(Timeframe.month.bucketStart(mts) == 1_698_796_800_000) // 2023-11-01
        #expect(Timeframe.month.previousBucket(1_698_796_800_000) == 1_696_118_400_000) // 2023-10-01
    }

    @Test func seededMarketsAreDeterministic() {
        var idsA = IdAllocator(seed: 9)
        var idsB = IdAllocator(seed: 9)
        var a = Market(symbol: "tBTCUSD", seed: 9, now: 1_700_000_000_000, depth: 50, tradeHistory: 50, candleHistory: 10, ids: &idsA)
        var b = Market(symbol: "tBTCUSD", seed: 9, now: 1_700_000_000_000, depth: 50, tradeHistory: 50, candleHistory: 10, ids: &idsB)
        for i in 0..<500 {
            _ = a.step(now: 1_700_000_000_000 + Int64(i), ids: &idsA)
            _ = b.step(now: 1_700_000_000_000 + Int64(i), ids: &idsB)
        }
        #expect(a.book.rawBids == b.book.rawBids && a.book.rawAsks == b.book.rawAsks)
        #expect(a.trades == b.trades)
        // the book never crosses
        if let bid = a.book.bestBid, let ask = a.book.bestAsk { #expect(bid < ask) }
    }

    @Test func faultJSONParsing() throws {
        let stall = try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"stall","connection":2,"seconds":1.5}"#).object))
        #expect(stall == .stall(connection: 2, duration: .milliseconds(1500)))
        // One vocabulary: documented defaults where a parameter is missing, an error where one is required.
        #expect(try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"maintenance"}"#).object)) == .maintenance(duration: .seconds(5)))
        #expect(throws: SimulatorFaultParseError.self) {
            try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"drop_connection"}"#).object))
        }
        #expect(throws: SimulatorFaultParseError.self) {
            try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"stall","seconds":-1}"#).object))
        }
        for name in FaultName.names where name != "drop_connection" {
            #expect(try SimulatorFault(json: try #require(JSONValue.parse("{\"fault\":\"\(name)\"}").object)).name == name)
        }
        // Earlier camelCase names and console short forms still parse to the same faults.
        for (alias, name) in FaultName.aliases where name != .dropConnection {
            #expect(try SimulatorFault(json: try #require(JSONValue.parse("{\"fault\":\"\(alias)\"}").object)).kind == name)
        }
        #expect(try SimulatorFault.parse(words: ["stall", "2.5"]) == .stall(connection: nil, duration: .milliseconds(2500)))
        #expect(try SimulatorFault.parse(words: ["latency", "200"]) == .latency(.milliseconds(200)))
        #expect(try SimulatorFault.parse(words: ["nonce", "3"]) == .rejectNextNonce(apiKey: nil, count: 3))
        #expect(try SimulatorFault.parse(words: ["funding_checksum"]) == .wrongFundingChecksums)
        #expect(try SimulatorFault.parse(words: ["funding-checksum"]).summary == "funding_checksum")
        #expect(try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"wrongFundingChecksums"}"#).object)) == .wrongFundingChecksums)
        #expect(throws: SimulatorFaultParseError.self) { try SimulatorFault.parse(words: ["explode"]) }
        #expect(throws: SimulatorFaultParseError.self) { try SimulatorFault.parse(words: ["stall", "-1"]) }
    }

    @Test func nonceLedgerRules() {
        var ledger = NonceLedger()
        #expect(ledger.present(10, key: "k") == .accepted)
        #expect(ledger.present(10, key: "k") == .small)
        #expect(ledger.present(9_007_199_254_740_992, key: "k") == .tooLarge)
        #expect(ledger.present(9_007_199_254_740_991, key: "k") == .accepted)
        #expect(ledger.present(1, key: "other") == .accepted)
        #expect(ledger.keys["k"]?.history == [10, 9_007_199_254_740_991])
        #expect(ledger.keys["k"]?.outOfOrder == 1)
    }

    @Test func refusesNonLoopbackHost() async {
        var c = testConfiguration()
        c.host = "0.0.0.0"
        await #expect(throws: BfxSimulator.StartError.self) { _ = try await BfxSimulator.start(c) }
    }
}
