import Testing
@testable import BfxProtocol

@Suite("FrameDecoder: public channels")
struct DecoderChannelTests {
    func n(_ s: String) -> WireNumber { WireNumber(s) ?? WireNumber(0) }

    func decoder() -> FrameDecoder {
        var d = FrameDecoder()
        d.register(chanId: 1, kind: .book(funding: false))
        d.register(chanId: 2, kind: .rawBook(funding: false))
        d.register(chanId: 3, kind: .book(funding: true))
        d.register(chanId: 4, kind: .rawBook(funding: true))
        d.register(chanId: 5, kind: .ticker(funding: false))
        d.register(chanId: 6, kind: .ticker(funding: true))
        d.register(chanId: 7, kind: .trades(funding: false))
        d.register(chanId: 8, kind: .trades(funding: true))
        d.register(chanId: 9, kind: .candles)
        d.register(chanId: 10, kind: .derivStatus)
        d.register(chanId: 11, kind: .liquidations)
        return d
    }

    @Test func bookSnapshotThenUpdatesThenBulk() throws {
        var d = decoder()
        #expect(try d.decode("[1,[[9000,2,1.5],[9001,1,-0.25]]]")
            == .bookSnapshot(chanId: 1, [BookEntry(price: 9000, count: 2, amount: n("1.5")), BookEntry(price: 9001, count: 1, amount: n("-0.25"))], meta: .none))
        #expect(try d.decode("[1,[9000,0,1]]") == .bookUpdate(chanId: 1, BookEntry(price: 9000, count: 0, amount: 1), meta: .none))
        #expect(try d.decode("[1,[7e-7,1,10000],42]") == .bookUpdate(chanId: 1, BookEntry(price: n("7e-7"), count: 1, amount: 10000), meta: FrameMeta(seq: 42)))
        #expect(try d.decode("[1,[[1,1,1]]]") == .bookUpdates(chanId: 1, [BookEntry(price: 1, count: 1, amount: 1)], meta: .none))
        #expect(try d.decode("[1,[]]") == .bookUpdates(chanId: 1, [], meta: .none))
        var fresh = decoder()
        #expect(try fresh.decode("[1,[]]") == .bookSnapshot(chanId: 1, [], meta: .none))
    }

    @Test func fastPathAndGeneralPathAgree() throws {
        // With whitespace the fast path bails out; the general path must give the same frame.
        let pairs = [("[1,[9000,2,1.5]]", "[ 1 , [ 9000 , 2 , 1.5 ] ]"), ("[2,[123,9000,-1]]", "[2, [123, 9000, -1]]"),
                     ("[3,[0.0002,2,5,-100]]", "[3,[0.0002, 2,5,-100]]"), ("[4,[55,30,0.0001,10]]", "[4, [55,30,0.0001,10]]"),
                     ("[1,\"hb\"]", "[1, \"hb\"]"), ("[1,\"cs\",-1265340191,7]", "[1,\"cs\", -1265340191, 7]"),
                     ("[1,[9000,2,1.5],7,1581721279360]", "[1,[9000,2,1.5], 7, 1581721279360]"),
                     ("[7,\"te\",[401597395,1574694478808,0.005,7245.3],12]", "[7, \"te\",[401597395, 1574694478808,0.005,7245.3],12]"),
                     ("[7,\"tu\",[401597395,1574694478808,-0.005,7245.3]]", "[7,\"tu\", [401597395,1574694478808,-0.005,7245.3]]")]
        for (fast, slow) in pairs {
            var d1 = decoder()
            var d2 = decoder()
            _ = try d1.decode("[1,[]]"); _ = try d2.decode("[1,[]]")
            #expect(try d1.decode(fast) == (try d2.decode(slow)), "\(fast)")
        }
    }

    @Test("hot frames take the allocation-free fast path")
    func fastPathIsTaken() {
        let d = decoder()
        for text in ["[1,[9000,2,1.5]]", "[1,[7e-7,1,-10000],42]", "[2,[2567606289,1876.5,1.4305]]", "[3,[0.0002,2,5,-100]]",
                     "[4,[55,30,0.0001,10]]", "[1,\"hb\"]", "[0,\"hb\"]", "[1,\"cs\",-1265340191]", "[1,\"cs\",-1265340191,7]",
                     "[1,[9000,2,1.5],7,1581721279360]", "[7,\"te\",[401597395,1574694478808,0.005,7245.3]]",
                     "[7,\"tu\",[401597395,1574694478808,-0.005,7245.3],12,1581721279360]"] {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBytes { d.fastPath($0) } != nil, "\(text)")
        }
        for text in ["[5,[1,2,3]]", "[1,[[1,2,3]]]", "[1, [1,2,3]]", "[1,[1,2.5,3]]", "[99,[1,2,3]]", "[1,[1,2,3]",
                     // Funding trades, extra fields, non-integer ids and unregistered channels go the general way.
                     "[8,\"te\",[1,2,-3,0.0001,30]]", "[7,\"te\",[1,2,3,4,5]]", "[7,\"te\",[1.5,2,3,4]]", "[7,\"fte\",[1,2,3,4]]",
                     "[99,\"te\",[1,2,3,4]]", "[7,\"tx\",[1,2,3,4]]", "[7,\"te\",[1,2,3,\"4\"]]"] {
            let bytes = Array(text.utf8)
            #expect(bytes.withUnsafeBytes { d.fastPath($0) } == nil, "\(text)")
        }
    }

    @Test func rawAndFundingBooks() throws {
        var d = decoder()
        #expect(try d.decode("[2,[[2567606289,1876.5,1.4305]]]") == .rawBookSnapshot(chanId: 2, [RawBookEntry(orderId: 2567606289, price: n("1876.5"), amount: n("1.4305"))], meta: .none))
        #expect(try d.decode("[2,[2567606289,0,1]]") == .rawBookUpdate(chanId: 2, RawBookEntry(orderId: 2567606289, price: 0, amount: 1), meta: .none))
        #expect(try d.decode("[3,[[0.0002,2,5,-100]]]") == .bookSnapshot(chanId: 3, [BookEntry(price: n("0.0002"), count: 5, amount: -100, period: 2)], meta: .none))
        #expect(try d.decode("[4,[[55,30,0.0001,10]]]") == .rawBookSnapshot(chanId: 4, [RawBookEntry(orderId: 55, price: n("0.0001"), amount: 10, period: 30)], meta: .none))
    }

    @Test func heartbeatAndChecksum() throws {
        var d = decoder()
        #expect(try d.decode("[1,\"hb\"]") == .heartbeat(chanId: 1, meta: .none))
        #expect(try d.decode("[1,\"hb\",17]") == .heartbeat(chanId: 1, meta: FrameMeta(seq: 17)))
        #expect(try d.decode("[0,\"hb\"]") == .heartbeat(chanId: 0, meta: .none))
        #expect(try d.decode("[99,\"hb\"]") == .heartbeat(chanId: 99, meta: .none))  // even unregistered
        #expect(try d.decode("[1,\"cs\",-1265340191]") == .checksum(chanId: 1, value: -1265340191, meta: .none))
        #expect(try d.decode("[1,\"cs\",3029627105,18]") == .checksum(chanId: 1, value: -1265340191, meta: FrameMeta(seq: 18)))
        #expect(throws: FrameDecodingError.self) { try d.decode("[1,\"cs\",99999999999]") }
    }

    @Test func tickers() throws {
        var d = decoder()
        let t = try d.decode("[5,[7616.5,31.89055171,7617.5,43.358118,-550.8,-0.0674,7617.1,8314.71200815,8257.8,7500]]")
        guard case .ticker(5, let ticker, _) = t else { Issue.record("\(t)"); return }
        #expect(ticker.bid == n("7616.5") && ticker.askSize == n("43.358118") && ticker.dailyChangeRelative == n("-0.0674") && ticker.low == 7500)
        let f = try d.decode("[6,[0.0003447013698630137,0.000316,30,1682003.0922634401,0.00031,2,223710.45,-0.0000198,-0.0599,0.00031,154016245.68923837,0.00035,0.000305,null,null,2000000]]")
        guard case .fundingTicker(6, let ft, _) = f else { Issue.record("\(f)"); return }
        #expect(ft.frr == n("0.0003447013698630137") && ft.bidPeriod == 30 && ft.askPeriod == 2 && ft.frrAmountAvailable == 2000000)
        #expect(ft.volume == n("154016245.68923837"))
        // the Node models' order (SIZE before PERIOD, reference §3.2 CONFLICT) is recognised
        let node = try d.decode("[6,[0.0003447013698630137,0.000316,1682003.0922634401,30,0.00031,223710.45,2,-0.0000198,-0.0599,0.00031,154016245.68923837,0.00035,0.000305,null,null,2000000]]")
        guard case .fundingTicker(6, let nt, _) = node else { Issue.record("\(node)"); return }
        #expect(nt == ft, "both orders give the same ticker")
        // a whole-number size of 1…120 is ambiguous: read in the docs order
        let ambiguous = try d.decode("[6,[0.0003,0.000316,30,100,0.00031,2,7,0,0,0.00031,1,0.00035,0.000305]]")
        guard case .fundingTicker(6, let at, _) = ambiguous else { Issue.record("\(ambiguous)"); return }
        #expect(at.bidPeriod == 30 && at.bidSize == 100 && at.askPeriod == 2 && at.askSize == 7)
        #expect(throws: FrameDecodingError.self) { _ = try d.decode("[6,[0.0003,0.000316,1.5,2.5,0.00031,2,7,0,0,0.00031,1,0.00035,0.000305]]") }
    }

    @Test func trades() throws {
        var d = decoder()
        let s = try d.decode("[7,[[401597395,1574694478808,0.005,7245.3],[401597394,1574694478601,-0.01,7245.2]]]")
        #expect(s == .tradesSnapshot(chanId: 7, [Trade(id: 401597395, mts: 1574694478808, amount: n("0.005"), price: n("7245.3")),
                                                 Trade(id: 401597394, mts: 1574694478601, amount: n("-0.01"), price: n("7245.2"))], meta: .none))
        #expect(try d.decode("[7,\"te\",[401597395,1574694478808,0.005,7245.3]]") == .trade(chanId: 7, .executed, Trade(id: 401597395, mts: 1574694478808, amount: n("0.005"), price: n("7245.3")), meta: .none))
        #expect(try d.decode("[7,\"tu\",[401597395,1574694478808,0.005,7245.3],55]") == .trade(chanId: 7, .updated, Trade(id: 401597395, mts: 1574694478808, amount: n("0.005"), price: n("7245.3")), meta: FrameMeta(seq: 55)))
        #expect(try d.decode("[8,[[133323543,1574694605000,-59.84,0.00023647,2]]]") == .fundingTradesSnapshot(chanId: 8, [FundingTrade(id: 133323543, mts: 1574694605000, amount: n("-59.84"), rate: n("0.00023647"), period: 2)], meta: .none))
        #expect(try d.decode("[8,\"fte\",[133323543,1574694605000,-59.84,0.00023647,2]]") == .fundingTrade(chanId: 8, .executed, FundingTrade(id: 133323543, mts: 1574694605000, amount: n("-59.84"), rate: n("0.00023647"), period: 2), meta: .none))
        #expect(try d.decode("[8,\"ftu\",[133323543,1574694605000,-59.84,0.00023647,2]]") == .fundingTrade(chanId: 8, .updated, FundingTrade(id: 133323543, mts: 1574694605000, amount: n("-59.84"), rate: n("0.00023647"), period: 2), meta: .none))
    }

    @Test func candlesStatusLiquidations() throws {
        var d = decoder()
        #expect(try d.decode("[9,[[1574698260000,7379.785503,7383.8,7388.3,7379.785503,1.68829482]]]") == .candlesSnapshot(chanId: 9, [Candle(mts: 1574698260000, open: n("7379.785503"), close: n("7383.8"), high: n("7388.3"), low: n("7379.785503"), volume: n("1.68829482"))], meta: .none))
        #expect(try d.decode("[9,[1574698200000,7399.9,7379.7,7399.9,7371.8,41.63633658]]") == .candleUpdate(chanId: 9, Candle(mts: 1574698200000, open: n("7399.9"), close: n("7379.7"), high: n("7399.9"), low: n("7371.8"), volume: n("41.63633658")), meta: .none))
        let st = try d.decode("[10,[1596124822000,null,0.896,0.771995,null,1578810.3209,null,1596153600000,-0.00016,2,null,0,null,null,0.8965,null,null,24657.6,null,null,null,-0.001,0.001]]")
        guard case .derivStatus(10, let ds, _) = st else { Issue.record("\(st)"); return }
        #expect(ds.mts == 1596124822000 && ds.derivPrice == n("0.896") && ds.nextFundingEventMts == 1596153600000 && ds.markPrice == n("0.8965") && ds.openInterest == n("24657.6") && ds.clampMax == n("0.001"))
        let liq = try d.decode(#"[11,[["pos",145400868,1609144352338,null,"tETHF0:USTF0",-1.67288094,730.96,null,1,1,null,736.13]]]"#)
        #expect(liq == .liquidations(chanId: 11, [Liquidation(positionId: 145400868, mts: 1609144352338, symbol: "tETHF0:USTF0", amount: n("-1.67288094"), basePrice: n("730.96"), isMatch: 1, isMarketSold: 1, liquidationPrice: n("736.13"))], meta: .none))
        if case .liquidations(_, let rows, _) = liq { #expect(try JSONValue.parse(rows[0].row.bytes)[0] == "pos") }
    }

    @Test func trailingSequenceAndTimestamp() throws {
        var d = decoder()
        _ = try d.decode("[1,[]]")
        #expect(try d.decode("[1,[9000,1,1],1581721279360]").meta == FrameMeta(timestamp: 1581721279360))
        #expect(try d.decode("[1,[9000,1,1],8,1581721279360]").meta == FrameMeta(seq: 8, timestamp: 1581721279360))
        #expect(try d.decode("[1,[9000,1,1],1581721279360,8]").meta == FrameMeta(seq: 8, timestamp: 1581721279360))
        #expect(try d.decode("[5,[1,1,1,1,1,1,1,1,1,1,99,98],3]").meta == FrameMeta(seq: 3))  // appended ticker fields ignored
    }

    @Test func unknownChannelIsTyped() throws {
        var d = FrameDecoder()
        #expect(try d.decode("[77,[1,2,3]]") == .unknownChannel(chanId: 77, [77, [1, 2, 3]]))
        #expect(try d.decode("[77,\"te\",[1,2,3,4]]") == .unknownChannel(chanId: 77, [77, "te", [1, 2, 3, 4]]))
    }

    @Test func decStringsFlagNumbersAsStrings() throws {
        var d = decoder()
        _ = try d.decode("[1,[]]")
        #expect(try d.decode(#"[1,["9000.5",1,"-0.25"]]"#) == .bookUpdate(chanId: 1, BookEntry(price: n("9000.5"), count: 1, amount: n("-0.25")), meta: .none))
    }

    @Test func rowsRoundTrip() throws {
        var d = decoder()
        let text = "[5,[7616.5,31.89055171,7617.5,43.358118,-550.8,-0.0674,7617.1,8314.71200815,8257.8,7500]]"
        guard case .ticker(_, let t, _) = try d.decode(text) else { Issue.record("no ticker"); return }
        #expect(JSONValue.array([5, t.row]).serialized() == text)
    }
}
