import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

@Suite("Fault injection", .timeLimit(.minutes(1)))
struct FaultTests {
    @Test func dropAllAndDropOne() async throws {
        try await withSimulator { sim in
            let a = try await TestWS.open(sim)
            let b = try await TestWS.open(sim)
            let c = try await TestWS.open(sim)
            let ids = await sim.stats().connectionIds
            #expect(ids.count == 3)
            await sim.inject(.dropConnection(try #require(ids.first)))
            try await a.expectClosed()
            #expect(!b.isClosed)
            await sim.inject(.dropAll)
            try await b.expectClosed()
            try await c.expectClosed()
            // no close frame: the last frame each client saw is the info event
            #expect(b.all.count == 1)
            #expect(await sim.stats().faultsInjected["drop"] == 1)
        }
    }

    @Test func silentStallThenResume() async throws {
        try await withSimulator(testConfiguration { $0.heartbeatInterval = .milliseconds(100) }) { sim in
            let ws = try await TestWS.open(sim)
            let chan = try await ws.subscribe(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD"}"#)
            try await ws.expect("hb") { $0[0]?.int == chan && $0[1]?.string == "hb" }
            await sim.inject(.stall(connection: nil, duration: nil))
            ws.send(#"{"event":"ping","cid":1}"#)
            // a fresh connection is not stalled: use it as a fence for frames queued before the stall
            let other = try await TestWS.open(sim)
            other.send(#"{"event":"ping","cid":2}"#)
            try await other.expect("pong on healthy connection") { $0["cid"]?.int == 2 }
            ws.markAll()
            await sim.step(50)
            other.send(#"{"event":"ping","cid":3}"#)
            try await other.expect("second pong on healthy connection") { $0["cid"]?.int == 3 }
            #expect(ws.pending.isEmpty, "stalled connection sent \(ws.pending)")
            #expect(!ws.all.contains { $0.contains("pong") })
            #expect(!ws.isClosed)
            await sim.inject(.clear)
            try await ws.expect("pong after stall") { $0["event"]?.string == "pong" }
            try await ws.expect("hb after stall") { $0[1]?.string == "hb" }
            await ws.close()
            await other.close()
        }
    }

    @Test func restartAndMaintenanceInfoCodes() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            await sim.inject(.restart)
            let restart = try await ws.expect("20051") { $0["code"]?.int == 20051 }
            #expect(restart["event"]?.string == "info")
            await sim.inject(.maintenance(duration: .seconds(3)))
            try await ws.expect("20060") { $0["event"]?.string == "info" && $0["code"]?.int == 20060 }
            let late = try await TestWS.open(sim)
            #expect(late.all.first.flatMap { try? JSONValue.parse($0) }?["platform"]?["status"]?.int == 0)
            try await ws.expect("20061") { $0["event"]?.string == "info" && $0["code"]?.int == 20061 }
            #expect(await sim.stats().maintenance == false)
            await ws.close()
            await late.close()
        }
    }

    @Test func skipSequenceAndMalformedFrame() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            ws.send(#"{"event":"conf","flags":65536}"#)
            try await ws.expect("conf") { $0["event"]?.string == "conf" }
            let chan = try await ws.subscribe(#"{"event":"subscribe","channel":"book","symbol":"tETHUSD"}"#)
            let snap = try await ws.expect("snapshot") { $0[0]?.int == chan }
            let first = try #require(snap[2]?.int64)
            await sim.inject(.skipSequence(connection: nil))
            await sim.step(5)
            let next = try await ws.expect("next update") { $0[0]?.int == chan }
            #expect(next.array?.last?.int64 == first + 2, "one sequence number skipped")
            await sim.inject(.malformedFrame(connection: nil))
            ws.send(#"{"event":"ping","cid":3}"#)
            try await ws.expect("pong") { $0["cid"]?.int == 3 }
            #expect(ws.all.contains { (try? JSONValue.parse($0)) == nil }, "a non-JSON frame was sent")
            await ws.close()
        }
    }

    @Test func latencyAndSlowReader() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            await sim.inject(.latency(.milliseconds(300)))
            let start = ContinuousClock.now
            ws.send(#"{"event":"ping","cid":1}"#)
            try await ws.expect("delayed pong") { $0["cid"]?.int == 1 }
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            let restStart = ContinuousClock.now
            _ = try await TestHTTP.request("\(sim.restURL)/platform/status")
            #expect(ContinuousClock.now - restStart >= .milliseconds(300))
            await sim.inject(.latency(.zero))
            await sim.inject(.slowReader(connection: nil, perMessage: .milliseconds(100)))
            let slowStart = ContinuousClock.now
            for cid in 10..<13 { ws.send("{\"event\":\"ping\",\"cid\":\(cid)}") }
            try await ws.expect("third pong") { $0["cid"]?.int == 12 }
            #expect(ContinuousClock.now - slowStart >= .milliseconds(300))
            await ws.close()
        }
    }

    @Test func refuseConnections() async throws {
        try await withSimulator { sim in
            let established = try await TestWS.open(sim)
            await sim.inject(.refuseConnections(duration: .seconds(30)))
            // refused below HTTP: the socket is closed before a single byte (no 503, no upgrade)
            let ws = TestWS(url: sim.wsURL)
            try await ws.expectClosed()
            #expect(ws.all.isEmpty)
            await #expect(throws: (any Error).self) { _ = try await TestHTTP.request("\(sim.restURL)/platform/status") }
            let refused = await eventually { await sim.stats().connectionsRefused >= 2 }
            #expect(refused)
            #expect(await sim.stats().connectionsAccepted == 1)
            // a connection opened before the fault is unaffected
            established.send(#"{"event":"ping","cid":7}"#)
            try await established.expect("pong on established connection") { $0["cid"]?.int == 7 }
            await sim.inject(.clear)
            let ok = try await TestWS.open(sim)
            await ok.close()
            await established.close()
        }
    }

    @Test func refuseConnectionsEndsByItself() async throws {
        try await withSimulator { sim in
            await sim.inject(.refuseConnections(duration: .milliseconds(300)))
            let ws = TestWS(url: sim.wsURL)
            try await ws.expectClosed()
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: .seconds(10))
            var accepted = false
            // bounded: one attempt every 50 ms until the refusal window has passed
            while !accepted, clock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
                let attempt = TestWS(url: sim.wsURL)
                for _ in 0..<400 where !attempt.isClosed && attempt.all.isEmpty {
                    try await Task.sleep(for: .milliseconds(5))
                }
                accepted = !attempt.all.isEmpty
                await attempt.close()
            }
            #expect(accepted)
        }
    }

    @Test func rejectSubscribeAnswersTheNextSubscribesWithTheCode() async throws {
        try await withSimulator { sim in
            let fault = try await TestHTTP.request("\(sim.controlURL)/fault", method: .POST, body: #"{"fault":"rejectSubscribe","code":11000,"count":2}"#)
            #expect(fault.status == 200)
            let ws = try await TestWS.open(sim)
            for attempt in 1...2 {
                ws.send(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD","subId":42}"#)
                let error = try await ws.expect("rejection \(attempt)") { $0["event"]?.string == "error" }
                #expect(error["code"]?.int == 11000)
                #expect(error["subId"]?.int == 42)
                #expect(error["channel"]?.string == "ticker")
            }
            let chan = try await ws.subscribe(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD","subId":42}"#)
            #expect(chan > 0)
            #expect(await sim.stats().faultsInjected["reject_subscribe"] == 1)
            // clear drops pending rejections
            await sim.inject(.rejectSubscribe(code: 10300, count: 5))
            await sim.inject(.clear)
            _ = try await ws.subscribe(#"{"event":"subscribe","channel":"trades","symbol":"tBTCUSD","subId":43}"#)
            await ws.close()
        }
    }

    @Test func rejectSubscribeParsing() throws {
        #expect(try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"rejectSubscribe","code":10400,"count":3}"#).object)) == .rejectSubscribe(code: 10400, count: 3))
        #expect(try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"rejectSubscribe"}"#).object)) == .rejectSubscribe(code: 10300, count: 1))
        #expect(throws: SimulatorFaultParseError.self) { try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"rejectSubscribe","code":-1}"#).object)) }
        #expect(FaultName.names.contains("reject_subscribe"))
        let scenario = try SimulatorScenario(json: #"{"seed":1,"steps":[{"at":0.1,"fault":"rejectSubscribe","code":11000,"count":2}],"random":{"count":3,"within":1,"faults":["rejectSubscribe"]}}"#)
        #expect(scenario.steps.count == 4)
        #expect(scenario.steps.contains { $0.fault == .rejectSubscribe(code: 11000, count: 2) })
    }

    @Test func rejectUnsubscribeAnswersTheNextUnsubscribesWithTheCodeAndKeepsTheChannel() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            let chan = try await ws.subscribe(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD","subId":7}"#)
            let fault = try await TestHTTP.request("\(sim.controlURL)/fault", method: .POST, body: #"{"fault":"rejectUnsubscribe","code":11000,"count":2}"#)
            #expect(fault.status == 200)
            for attempt in 1...2 {
                ws.send(#"{"event":"unsubscribe","chanId":\#(chan)}"#)
                let error = try await ws.expect("rejection \(attempt)") { $0["event"]?.string == "error" }
                #expect(error["code"]?.int == 11000)
                #expect(error["chanId"]?.int == chan)
            }
            // Still subscribed: a duplicate subscribe is refused with 10301.
            ws.send(#"{"event":"subscribe","channel":"ticker","symbol":"tBTCUSD","subId":8}"#)
            let dup = try await ws.expect("dup") { $0["event"]?.string == "error" }
            #expect(dup["code"]?.int == 10301)
            ws.send(#"{"event":"unsubscribe","chanId":\#(chan)}"#)
            let done = try await ws.expect("unsubscribed") { $0["event"]?.string == "unsubscribed" }
            #expect(done["chanId"]?.int == chan)
            #expect(await sim.stats().faultsInjected["reject_unsubscribe"] == 1)
            await ws.close()
        }
    }

    @Test func rejectUnsubscribeParsing() throws {
        #expect(try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"rejectUnsubscribe","code":11000,"count":2}"#).object)) == .rejectUnsubscribe(code: 11000, count: 2))
        #expect(try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"rejectUnsubscribe"}"#).object)) == .rejectUnsubscribe(code: 10300, count: 1))
        #expect(throws: SimulatorFaultParseError.self) { try SimulatorFault(json: try #require(JSONValue.parse(#"{"fault":"rejectUnsubscribe","code":0}"#).object)) }
        #expect(FaultName.names.contains("reject_unsubscribe"))
        let scenario = try SimulatorScenario(json: #"{"seed":1,"steps":[{"at":0.1,"fault":"rejectUnsubscribe","code":10400,"count":3}]}"#)
        #expect(scenario.steps.contains { $0.fault == .rejectUnsubscribe(code: 10400, count: 3) })
    }

    @Test func scenarioRunsSeededSchedule() async throws {
        let json = #"{"seed":3,"steps":[{"at":0.05,"fault":"restart"},{"at":0.1,"fault":"restErrors","count":1}],"random":{"count":4,"within":1,"faults":["corruptChecksum","skipSequence"]}}"#
        let a = try SimulatorScenario(json: json)
        let b = try SimulatorScenario(json: json)
        #expect(a.steps == b.steps)
        #expect(a.steps.count == 6)
        #expect(a.steps.map(\.at) == a.steps.map(\.at).sorted())
        #expect(throws: SimulatorFaultParseError.self) { try SimulatorScenario(json: #"{"steps":[{"at":1,"fault":"bogus"}]}"#) }
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            let task = sim.run(try SimulatorScenario(json: #"{"steps":[{"at":0.05,"fault":"restart"}]}"#))
            try await ws.expect("scenario restart") { $0["code"]?.int == 20051 }
            await task.value
            #expect(await sim.stats().faultsInjected["restart"] == 1)
            await ws.close()
        }
    }
}
