import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

/// The simulator emits each variant of the points the protocol reference leaves open
/// (`SimulatorConfiguration.variants`, docs/adr/0028), on the wire.
@Suite("Protocol variants on the wire", .timeLimit(.minutes(1)))
struct ProtocolVariantWireTests {
    static func configuration(_ change: @escaping (inout ProtocolVariants) -> Void) -> SimulatorConfiguration {
        testConfiguration { change(&$0.variants) }
    }

    @Test func subIdEchoedAsSentAsStringOrAsNumber() async throws {
        for (variant, sent, echoed) in [(ProtocolVariants.SubIdEcho.asSent, "7", JSONValue.number(WireNumber(7))),
                                        (.string, "7", .string("7")), (.number, "\"8\"", .number(WireNumber(8)))] {
            try await withSimulator(Self.configuration { $0.subId = variant }) { sim in
                let ws = try await TestWS.open(sim)
                ws.send(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD","subId":\#(sent)}"#)
                let event = try await ws.expect("subscribed") { $0["event"]?.string == "subscribed" }
                #expect(event["subId"] == echoed, "variant \(variant)")
                await ws.close()
            }
        }
    }

    @Test func errorEchoesTheRequestOrNothing() async throws {
        for variant in ProtocolVariants.ErrorEcho.allCases {
            try await withSimulator(Self.configuration { $0.errorEcho = variant }) { sim in
                let ws = try await TestWS.open(sim)
                ws.send(#"{"event":"subscribe","channel":"ticker","symbol":"tNOPE","subId":5}"#)
                let error = try await ws.expect("error") { $0["event"]?.string == "error" }
                #expect(error["code"]?.int == 10001)
                let keys = Set(error.object?.keys ?? [])
                if variant == .request {
                    #expect(keys == ["event", "channel", "symbol", "subId", "msg", "code"])
                } else {
                    #expect(keys == ["event", "msg", "code"])
                }
                await ws.close()
            }
        }
    }

    @Test func authCapsAsObjectOrString() async throws {
        for variant in ProtocolVariants.AuthCaps.allCases {
            try await withSimulator(Self.configuration { $0.authCaps = variant }) { sim in
                let ws = try await TestWS.open(sim)
                let auth = try await ws.auth(nonce: TestNonce().next())
                #expect(auth["status"]?.string == "OK")
                let caps = try #require(auth["caps"])
                switch variant {
                case .object: #expect(caps["orders"]?["read"]?.int == 1)
                case .string: #expect(try JSONValue.parse(caps.string ?? "")["orders"]?["read"]?.int == 1)
                }
                await ws.close()
            }
        }
    }

    @Test func authFailureStatusFailedOrFail() async throws {
        for variant in ProtocolVariants.AuthFailureStatus.allCases {
            try await withSimulator(Self.configuration { $0.authFailureStatus = variant }) { sim in
                let ws = try await TestWS.open(sim)
                let auth = try await ws.auth(secret: "wrong", nonce: TestNonce().next())
                #expect(auth["status"]?.string == variant.rawValue)
                #expect(auth["code"]?.int == 10100)
                await ws.close()
            }
        }
    }

    /// The verifier signs whatever `authPayload` says: `AUTH<nonce>` and node's `AUTH<n><n>` both pass.
    @Test func authPayloadWithTheNonceTwiceIsAccepted() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            let nonce = TestNonce().next()
            let payload = "AUTH\(nonce)\(nonce)"
            let sig = BfxSignature.hmacSHA384Hex(secret: BfxSecret(TestKeys.secret), message: payload)
            ws.send(#"{"event":"auth","apiKey":"\#(TestKeys.key)","authSig":"\#(sig)","authNonce":\#(nonce),"authPayload":"\#(payload)"}"#)
            let auth = try await ws.expect("auth") { $0["event"]?.string == "auth" }
            #expect(auth["status"]?.string == "OK")
            await ws.close()
        }
    }

    @Test func orderNotificationInfoAsOneRowOrArrayOfRows() async throws {
        for variant in ProtocolVariants.NotifyInfo.allCases {
            try await withSimulator(Self.configuration { $0.wsNotifyInfo = variant }) { sim in
                let ws = try await TestWS.open(sim)
                #expect(try await ws.auth(nonce: TestNonce().next())["status"]?.string == "OK")
                ws.send(#"[0,"on",null,{"type":"EXCHANGE LIMIT","symbol":"tNOPEUSD","amount":"1","price":"1","cid":77}]"#)
                let n = try await ws.expect("on-req") { $0[1]?.string == "n" && $0[2]?[1]?.string == "on-req" }
                #expect(n[2]?[6]?.string == "ERROR")
                let info = try #require(n[2]?[4])
                let row = variant == .rows ? info[0] : info
                if variant == .rows { #expect(info.array?.count == 1) }
                #expect(row?[0]?.isNull == true)  // refused order: id null, correlate by cid
                #expect(row?[2]?.int == 77)
                await ws.close()
            }
        }
    }

    @Test func confReplacesOrMergesFlags() async throws {
        for variant in ProtocolVariants.ConfSemantics.allCases {
            try await withSimulator(Self.configuration { $0.conf = variant }) { sim in
                let ws = try await TestWS.open(sim)
                ws.send(#"{"event":"conf","flags":65536}"#)
                try await ws.expect("conf 1") { $0["event"]?.string == "conf" }
                ws.send(#"{"event":"conf","flags":131072}"#)
                let second = try await ws.expect("conf 2") { $0["event"]?.string == "conf" }
                #expect(second["flags"]?.int == (variant == .merge ? 196_608 : 131_072))
                await ws.close()
            }
        }
    }

    @Test func bookUpdatesBatchedAlwaysWithoutTheFlag() async throws {
        try await withSimulator(Self.configuration { $0.bulkUpdates = .always }) { sim in
            let ws = try await TestWS.open(sim)
            let chan = try await ws.subscribe(#"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"R0","len":"25"}"#)
            try await ws.expect("snapshot") { $0[0]?.int == chan && $0[1]?[0]?.array != nil }
            var batched = false
            for _ in 0..<50 where !batched {
                await sim.step(1)
                batched = (try? await ws.expect("batch", timeout: .milliseconds(100)) { $0[0]?.int == chan && $0[1]?[0]?.array != nil }) != nil
            }
            #expect(batched)
            await ws.close()
        }
    }

    /// `n *-req` with only AUTH_SEQ or with PUB_SEQ and AUTH_SEQ: the decoder assigns the trailing
    /// numbers so the sequence audit of the real stream has no gap and no duplicate either way.
    @Test func requestNotificationSequenceNumbersAuditCleanly() async throws {
        for variant in ProtocolVariants.RequestSequence.allCases {
            try await withSimulator(Self.configuration { $0.requestSequence = variant }) { sim in
                let ws = try await TestWS.open(sim)
                ws.send(#"{"event":"conf","flags":65536}"#)
                ws.send(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD"}"#)
                let nonce = TestNonce().next()
                let sig = BfxSignature.hmacSHA384Hex(secret: BfxSecret(TestKeys.secret), message: "AUTH\(nonce)")
                ws.send(#"{"event":"auth","apiKey":"\#(TestKeys.key)","authSig":"\#(sig)","authNonce":\#(nonce),"authPayload":"AUTH\#(nonce)"}"#)
                ws.send(#"[0,"on",null,{"type":"EXCHANGE LIMIT","symbol":"tNOPEUSD","amount":"1","price":"1","cid":5}]"#)
                var frames: [String] = []
                for _ in 0..<200 {
                    await sim.step(1)
                    frames = ws.pending
                    if let at = frames.firstIndex(where: { $0.contains("on-req") }), frames.count > at + 3 { break }
                    try await Task.sleep(for: .milliseconds(10))
                }
                let request = try #require(frames.first { $0.contains("on-req") }, "no on-req notification")
                let trailing = try JSONValue.parse(request).array?.count
                #expect(trailing == (variant == .both ? 5 : 4), "variant \(variant): \(request)")
                var decoder = FrameDecoder()
                var auditor = SequenceAuditor()
                for text in frames { _ = auditor.observe(try decoder.decode(text)) }
                #expect(auditor.gapCount == 0, "variant \(variant)")
                #expect(auditor.duplicateCount == 0, "variant \(variant)")
                await ws.close()
            }
        }
    }
}

extension ProtocolVariantWireTests {
    /// `r0_ties`: the order of equal prices in the R0 view (and so in its snapshot and `cs`).
    @Test(arguments: ProtocolVariants.RawTies.allCases)
    func rawTiesOrderEqualPrices(ties: ProtocolVariants.RawTies) {
        var book = SimBook(symbol: "tBTCUSD", rawTies: ties)
        for id: Int64 in [5, 3, 8] {
            book.add(SimBook.RawOrder(id: id, price: Fixed(100), size: Fixed(1), side: .bid, period: 0))
        }
        book.add(SimBook.RawOrder(id: 4, price: Fixed(101), size: Fixed(1), side: .bid, period: 0))
        book.resize(id: 5, to: Fixed(2))
        let ids = book.top(precision: nil, length: 25).bids.compactMap { row -> Int64? in
            if case .raw(let id) = row.0 { return id }
            return nil
        }
        switch ties {
        case .ascendingID: #expect(ids == [4, 3, 5, 8])
        case .descendingID: #expect(ids == [4, 8, 5, 3])
        case .time: #expect(ids == [4, 3, 8, 5], "added 5, 3, 8; 5 resized last")
        }
        book.remove(id: 3)
        #expect(book.top(precision: nil, length: 25).bids.count == 3, "removal finds the order under every rule")
    }
}

extension ProtocolVariantWireTests {
    /// `funding_levels`: one P level per rate, or one per rate and period.
    @Test(arguments: ProtocolVariants.FundingLevels.allCases)
    func fundingLevelsByRateOrByRateAndPeriod(levels: ProtocolVariants.FundingLevels) {
        var book = SimBook(symbol: "fUSD", fundingLevels: levels)
        let rate = Fixed(units: 2_000_000)
        book.add(SimBook.RawOrder(id: 1, price: rate, size: Fixed(100), side: .ask, period: 2))
        book.add(SimBook.RawOrder(id: 2, price: rate, size: Fixed(50), side: .ask, period: 30))
        book.add(SimBook.RawOrder(id: 3, price: rate, size: Fixed(10), side: .bid, period: 7))
        book.add(SimBook.RawOrder(id: 4, price: rate, size: Fixed(20), side: .bid, period: 14))
        let top = book.top(precision: 0, length: 25)
        func periods(_ rows: [(SimBook.RowID, SimBook.Row)]) -> [Int?] {
            rows.map { if case .level(_, let period, _, _) = $0.1 { period } else { nil } }
        }
        switch levels {
        case .rate:
            #expect(top.asks.count == 1 && top.bids.count == 1, "one level per rate and side")
            #expect(periods(top.asks) == [SimBook.fundingPeriod(for: rate)])
        case .ratePeriod:
            #expect(periods(top.asks) == [2, 30], "asks: ascending period")
            #expect(periods(top.bids) == [14, 7], "bids: descending period")
        }
    }
}

extension ProtocolVariantWireTests {
    /// `funding_ticker`: PERIOD before SIZE (docs) or after it (Node models), same values.
    @Test func fundingTickerFieldOrder() throws {
        func row(_ order: ProtocolVariants.FundingTickerOrder) throws -> [JSONValue] {
            var ids = IdAllocator(seed: 4)
            var variants = ProtocolVariants()
            variants.fundingTicker = order
            let market = Market(symbol: "fUSD", seed: 4, now: 1_700_000_000_000, depth: 40, tradeHistory: 5, candleHistory: 5,
                                ids: &ids, variants: variants)
            var w = WireWriter()
            market.writeTicker(to: &w)
            return try #require(try JSONValue.parse(w.text).array)
        }
        let docs = try row(.docs)
        let node = try row(.node)
        #expect(docs.count == node.count && docs.count >= 13)
        #expect(docs[2] == node[3] && docs[3] == node[2], "bid period and size swapped")
        #expect(docs[5] == node[6] && docs[6] == node[5], "ask period and size swapped")
        #expect(docs[2].int != nil && docs[5].int != nil, "periods are whole days")
        #expect(Array(docs[7...]) == Array(node[7...]) && Array(docs[..<2]) == Array(node[..<2]) && docs[4] == node[4])
    }
}
