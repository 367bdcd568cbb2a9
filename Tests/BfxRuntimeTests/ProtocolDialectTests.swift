import BfxProtocol
import Foundation
import Testing
@testable import BfxRuntime

/// The doctor's observation of protocol variants: every variant of every point is recognised from
/// raw frames, unknown ones are flagged, and differences from a baseline are listed.
@Suite struct ProtocolDialectTests {
    /// Feeds `records` (direction, frame) on connection 1, opened first.
    static func observe(_ records: [(RecordLine.Direction, String)], micros: UInt64 = 1_700_000_000_000_000) -> ProtocolDialect {
        var observer = ProtocolDialectObserver()
        let all: [(RecordLine.Direction, String)] = [(.open, "ws://127.0.0.1/ws/2")] + records
        for (direction, frame) in all {
            let text = direction == .close ? "t=\(micros) c=1 d=close\n" : "t=\(micros) c=1 d=\(direction.rawValue) \(frame)\n"
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { buffer in
                let end = buffer.count - 1  // without the line's `\n`
                guard let view = RecordLineView.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<end])) else { Issue.record("unparsable line \(text)"); return }
                observer.feed(view, payload: UnsafeRawBufferPointer(rebasing: buffer[min(view.payloadOffset, end)..<end]))
            }
        }
        return observer.finish()
    }

    static let confAndBook: [(RecordLine.Direction, String)] = [
        (.inbound, #"{"event":"info","version":2,"serverId":"x","platform":{"status":1}}"#),
        (.outbound, #"{"event":"conf","flags":196608}"#),
        (.inbound, #"{"event":"conf","status":"OK","flags":196608}"#),
        (.outbound, #"{"event":"subscribe","channel":"book","symbol":"tBTCUSD","prec":"P0","subId":"7"}"#),
    ]

    @Test func subIdEchoedAsStringOrNumberOrNotAtAll() {
        let string = Self.observe(Self.confAndBook + [(.inbound, #"{"event":"subscribed","channel":"book","chanId":5,"symbol":"tBTCUSD","prec":"P0","subId":"7"}"#)])
        #expect(string.variants(of: "subscribed.subId") == ["string"])
        let number = Self.observe(Self.confAndBook + [(.inbound, #"{"event":"subscribed","channel":"book","chanId":5,"symbol":"tBTCUSD","prec":"P0","subId":7}"#)])
        #expect(number.variants(of: "subscribed.subId") == ["number"])
        #expect(number.unknown.isEmpty)
        let missing = Self.observe(Self.confAndBook + [(.inbound, #"{"event":"subscribed","channel":"book","chanId":5,"symbol":"tBTCUSD","prec":"P0"}"#)])
        #expect(missing.variants(of: "subscribed.subId") == ["not echoed"])
        #expect(missing.unknown.map(\.point) == ["subscribed.subId"])
        #expect(string.differences(from: number).map(\.point) == ["subscribed.subId"])
        #expect(string.differences(from: string).isEmpty)
    }

    @Test func infoConfAndErrorEcho() {
        let dialect = Self.observe(Self.confAndBook + [
            (.inbound, #"{"event":"error","msg":"subscribe: dup","code":10301,"channel":"book","symbol":"tBTCUSD"}"#),
            (.inbound, #"{"event":"error","msg":"unknown event","code":10000}"#),
        ])
        #expect(dialect.variants(of: "info.version") == ["2"])
        #expect(dialect.variants(of: "info.platform") == ["1 operative"])
        #expect(dialect.variants(of: "conf.ack") == ["OK with flags"])
        #expect(dialect.variants(of: "error.echo") == ["code and msg only", "request fields echoed"])
        let unanswered = Self.observe([(.outbound, #"{"event":"conf","flags":65536}"#), (.close, "")])
        #expect(unanswered.variants(of: "conf.ack") == ["not answered"])
        #expect(Doctor.confCheck(unanswered).passed == false)
        #expect(Doctor.confCheck(dialect).passed)
        let v3 = Self.observe([(.inbound, #"{"event":"info","version":3}"#)])
        #expect(v3.unknown.map(\.point) == ["info.version"])
    }

    @Test func authCapsAsObjectOrString() {
        let object = Self.observe([(.outbound, "!redacted"), (.inbound, #"{"event":"auth","status":"OK","chanId":0,"userId":1,"caps":{"orders":{"read":1,"write":1}}}"#)])
        #expect(object.variants(of: "auth.caps") == ["object"])
        let string = Self.observe([(.inbound, #"{"event":"auth","status":"OK","chanId":0,"userId":1,"caps":"{\"orders\":{\"read\":1}}"}"#)])
        #expect(string.variants(of: "auth.caps") == ["string"])
        let failed = Self.observe([(.inbound, #"{"event":"auth","status":"FAILED","chanId":0,"code":10100,"msg":"apikey: invalid"}"#)])
        #expect(failed.variants(of: "auth.caps") == ["absent on failure"])
        #expect(failed.unknown.isEmpty)
    }

    @Test func requestNotificationsRowShapeAndSequenceNumbers() {
        let conf: [(RecordLine.Direction, String)] = [(.outbound, #"{"event":"conf","flags":65536}"#)]
        let one = Self.observe(conf + [(.inbound, #"[0,"n",[1,"on-req",null,null,[1,null,5,"tBTCUSD",1,1,0.1,0.1,"LIMIT"],null,"SUCCESS","ok"],7]"#)])
        #expect(one.variants(of: "notification.info") == ["one row"])
        #expect(one.variants(of: "seq.req-notification") == ["auth seq only"])
        let rows = Self.observe(conf + [(.inbound, #"[0,"n",[1,"on-req",null,null,[[1,null,5,"tBTCUSD",1,1,0.1,0.1,"LIMIT"]],null,"SUCCESS","ok"],12,7]"#)])
        #expect(rows.variants(of: "notification.info") == ["array of rows"])
        #expect(rows.variants(of: "seq.req-notification") == ["public and auth seq"])
        #expect(one.differences(from: rows).map(\.point) == ["notification.info", "seq.req-notification"])
    }

    @Test func bookNotationRowsPerFrameAndChecksums() {
        let subscribed: [(RecordLine.Direction, String)] = Self.confAndBook + [
            (.inbound, #"{"event":"subscribed","channel":"book","chanId":5,"symbol":"tBTCUSD","prec":"P0","subId":"7"}"#),
            (.inbound, #"[5,[[100,1,2],[101,1,-1.7e-7]],1]"#),
        ]
        let single = Self.observe(subscribed + [(.inbound, #"[5,[100,2,3],2]"#), (.inbound, #"[5,"cs",12345,3]"#), (.close, "")])
        #expect(single.variants(of: "book.numbers") == ["e-notation", "fixed notation"])
        #expect(single.variants(of: "book.update.rows") == ["one row per frame"])
        #expect(single.variants(of: "book.checksum.trading") == ["cs frames"])
        #expect(single.variants(of: "seq.public") == ["trailing public seq"])
        let bulk = Self.observe(subscribed + [(.inbound, #"[5,[[100,2,3],[102,1,1]],2]"#), (.close, "")])
        #expect(bulk.variants(of: "book.update.rows") == ["several rows in one frame"])
        #expect(bulk.variants(of: "book.checksum.trading") == ["no cs frames"])
    }

    @Test func tradeLagMeasuresHowFarBehindThisClockIs() {
        let micros: UInt64 = 1_700_000_000_250_000
        let dialect = Self.observe([
            (.inbound, #"{"event":"subscribed","channel":"trades","chanId":9,"symbol":"tBTCUSD"}"#),
            (.inbound, #"[9,"te",[1,1700000000300,0.1,100]]"#),
            (.inbound, #"[9,"te",[2,1700000000100,0.1,100]]"#),
        ], micros: micros)
        #expect(dialect.minimumTradeLagMillis == -50)
        let checks = Doctor.probeChecks(ClockProbe(platformStatus: 1), dialect: dialect, limit: 2000)
        #expect(checks.map(\.passed) == [true, true])
        let behind = Doctor.probeChecks(ClockProbe(platformStatus: 0), dialect: ProtocolDialect(minimumTradeLagMillis: -5000), limit: 2000)
        #expect(behind.map(\.passed) == [false, false])
    }

    @Test func clockProbeIntersectsDateStampsAndParsesHTTPDates() throws {
        let stamp = try #require(ClockProbe.parseDate("Thu, 03 Dec 2026 02:45:56 GMT"))
        #expect(stamp == 1_796_265_956_000)
        #expect(ClockProbe.parseDate("yesterday") == nil)
        var probe = ClockProbe()
        // Local 10.100–10.140 s, server stamped 10 s (cached up to 1 s): offset in [−140, 1899].
        probe.narrow(low: 10_000 - 10_140, high: 11_999 - 10_100)
        // Local 10.860–10.900 s, server stamped 11 s: offset in [100, 2139].
        probe.narrow(low: 11_000 - 10_900, high: 12_999 - 10_860)
        #expect(probe.offsetLowMillis == 100 && probe.offsetHighMillis == 1899)
        #expect(probe.provesSkew(beyond: 50) && !probe.provesSkew(beyond: 500))
        // A disjoint probe (the clock jumped) replaces the interval.
        probe.narrow(low: 5_000, high: 6_000)
        #expect(probe.offsetLowMillis == 5_000)
        #expect(ClockProbe.status("[1]") == 1 && ClockProbe.status(" [0] ") == 0 && ClockProbe.status("{}") == nil)
        let fails = Doctor.probeChecks(probe, dialect: ProtocolDialect(), limit: 2000)
        #expect(fails.map(\.passed) == [false, false])
    }

    /// Equal keys in snapshots: R0 order of one price, funding levels sharing a rate, and the
    /// funding ticker's field order.
    @Test func equalPricesSharedRatesAndFundingTickerOrder() {
        func session(_ subscribed: String, _ frames: [String]) -> ProtocolDialect {
            Self.observe(Self.confAndBook + [(.inbound, subscribed)] + frames.map { (.inbound, $0) })
        }
        let raw = #"{"event":"subscribed","channel":"book","chanId":5,"symbol":"tBTCUSD","prec":"R0","subId":"7"}"#
        #expect(session(raw, [#"[5,[[3,100,1],[5,100,2],[9,101,-1]]]"#]).variants(of: "book.raw.ties") == ["ascending id"])
        #expect(session(raw, [#"[5,[[5,100,2],[3,100,1],[9,101,-1]]]"#]).variants(of: "book.raw.ties") == ["descending id"])
        #expect(session(raw, [#"[5,[[5,100,2],[3,100,1],[4,100,1]]]"#]).variants(of: "book.raw.ties") == ["other order"])
        #expect(session(raw, [#"[5,[[3,100,1],[9,101,-1]]]"#]).variants(of: "book.raw.ties").isEmpty, "no tie, nothing noted")
        let funding = #"{"event":"subscribed","channel":"book","chanId":6,"symbol":"fUSD","prec":"P0","subId":"8"}"#
        #expect(session(funding, [#"[6,[[0.0002,30,1,-100],[0.0002,2,1,-40],[0.0003,2,1,50]]]"#]).variants(of: "book.funding.levels") == ["rate and period"])
        #expect(session(funding, [#"[6,[[0.0002,30,1,-100],[0.0003,2,1,50]]]"#]).variants(of: "book.funding.levels").isEmpty)
        let ticker = #"{"event":"subscribed","channel":"ticker","chanId":7,"symbol":"fUSD","subId":"9"}"#
        let docs = session(ticker, [#"[7,[0.0003,0.000316,30,1682003.09,0.00031,2,223710.45,0,0,0.00031,1,0.00035,0.000305,null,null,0]]"#])
        let node = session(ticker, [#"[7,[0.0003,0.000316,1682003.09,30,0.00031,223710.45,2,0,0,0.00031,1,0.00035,0.000305,null,null,0]]"#])
        #expect(docs.variants(of: "ticker.funding.order") == ["docs"] && node.variants(of: "ticker.funding.order") == ["node"])
        #expect(node.differences(from: docs).map(\.point) == ["ticker.funding.order"])
    }
}
