import BfxNonce
import BfxProtocol
import Testing
@testable import BfxClient
import BfxTestSupport

/// Everything a user-data unit test needs: fake server, manual clock, nonce manager, client.
struct UserDataHarness {
    static let wallNow: Int64 = 1_700_000_000_000

    let server = FakeAccountServer()
    let clock = ManualClock()
    let nonces = NonceManager()
    let recorder = EventRecorder()
    let client: UserDataClient

    init(configure: (inout UserDataConfiguration) -> Void = { _ in }) async {
        var configuration = UserDataConfiguration(
            authTimeout: .seconds(5), requestTimeout: .seconds(5), outageBufferCapacity: 8,
            outageBufferMaxAge: .seconds(30), snapshotTimeout: .seconds(2),
            reconnect: ReconnectPolicy(initialDelay: .seconds(1), multiplier: 1, maxDelay: .seconds(1), jitter: .none),
            jitterSeed: 1, heartbeatTimeout: nil)
        configure(&configuration)
        client = UserDataClient(
            credentials: BfxCredentials(apiKey: "test-key", secret: "test-secret"),
            configuration: configuration, transport: server.transport, nonceManager: nonces,
            reconciliation: FakeRESTSource(server: server), clock: clock,
            wallMillis: { UserDataHarness.wallNow })
        let recorder = self.recorder
        await client.addEventHandler { recorder.record($0) }
    }

    /// Waits (bounded) until `condition` holds, yielding to let the client's tasks run.
    func until(_ what: String = "condition", _ condition: () async -> Bool) async throws {
        let start = ContinuousClock.now
        var polls = 0
        while !(await condition()) {
            polls += 1
            if ContinuousClock.now - start > .seconds(10) || polls > 1_000_000 {
                Issue.record("timed out waiting for \(what)")
                throw EventRecorder.WaitTimeout(description: what)
            }
            await Task.yield()
        }
    }

    func readyCount() -> Int { recorder.events.filter { if case .ready = $0 { true } else { false } }.count }
}

extension UserDataEvent {
    var isReady: Bool { if case .ready = self { true } else { false } }
    var isReconnectReady: Bool { if case .ready(true) = self { true } else { false } }
    var isReconnecting: Bool { if case .reconnecting = self { true } else { false } }
    var isDisconnected: Bool { if case .disconnected = self { true } else { false } }
    var offlineReport: OfflineChangeReport? { if case let .offlineChanges(report) = self { report } else { nil } }
}
