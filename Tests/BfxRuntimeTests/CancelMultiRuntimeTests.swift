import BfxProtocol
import Foundation
import Testing
@testable import BfxRuntime

/// `Runtime.cancelOrders` (`oc_multi`) against the embedded simulator, over the user-data stream
/// and over signed REST; the simulator's own order lists (signed REST reads, not the runtime's
/// account view) confirm the result.
@Suite(.serialized) struct CancelMultiRuntimeTests {
    /// Places a limit buy far below the market (it stays open); returns its id.
    static func place(_ runtime: Runtime, cid: Int64) async throws -> Int64 {
        let result = try await runtime.submitOrder(OrderRequest(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: "0.01", price: "1000", cid: cid))
        return try #require(try UserDataRuntimeTests.orderID(fromNotification: result), "\(result)")
    }

    /// Order ids in a JSON array of ORDER rows.
    static func ids(_ text: String) throws -> Set<Int64> {
        let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]] ?? []
        return Set(rows.compactMap { ($0.first as? NSNumber)?.int64Value })
    }

    /// Open orders as the simulator reports them over signed REST.
    static func simulatorOpen(_ runtime: Runtime) async throws -> Set<Int64> {
        try ids(try await runtime.restCall(path: "auth/r/orders", body: "{}"))
    }

    /// Closed orders (id → status) as the simulator reports them over signed REST.
    static func simulatorClosed(_ runtime: Runtime) async throws -> [Int64: String] {
        let text = try await runtime.restCall(path: "auth/r/orders/hist", body: "{\"limit\":100}")
        let rows = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Any]] ?? []
        var result: [Int64: String] = [:]
        for row in rows where row.count > 13 {
            if let id = (row[0] as? NSNumber)?.int64Value { result[id] = row[13] as? String ?? "" }  // ORDER[13] = STATUS
        }
        return result
    }

    @Test func cancelMultiByIdsAndAllOverTheUserDataStream() async throws {
        let runtime = try UserDataRuntimeTests.makeRuntime()
        try await runtime.start()
        #expect(await runtime.userDataStreams().first?.phase == "ready")
        var placed: [Int64] = []
        for cid in Int64(7_100_001)...7_100_004 { placed.append(try await Self.place(runtime, cid: cid)) }
        #expect(try await Self.simulatorOpen(runtime).isSuperset(of: placed))
        let sentBefore = try #require(await runtime.userDataStreams().first).inputsSent

        // By ids: two of the four, plus one id that is not an open order.
        let byIds = try await runtime.cancelOrders(.ids([placed[0], placed[1], 999_999_999]))
        #expect(byIds.contains("oc_multi-req") && byIds.contains("Cancelled 2 order(s) via WebSocket"), "\(byIds)")
        #expect(byIds.contains("order 999999999 is not open"), "\(byIds)")
        #expect(try Self.ids(Self.infoRows(byIds)) == Set(placed[0...1]))
        let open = try await Self.simulatorOpen(runtime)
        #expect(open.isDisjoint(with: placed[0...1]) && open.isSuperset(of: placed[2...3]))
        let closed = try await Self.simulatorClosed(runtime)
        for id in placed[0...1] { #expect(closed[id]?.hasPrefix("CANCELED") == true, "\(id): \(closed[id] ?? "missing")") }
        #expect(try await Self.ids(runtime.orders()).isDisjoint(with: placed[0...1]))  // the runtime's account view too
        let stream = try #require(await runtime.userDataStreams().first)
        #expect(stream.inputsSent == sentBefore + 1 && stream.inputErrors == 1)  // one input; one id failed

        // Nothing to cancel: an error, and nothing is sent.
        await #expect(throws: RuntimeError.self) { _ = try await runtime.cancelOrders(.ids([999_999_998])) }
        await #expect(throws: RuntimeError.self) { _ = try await runtime.cancelOrders(.ids([])) }
        #expect(await runtime.userDataStreams().first?.inputsSent == sentBefore + 1)

        // All: the rest.
        let all = try await runtime.cancelOrders(.all)
        #expect(all.contains("Cancelled 2 order(s) via WebSocket"), "\(all)")
        #expect(try await Self.simulatorOpen(runtime).isDisjoint(with: placed))
        let closedAll = try await Self.simulatorClosed(runtime)
        for id in placed { #expect(closedAll[id]?.hasPrefix("CANCELED") == true, "\(id): \(closedAll[id] ?? "missing")") }
        await runtime.stop()
    }

    @Test func cancelMultiByGidsOverSignedRESTWithoutAUserDataStream() async throws {
        let runtime = try UserDataRuntimeTests.makeRuntime(UserDataRuntimeTests.simulatorYAML(connections: nil))
        try await runtime.start()
        #expect(await runtime.userDataStreams().isEmpty)
        var placed: [Int64] = []
        for (cid, gid) in [(Int64(7_200_001), 31), (7_200_002, 31), (7_200_003, 32)] {
            let body = "{\"type\":\"EXCHANGE LIMIT\",\"symbol\":\"tBTCUSD\",\"amount\":\"0.01\",\"price\":\"1000\",\"cid\":\(cid),\"gid\":\(gid)}"
            let result = try await runtime.restCall(path: "auth/w/order/submit", body: body)
            placed.append(try #require(try UserDataRuntimeTests.orderID(fromNotification: result), "\(result)"))
        }
        let nonces = await runtime.nonceStats().first?.issued ?? 0
        let result = try await runtime.cancelOrders(.gids([31]))
        #expect(result.contains("oc_multi-req") && !result.contains("via WebSocket"), "\(result)")
        #expect(await runtime.nonceStats().first?.issued ?? 0 == nonces + 1)  // one signed REST call
        let open = try await Self.simulatorOpen(runtime)
        #expect(open.isDisjoint(with: placed[0...1]) && open.contains(placed[2]))
        let byCid = try await runtime.cancelOrders(.cids([(cid: Int64(7_200_003), date: Self.today())]))
        #expect(byCid.contains("oc_multi-req"), "\(byCid)")
        #expect(try await Self.simulatorOpen(runtime).isDisjoint(with: placed))
        await runtime.stop()
    }

    /// The INFO rows of a notification as JSON text.
    static func infoRows(_ notification: String) throws -> String {
        let array = try JSONSerialization.jsonObject(with: Data(notification.utf8)) as? [Any] ?? []
        let info = array.count > 4 ? array[4] : []
        return String(decoding: try JSONSerialization.data(withJSONObject: info), as: UTF8.self)
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
