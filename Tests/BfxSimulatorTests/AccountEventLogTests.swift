import BfxProtocol
import BfxTestSupport
import Foundation
import Testing
@testable import BfxSimulator

/// The simulator's per-user log of emitted channel-0 events (`GET /_sim/events/USER`): what the
/// gateway checks compare with the events their clients received.
@Suite struct AccountEventLogTests {
    @Test func boundedInOrderAndFilteredBySequence() throws {
        var log = AccountEventLog(limit: 3)
        for i in 1...5 {
            log.append(mts: Int64(1_000 + i), type: i % 2 == 0 ? "wu" : "on", category: i % 2 == 0 ? "wallet" : "trading",
                       qualifier: i % 2 == 0 ? nil : "tBTCUSD", sessions: i - 1, data: "[\(i),\"x\"]")
        }
        #expect(log.total == 5 && log.dropped == 2)
        #expect(log.entries.map(\.seq) == [3, 4, 5], "the oldest entries are dropped first")
        let all = try JSONValue.parse(log.json(userId: 9, sessions: 2, after: 0))
        #expect(all["userId"]?.int == 9 && all["sessions"]?.int == 2 && all["total"]?.int == 5 && all["dropped"]?.int == 2)
        let events = try #require(all["events"]?.array)
        #expect(events.compactMap { $0["seq"]?.int } == [3, 4, 5])
        #expect(events[0]["qualifier"]?.string == "tBTCUSD" && events[1]["qualifier"] == .null)
        #expect(events[2]["data"]?[0]?.int == 5, "data is JSON, numbers as numbers")
        #expect(events[2]["sessions"]?.int == 4)
        let newer = try JSONValue.parse(log.json(userId: 9, sessions: 0, after: 4))
        #expect(newer["events"]?.array?.compactMap { $0["seq"]?.int } == [5])
        #expect(try JSONValue.parse(log.json(userId: 9, sessions: 0, after: 5))["events"]?.array?.isEmpty == true)
    }

    /// Events emitted with nobody connected are logged with `sessions: 0`; after a WebSocket
    /// `auth` they carry the number of the user's sockets. The control route and the Swift API agree.
    @Test func logsWhatTheUserWasSentAndWhoWasThere() async throws {
        try await withSimulator { sim in
            let nonces = TestNonce()
            let submit = try await TestHTTP.signed(sim, path: "auth/w/order/submit",
                body: #"{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.1","price":"1000","cid":31}"#, nonce: nonces.next())
            #expect(submit.status == 200)
            let id = try #require(try JSONValue.parse(submit.body)[4]?[0]?[0]?.int64)
            let before = try JSONValue.parse(await sim.accountEventsJSON(userId: 7))
            let offline = try #require(before["events"]?.array)
            let placed = try #require(offline.first { $0["type"]?.string == "on" })
            #expect(placed["sessions"]?.int == 0, "nobody was connected")
            #expect(placed["category"]?.string == "trading" && placed["qualifier"]?.string == "tBTCUSD")
            #expect(placed["data"]?[0]?.int64 == id && placed["data"]?[2]?.int == 31)
            let last = try #require(before["total"]?.int)

            let ws = try await TestWS.open(sim)
            #expect(try await ws.auth(nonce: nonces.next())["status"]?.string == "OK")
            let cancel = try await TestHTTP.signed(sim, path: "auth/w/order/cancel", body: "{\"id\":\(id)}", nonce: nonces.next())
            #expect(cancel.status == 200)
            _ = try await ws.expect("oc on the socket") { $0[1]?.string == "oc" }
            let route = try await TestHTTP.request("\(sim.controlURL)/events/7?after=\(last)")
            #expect(route.status == 200)
            let after = try JSONValue.parse(route.body)
            #expect(after["sessions"]?.int == 1)
            let events = try #require(after["events"]?.array)
            #expect(events.allSatisfy { ($0["seq"]?.int ?? 0) > last }, "only entries after the given sequence")
            let closed = try #require(events.first { $0["type"]?.string == "oc" })
            #expect(closed["sessions"]?.int == 1 && closed["data"]?[0]?.int64 == id)
            #expect(try JSONValue.parse(await sim.accountEventsJSON(userId: 7, after: last))["events"] == after["events"])
            let unknown = try JSONValue.parse(await sim.accountEventsJSON(userId: 12345))
            #expect(unknown["total"]?.int == 0 && unknown["events"]?.array?.isEmpty == true)
            await ws.close()
        }
    }
}
