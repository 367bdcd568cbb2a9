import BfxProtocol
import BfxRuntime
import Foundation
import Logging
import Testing
@testable import BfxConsole
import BfxConsoleRuntime

/// `order cancel-multi|cancel-all` and `funding offer new|cancel` end to end: console script →
/// `RuntimeConsoleBackend` → `Runtime` → user-data stream → embedded simulator.
@Suite(.serialized) struct RuntimeOrderInputsTests {
    private static func start() async throws -> (Runtime, RuntimeConsoleBackend) {
        var config = try RuntimeBackendTests.quickstartConfig()
        config.logging.level = .critical
        var logger = Logger(label: "test.console")
        logger.logLevel = .critical
        let runtime = Runtime(config: config, options: RuntimeOptions(logger: logger, serveHTTP: false))
        try await runtime.start()
        return (runtime, RuntimeConsoleBackend(runtime: runtime, config: config, version: "test"))
    }

    private static func run(_ backend: RuntimeConsoleBackend, _ lines: [String]) async -> (status: Int32, lines: [JSONValue], errors: String) {
        let sink = BufferedOutputSink()
        let status = await ConsoleRunner.runScript(backend: backend, source: ScriptLineSource(lines: lines), sink: sink, format: .ndjson)
        let values = sink.output.split(separator: "\n").compactMap { try? JSONValue.parseConsole(String($0)) }
        return (status, values, sink.errors)
    }

    @Test func cancelMultiAndFundingOffersThroughTheConsole() async throws {
        let (runtime, backend) = try await Self.start()
        #expect(await runtime.userDataStreams().first?.phase == "ready")
        var ids: [Int64] = []
        for cid in Int64(8_300_001)...8_300_003 {
            let placed = try await backend.submitOrder(ConsoleOrderRequest(symbol: "tBTCUSD", type: "EXCHANGE LIMIT", amount: "0.01", price: "1000", cid: cid))
            guard let id = placed["order"]?["id"].flatMap({ Int64($0.serialized()) }) else {
                Issue.record("no order id in \(placed)")
                await backend.shutdown()
                return
            }
            ids.append(id)
        }
        let cancel = await Self.run(backend, ["order cancel-multi --ids \(ids[0]),\(ids[1])"])
        #expect(cancel.status == 0, "\(cancel.errors)")
        #expect(cancel.lines.first?["type"] == .string("oc_multi-req"))
        #expect(cancel.lines.first?["text"] == .string("Cancelled 2 order(s) via WebSocket"), "\(cancel.lines)")
        let open = try await backend.orders().map(\.id)
        #expect(!open.contains(ids[0]) && !open.contains(ids[1]) && open.contains(ids[2]), "\(open)")

        let offer = await Self.run(backend, ["funding offer new fUSD 100 0.0002 2"])
        #expect(offer.status == 0, "\(offer.errors)")
        #expect(offer.lines.first?["type"] == .string("fon-req"))
        #expect(offer.lines.first?["offer"]?["symbol"] == .string("fUSD"))
        #expect(offer.lines.first?["offer"]?["status"] == .string("ACTIVE"))
        guard let offerID = offer.lines.first?["offer"]?["id"].flatMap({ Int64($0.serialized()) }) else {
            Issue.record("no offer id in \(offer.lines)")
            await backend.shutdown()
            return
        }
        let offerCancel = await Self.run(backend, ["funding offer cancel \(offerID)"])
        #expect(offerCancel.status == 0, "\(offerCancel.errors)")
        #expect(offerCancel.lines.first?["offer"]?["status"] == .string("CANCELED"), "\(offerCancel.lines)")
        // Rejections come back as command errors (status 1), not crashes.
        let again = await Self.run(backend, ["funding offer cancel \(offerID)"])
        #expect(again.status == 1 && again.errors.contains("not an active offer"), "\(again.errors)")

        let rest = await Self.run(backend, ["order cancel-all"])
        // `cancel-all` is `cancelOrders(.all)`; the quickstart's scenario may have orders of its own open, cancelled too.
        #expect(rest.status == 0 && rest.lines.first?["type"] == .string("oc_multi-req"), "\(rest.errors)")
        #expect(rest.lines.first?["info"]?.serialized().contains("[\(ids[2]),") == true, "\(rest.lines)")
        #expect(try await !backend.orders().map(\.id).contains(ids[2]))
        await backend.shutdown()
    }
}
