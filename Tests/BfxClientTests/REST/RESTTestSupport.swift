import BfxClient
import BfxNonce
import BfxProtocol
import BfxSimulator
import Foundation
import Logging
import Testing

/// Starts a simulator with one API key and generous REST limits (manual ticks, deterministic).
func startRESTSimulator(authLimit: Int = 1_000_000) async throws -> BfxSimulator {
    var config = SimulatorConfiguration()
    config.apiKeys = [.init(key: "rest-key", secret: "rest-secret")]
    config.restAuthLimit = .init(requests: authLimit, window: .seconds(60))
    config.restPublicLimit = .init(requests: 1_000_000, window: .seconds(60))
    config.tickMode = .manual
    return try await BfxSimulator.start(config, logger: Logger(label: "sim", factory: { _ in SwiftLogNoOpLogHandler() }))
}

func restClient(_ sim: BfxSimulator, manager: NonceManager = NonceManager(), apiKey: String = "rest-key",
                secret: String = "rest-secret", limits: RESTRateLimits = .unlimited, clock: (any BfxClock)? = nil) -> BfxRESTClient {
    var config = BfxRESTConfiguration.singleHost("http://127.0.0.1:\(sim.port)")
    config.rateLimits = limits
    return BfxRESTClient(configuration: config, credentials: BfxCredentials(apiKey: apiKey, secret: secret),
                         keyID: "rest", nonceManager: manager, clock: clock)
}

/// Polls a real condition with a bounded timeout.
func restEventually(_ what: String, timeout: Duration = .seconds(10), _ condition: () async -> Bool) async throws {
    let start = ContinuousClock.now
    while !(await condition()) {
        if ContinuousClock.now - start > timeout {
            Issue.record("timed out waiting for: \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(2))
    }
}
