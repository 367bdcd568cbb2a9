import BfxTestSupport
import BfxProtocol
import Foundation
import Testing
@testable import BfxSimulator

/// Burst mode through the control endpoint (`POST /_sim/burst`, `GET /_sim/pending`): the frames
/// it releases are the ones live ticking would have sent, so a subscribed client sees every one.
@Suite struct BurstRouteTests {
    @Test func burstOverControlEndpointReleasesTicksToSubscribers() async throws {
        try await withSimulator { sim in
            let ws = try await TestWS.open(sim)
            defer { Task { await ws.close() } }
            let chan = try await ws.subscribe(#"{"event":"subscribe","channel":"trades","symbol":"tBTCUSD"}"#)
            ws.markAll()
            let reply = try await TestHTTP.request("\(sim.controlURL)/burst?ticks=50", method: .POST)
            #expect(reply.status == 200)
            let body = try JSONValue.parse(reply.body)
            #expect(body["ticks"]?.int == 50)
            #expect(body["connections"]?.int == 1)
            let frames = try #require(body["frames"]?.int)
            #expect(frames > 0)
            // Every released frame reaches the client; the queue drains to zero.
            _ = try await ws.expect("a trades frame of the burst") { $0.at(0)?.int == chan }
            let deadline = ContinuousClock.now + .seconds(10)
            var pending = -1
            while ContinuousClock.now < deadline {
                let state = try await TestHTTP.request("\(sim.controlURL)/pending")
                pending = try JSONValue.parse(state.body)["pendingFrames"]?.int ?? -1
                if pending == 0 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(pending == 0)
        }
    }

    @Test func burstTicksAreClampedToABound() async throws {
        try await withSimulator { sim in
            let reply = try await TestHTTP.request("\(sim.controlURL)/burst?ticks=0", method: .POST)
            #expect(reply.status == 200)
            #expect(try JSONValue.parse(reply.body)["ticks"]?.int == 1)
        }
    }
}
