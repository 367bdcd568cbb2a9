import Foundation
import Hummingbird
import Synchronization
import Testing
@testable import BfxRuntime

@Suite struct WebhookTests {
    @Test func postsAlertJSONToLoopbackServer() async throws {
        let received = Mutex<[String]>([])
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            received.withLock { $0.append(String(buffer: body)) }
            return .ok
        }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) },
                              logger: TestSupport.quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.run() }
            var port = 0
            for await p in ports { port = p; break }
            #expect(port > 0)
            var engine = AlertEngine(rules: [AlertRuleConfig(name: "storm", kind: .reconnects, threshold: 1)])
            var inputs = AlertInputs()
            _ = engine.evaluate(at: 0, inputs: inputs)
            inputs.reconnects = 2
            let transition = try #require(engine.evaluate(at: 1, inputs: inputs).first)
            try await WebhookSender().send(transition, to: "http://127.0.0.1:\(port)/hook")
            let bodies = received.withLock { $0 }
            #expect(bodies.count == 1)
            let payload = try JSONDecoder.iso.decode(WebhookSender.Payload.self, from: Data(bodies[0].utf8))
            #expect(payload.event == "fired")
            #expect(payload.alert.name == "storm")
            #expect(payload.alert.state == .firing)
            // Non-2xx is an error.
            await #expect(throws: WebhookError.self) {
                try await WebhookSender().send(transition, to: "http://127.0.0.1:\(port)/missing")
            }
            group.cancelAll()
        }
    }
}

extension JSONDecoder {
    static var iso: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
