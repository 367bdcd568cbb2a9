import Foundation
import Testing
@testable import BfxRuntime

/// `Runtime.submitFundingOffer` / `cancelFundingOffer` over the user-data stream of the
/// embedded simulator (its demo account has 20 000 USD in the funding wallet).
@Suite(.serialized) struct FundingRuntimeTests {
    /// NOTIFY_INFO of a notification as a FUNDING OFFER row.
    static func offerRow(_ notification: String) throws -> [Any] {
        let array = try JSONSerialization.jsonObject(with: Data(notification.utf8)) as? [Any] ?? []
        return try #require(array.count > 4 ? array[4] as? [Any] : nil, "\(notification)")
    }

    @Test func offerSubmitAndCancelGoThroughTheUserDataStream() async throws {
        let runtime = try UserDataRuntimeTests.makeRuntime()
        try await runtime.start()
        #expect(await runtime.userDataStreams().first?.phase == "ready")
        let before = try #require(await runtime.userDataStreams().first)
        let nonces = await runtime.nonceStats().first?.issued ?? 0

        let placed = try await runtime.submitFundingOffer(symbol: "fUSD", amount: "150", rate: "0.0002", period: 2)
        #expect(placed.contains("fon-req") && placed.contains("Submitted via WebSocket"), "\(placed)")
        let row = try Self.offerRow(placed)
        let id = try #require((row.first as? NSNumber)?.int64Value)
        #expect(row[1] as? String == "fUSD" && (row[4] as? NSNumber)?.doubleValue == 150 && row[10] as? String == "ACTIVE")
        #expect((row[15] as? NSNumber)?.intValue == 2)

        // Over the simulator's limit (funding wallet 20 000 USD, 150 already offered): rejected with the server text.
        do {
            _ = try await runtime.submitFundingOffer(symbol: "fUSD", amount: "19900", rate: "0.0002", period: 2)
            Issue.record("an offer above the funding balance was accepted")
        } catch RuntimeError.callFailed(let reason) {
            #expect(reason.contains("not enough balance"), "\(reason)")
        }

        let cancelled = try await runtime.cancelFundingOffer(id: id)
        #expect(cancelled.contains("foc-req") && cancelled.contains("Cancelled via WebSocket"), "\(cancelled)")
        let closed = try Self.offerRow(cancelled)
        #expect((closed.first as? NSNumber)?.int64Value == id && closed[10] as? String == "CANCELED")
        // The stream saw the simulator's `foc`: a second cancel fails at once, without being sent.
        do {
            _ = try await runtime.cancelFundingOffer(id: id)
            Issue.record("a cancelled offer was cancelled again")
        } catch RuntimeError.callFailed(let reason) {
            #expect(reason.contains("not an active offer"), "\(reason)")
        }
        // Invalid arguments never reach the stream.
        await #expect(throws: RuntimeError.self) { _ = try await runtime.submitFundingOffer(symbol: "tBTCUSD", amount: "1", rate: "0.0002", period: 2) }
        await #expect(throws: RuntimeError.self) { _ = try await runtime.submitFundingOffer(symbol: "fUSD", amount: "1", rate: "0.0002", period: 1) }

        let after = try #require(await runtime.userDataStreams().first)
        #expect(after.inputsSent == before.inputsSent + 3 && after.inputErrors == before.inputErrors + 1)
        #expect(await runtime.nonceStats().first?.issued ?? 0 == nonces)  // WebSocket inputs need no nonce
        await runtime.stop()
    }
}
