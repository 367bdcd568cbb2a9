import BfxProtocol
import Testing
@testable import BfxClient

/// `UserDataClient.sendRaw`: validation (JSON, no `auth`), the connection requirement, and raw
/// frames reaching the embedded simulator with their responses on the normal event stream.
@Suite(.serialized, .timeLimit(.minutes(1))) struct UserDataRawFrameTests {
    static func isBalanceUpdate(_ event: UserDataEvent) -> Bool {
        if case .message(.balanceUpdate) = event { return true }
        return false
    }

    @Test func rawCalcFrameIsAnsweredOnTheEventStream() async throws {
        let s = try await UserDataSimulatorTests.Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let balancesBefore = s.recorder.events.filter(Self.isBalanceUpdate).count
        let sentBefore = await s.client.status.framesSent

        try await s.client.sendRaw(#"[0,"calc",null,[["balance"]]]"#)

        // The simulator answers `calc balance` with a `bu`, delivered like any other message.
        try await s.recorder.wait(count: balancesBefore + 1, timeout: .seconds(10), Self.isBalanceUpdate)
        #expect(await s.client.status.framesSent == sentBefore + 1)
        // The connection stays usable afterwards (a raw ping is accepted too).
        try await s.client.sendRaw(#"{"event":"ping","cid":1234}"#)
        #expect(await s.client.currentPhase == .ready)
    }

    @Test func authEventIsRefusedEvenWhenConnected() async throws {
        let s = try await UserDataSimulatorTests.Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let sentBefore = await s.client.status.framesSent
        await #expect(throws: UserDataError.rawAuthRefused) {
            try await s.client.sendRaw(#"{"event":"auth","apiKey":"alice-key","authSig":"x","authNonce":"1","authPayload":"AUTH1"}"#)
        }
        await #expect(throws: UserDataError.rawAuthRefused) {
            try await s.client.sendRaw(#" { "event" : "AUTH" } "#)
        }
        #expect(await s.client.status.framesSent == sentBefore)  // nothing was written
        #expect(await s.client.currentPhase == .ready)
    }

    @Test func invalidJSONIsRejectedBeforeAnythingIsSent() async throws {
        let s = try await UserDataSimulatorTests.Setup.make()
        defer { Task { await s.shutdown() } }
        try await s.client.start()
        let sentBefore = await s.client.status.framesSent
        for text in ["", "[0,\"calc\"", "{event: ping}", "[1] [2]"] {
            do {
                try await s.client.sendRaw(text)
                Issue.record("accepted invalid JSON: \(text)")
            } catch let error as UserDataError {
                guard case .invalidRawFrame = error else {
                    Issue.record("unexpected error for \(text): \(error)")
                    continue
                }
            }
        }
        #expect(await s.client.status.framesSent == sentBefore)
    }

    @Test func notConnectedBeforeStart() async throws {
        let s = try await UserDataSimulatorTests.Setup.make()
        defer { Task { await s.shutdown() } }
        await #expect(throws: UserDataError.notConnected) {
            try await s.client.sendRaw(#"{"event":"ping"}"#)
        }
    }
}
