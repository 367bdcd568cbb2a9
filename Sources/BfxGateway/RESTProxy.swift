import BfxClient
import BfxProtocol
import NIOCore
import Synchronization

/// Public REST `GET /v2/…` for local clients: one shared per-endpoint budget (the gateway's
/// ``BfxClient/BfxRESTClient``), optional per-path caching, Bitfinex's rate-limit answer given
/// locally when the budget cannot grant a token within `restWait`.
final class RESTProxy: Sendable {
    struct Answer: Sendable {
        var status: Int
        var contentType: String
        var body: ByteBuffer
        var cached: Bool
    }

    private struct CacheEntry {
        var expiresNanos: UInt64
        var answer: Answer
    }

    /// Bitfinex's rate-limit error body (HTTP 429).
    static let rateLimitBody = "[\"error\",11010,\"ratelimit: error\"]"
    /// The most cached answers kept (oldest dropped first).
    static let maxCacheEntries = 1_024

    private let rest: BfxRESTClient
    private let configuration: GatewayConfiguration
    private let clock: any BfxClock
    private let cache = Mutex<[String: CacheEntry]>([:])
    private let counters = Mutex<(forwarded: Int, cached: Int, limited: Int, failed: Int)>((0, 0, 0, 0))

    init(rest: BfxRESTClient, configuration: GatewayConfiguration, clock: any BfxClock) {
        self.rest = rest
        self.configuration = configuration
        self.clock = clock
    }

    /// Answers `GET /v2/<pathAndQuery>`.
    func get(_ pathAndQuery: String) async -> Answer {
        let now = clock.monotonicNanos()
        let rule = configuration.restCache.first { pathAndQuery.hasPrefix($0.path) }
        if rule != nil, let hit = cache.withLock({ c -> Answer? in
            guard let entry = c[pathAndQuery], entry.expiresNanos > now else { return nil }
            return entry.answer
        }) {
            counters.withLock { $0.cached += 1 }
            var answer = hit
            answer.cached = true
            return answer
        }
        do {
            guard let response = try await rest.forwardPublic(pathAndQuery: pathAndQuery, maxWait: configuration.restWait) else {
                counters.withLock { $0.limited += 1 }
                return Answer(status: 429, contentType: "application/json", body: ByteBuffer(string: Self.rateLimitBody), cached: false)
            }
            counters.withLock { $0.forwarded += 1 }
            let answer = Answer(status: response.status, contentType: response.contentType ?? "application/json",
                                body: response.body, cached: false)
            if let rule, (200..<300).contains(response.status) {
                cache.withLock { c in
                    if c.count >= Self.maxCacheEntries, let oldest = c.min(by: { $0.value.expiresNanos < $1.value.expiresNanos })?.key {
                        c.removeValue(forKey: oldest)
                    }
                    c[pathAndQuery] = CacheEntry(expiresNanos: clock.monotonicNanos() &+ rule.ttl.nanosecondsClamped, answer: answer)
                }
            }
            return answer
        } catch {
            counters.withLock { $0.failed += 1 }
            let body = JSONValue.array([.string("error"), .number(10000), .string("gateway: upstream unavailable")]).serialized()
            return Answer(status: 502, contentType: "application/json", body: ByteBuffer(string: body), cached: false)
        }
    }

    /// Forwarded, cached, locally rate-limited and failed calls so far.
    var stats: (forwarded: Int, cached: Int, limited: Int, failed: Int) { counters.withLock { $0 } }
}
