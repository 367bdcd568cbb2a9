import BfxClient
import BfxNonce
import Foundation
import Testing
@testable import BfxRuntime

/// One source of truth for defaults: a YAML file that omits a key must configure the library
/// exactly as library code that omits the argument. These tests decode an empty file, turn it
/// into the library configurations the runtime builds, and compare them with the library's own
/// defaults, so a default changed on one side only fails here.
@Suite struct ConfigDefaultsTests {
    private static func emptyConfig() throws -> RuntimeConfig {
        try ConfigLoader.load(yaml: "", file: "empty.yaml", environment: [:]).config
    }

    @Test func webSocketDefaultsAreTheLibrarys() throws {
        let config = try Self.emptyConfig()
        let urls = EndpointConfig.liveURLs
        let built = Runtime.clientConfiguration(config, urls: urls)
        let library = BfxClientConfiguration(publicURL: urls.wsPublic, authenticatedURL: urls.wsAuth)
        #expect(built.maxSubscriptionsPerConnection == library.maxSubscriptionsPerConnection)
        #expect(built.heartbeatTimeout == library.heartbeatTimeout)
        #expect(built.pingInterval == library.pingInterval)
        #expect(built.connectTimeout == library.connectTimeout)
        #expect(built.checksum == library.checksum)
        #expect(built.sequenceNumbers == library.sequenceNumbers)
        #expect(built.timestamps == library.timestamps)
        #expect(built.publicRateLimit == library.publicRateLimit)
        #expect(built.authenticatedRateLimit == library.authenticatedRateLimit)
        #expect(built.buffering == library.buffering)
        #expect(built.maxMessageSize == library.maxMessageSize)
        #expect(built.reconnect == library.reconnect)
        #expect(built.reconnect == ReconnectPolicy.standard)
        #expect(built.checksumPolicy == library.checksumPolicy)
        #expect(built.checksumPolicy == ChecksumPolicy.standard)
    }

    @Test func nonceDefaultsAreTheLibrarys() throws {
        let config = try Self.emptyConfig()
        let built = Runtime.nonceConfiguration(config.nonce)
        let library = NonceManagerConfiguration()
        #expect(built.priorityClasses == library.priorityClasses)
        #expect(built.agingStep == library.agingStep)
        #expect(built.historyCapacity == library.historyCapacity)
        #expect(built.waitSampleCapacity == library.waitSampleCapacity)
        #expect(built.retryOnNonceTooSmall == library.retryOnNonceTooSmall)
        // A class declared without `limit:` gets the library's queue limit too.
        let custom = try ConfigLoader.load(yaml: "nonce: {classes: [{name: only}]}", file: "c.yaml", environment: [:]).config
        #expect(custom.nonce.classes.first?.limit == NoncePriorityClass.defaultMaxQueued)
        #expect(config.keys.isEmpty && NonceStoreConfig().kind == .memory)
    }

    @Test func restRateLimitDefaultsAreTheLibrarys() throws {
        let config = try Self.emptyConfig()
        let built = Runtime.restRateLimits(config.rateLimits)
        let library = RESTRateLimits()
        #expect(built.authPerMinute == library.authPerMinute)
        #expect(built.publicPerMinute == library.publicPerMinute)
        #expect(built.overrides == library.overrides)
    }

    /// The values decided when the two sides were unified (docs/configuration.md lists them).
    @Test func decidedValues() throws {
        let config = try Self.emptyConfig()
        #expect(config.websocket.reconnect.initialDelay == ConfigDuration(milliseconds: 250))
        #expect(config.websocket.sequence)
        #expect(config.nonce.aging == .seconds(2))
        #expect(config.nonce.historySize == 1000)
        #expect(config.nonce.classes.map(\.limit) == [1000, 1000, 1000, 1000])
        #expect(config.rateLimits.restPublicPerMinute == 30 && config.rateLimits.restAuthPerMinute == 45)
    }

    /// Every YAML jitter value maps to a strategy the library implements (`equal` used to be
    /// accepted and silently run as `full`); it is now rejected with the allowed values.
    @Test func jitterValuesAreTheLibrarys() throws {
        #expect(ReconnectConfig.Jitter.allCases.map(\.policyJitter.rawValue) == ReconnectConfig.Jitter.allCases.map(\.rawValue))
        #expect(Set(ReconnectConfig.Jitter.allCases.map(\.rawValue)) == Set(ReconnectPolicy.Jitter.allCases.map(\.rawValue)))
        #expect(throws: ConfigError.self) {
            _ = try ConfigLoader.load(yaml: "websocket: {reconnect: {jitter: equal}}", file: "j.yaml", environment: [:])
        }
    }

    @Test func durationFromLibraryValue() {
        #expect(ConfigDuration(Duration.milliseconds(250)) == ConfigDuration(milliseconds: 250))
        #expect(ConfigDuration(Duration.seconds(20)) == .seconds(20))
        #expect(ConfigDuration(Duration.microseconds(1500)) == ConfigDuration(milliseconds: 2))
    }
}

extension ConfigDefaultsTests {
    /// `bfxrun init` prints the defaults: its library-backed sections decode to the same values.
    @Test func initTemplateShowsTheDefaults() throws {
        let config = try ConfigLoader.load(yaml: DefaultConfigTemplate.text, file: "init.yaml", environment: [:]).config
        let defaults = RuntimeConfig()
        #expect(config.websocket == defaults.websocket)
        #expect(config.nonce == defaults.nonce)
        #expect(config.rateLimits == defaults.rateLimits)
    }
}
