import BfxClient
import Testing
@testable import BfxRuntime

/// `websocket.checksum_policy`: values reach the client configuration; bad values are typed
/// issues at their position with the allowed values or a did-you-mean.
@Suite struct ChecksumPolicyConfigTests {
    @Test func valuesReachTheClientConfiguration() throws {
        let yaml = """
        websocket:
          checksum_policy: {trading: observe, funding: ignore, observe_resync_window: 90s}
        """
        let config = try ConfigLoader.load(yaml: yaml, file: "cs.yaml", environment: [:]).config
        let policy = Runtime.clientConfiguration(config, urls: EndpointConfig.liveURLs).checksumPolicy
        #expect(policy == ChecksumPolicy(trading: .observe, funding: .ignore, observeResyncWindow: .seconds(90)))
        // Omitted keys keep the library's defaults.
        let partial = try ConfigLoader.load(yaml: "websocket:\n  checksum_policy: {funding: resync}\n", file: "p.yaml", environment: [:]).config
        #expect(partial.websocket.checksumPolicy.policy == ChecksumPolicy(funding: .resync))
        #expect(ConfigLoader.render(partial).contains("checksum_policy"))
    }

    @Test func badValuesAreTypedIssuesWithHints() throws {
        let yaml = """
        websocket:
          checksum_policy:
            trading: resynch
            funding: 3
            observe_resync_window: 0s
            window: 10m
        """
        do {
            _ = try ConfigLoader.load(yaml: yaml, file: "bad.yaml", environment: [:])
            Issue.record("expected failure")
        } catch {
            guard case .invalid(let issues) = error else { Issue.record("wrong error \(error)"); return }
            func find(_ path: String) -> ConfigIssue? { issues.first { $0.path == path } }
            let trading = try #require(find("websocket.checksum_policy.trading"))
            #expect(trading.kind == .invalidValue && trading.line == 3)
            #expect(trading.hint?.contains("resync") == true)
            let funding = try #require(find("websocket.checksum_policy.funding"))
            #expect(funding.kind == .invalidValue || funding.kind == .wrongType)
            #expect(find("websocket.checksum_policy.observe_resync_window")?.kind == .outOfRange)
            let window = try #require(find("websocket.checksum_policy.window"))
            #expect(window.kind == .unknownKey && window.hint?.contains("observe_resync_window") == true)
        }
    }
}
