import Testing
@testable import BfxProtocol

@Suite("Shared fixtures: order-book checksums", .enabled(if: Fixtures.shouldRun, "shared/fixtures absent and CI unset: skipped"))
struct FixtureChecksumTests {
    /// Decodes subscribed + snapshot + updates through the FrameDecoder into an OrderBook.
    func replay(_ fixture: JSONValue, chanId: Int64, prec: String) throws -> OrderBook {
        var decoder = FrameDecoder()
        let raw = prec == "R0"
        decoder.register(chanId: chanId, kind: raw ? .rawBook(funding: false) : .book(funding: false))
        var book = OrderBook(precision: raw ? .raw : .aggregated)
        let snapshot = try #require(fixture["snapshot_message"]?.string)
        let frame = try decoder.decode(snapshot)
        let appliedSnapshot = book.apply(frame: frame)
        #expect(appliedSnapshot)
        for update in fixture["update_messages"]?.array ?? [] {
            let f = try decoder.decode(try #require(update.string))
            if case .bookUpdate = f {} else { Issue.record("expected bookUpdate, got \(f)") }
            let applied = book.apply(frame: f)
            #expect(applied)
        }
        return book
    }

    @Test("tXRPBTC P0 snapshot + 3 updates → 30026640")
    func xrpbtc() throws {
        let fx = try Fixtures.load("book_checksum_tXRPBTC_py_legacy_test.json")
        let book = try replay(fx, chanId: 123, prec: "P0")
        #expect(book.checksumString() == fx["checksum_string_raw_tokens"]?.string)
        #expect(book.checksum() == 30026640)
        #expect(Int64(book.checksum()) == fx["expected_checksum_signed_int32"]?.int64)
    }

    @Test("tVETBTC e-notation prices → 1770440002 (raw tokens), not the fixed-notation CRC")
    func vetbtc() throws {
        let fx = try Fixtures.load("book_checksum_tVETBTC_py_legacy_test.json")
        let book = try replay(fx, chanId: 123, prec: "P0")
        #expect(book.checksumString() == fx["checksum_string_raw_tokens"]?.string)
        #expect(book.checksum() == 1770440002)
        #expect(Int64(book.checksum()) != fx["crc_fixed_notation_signed_int32"]?.int64)
        #expect(book.checksumString().contains("7e-7"))
    }

    @Test("node P0 and R0 real snapshots: counts, checksum strings and values", arguments: [
        ("book_snapshot_P0_node_fixture.json", "P0"), ("book_snapshot_R0_node_fixture.json", "R0"),
    ])
    func nodeSnapshots(file: String, prec: String) throws {
        let fx = try Fixtures.load(file)
        let chanId: Int64 = prec == "R0" ? 999 : 300
        let book = try replay(fx, chanId: chanId, prec: prec)
        #expect(Int64(book.bids.count) == fx["bids_count"]?.int64)
        #expect(Int64(book.asks.count) == fx["asks_count"]?.int64)
        #expect(book.checksumString() == fx["computed_checksum_string"]?.string)
        #expect(Int64(book.checksum()) == fx["computed_checksum_signed_int32"]?.int64)
    }

    @Test("node-models checksum string vectors")
    func stringVectors() throws {
        let fx = try Fixtures.load("checksum_string_vectors_node_models.json")
        let vectors = try #require(fx["vectors"]?.array)
        #expect(vectors.count >= 5)
        for v in vectors {
            for (sKey, cKey) in [("string", "crc_signed_int32"), ("string_js_toString", "crc_js_toString_signed_int32"),
                                 ("string_node_models_fixed", "crc_fixed_signed_int32")] {
                guard let s = v[sKey]?.string else { continue }
                let expected = try #require(v[cKey]?.int64)
                #expect(Int64(Int32(bitPattern: CRC32.checksum(s))) == expected, "\(s)")
            }
            // Rebuild the synthetic books (numbers or numeric strings) and compare strings.
            guard let bookJSON = v["book"] else { continue }
            let raw = v["raw"]?.bool ?? false
            var book = OrderBook(precision: raw ? .raw : .aggregated)
            func num(_ j: JSONValue?) throws -> WireNumber {
                if let n = j?.number { return n }
                return try #require(j?.string.flatMap { WireNumber($0) })
            }
            for side in ["bids", "asks"] {
                for row in bookJSON[side]?.array ?? [] {
                    if raw {
                        book.apply(RawBookEntry(orderId: try #require(row[0]?.int64), price: try num(row[1]), amount: try num(row[2])))
                    } else {
                        book.apply(BookEntry(price: try num(row[0]), count: try #require(row[1]?.int64), amount: try num(row[2])))
                    }
                }
            }
            if let s = v["string"]?.string {
                #expect(book.checksumString() == s)
                #expect(Int64(book.checksum()) == v["crc_signed_int32"]?.int64)
            } else if let s = v["string_js_toString"]?.string {
                // 1.7e-08 in the fixture file is JSON text; JS toString form is 1.7e-8.
                let rebuilt = book.checksumString().replacingOccurrences(of: "1.7e-08", with: "1.7e-8")
                #expect(rebuilt == s)
            }
        }
    }
}
