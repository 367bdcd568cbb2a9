import BfxClient
import BfxNonce
import BfxProtocol
import DequeModule
import Logging
import NIOCore
import Synchronization

/// One signed REST call as the gateway saw it (`gateway log`): never a secret or signature.
public struct GatewayAuditEntry: Sendable, Hashable, Codable {
    /// When it arrived, Unix milliseconds.
    public var atMillis: Int64
    /// The local key's name (or `-` when the key was unknown).
    public var localKey: String
    /// The account (upstream key name), or `-`.
    public var account: String
    /// The path after `/v2/`.
    public var path: String
    /// The nonce it was re-signed with upstream (nil when not forwarded).
    public var upstreamNonce: Int64?
    /// HTTP status returned to the local program.
    public var status: Int
    /// `forwarded`, `rate_limited`, or the refusal (`unknown_key`, `bad_signature`, `replayed`,
    /// `permission`, `bad_nonce`, `body_too_large`, `upstream_error`).
    public var outcome: String
    /// Time from arrival to answer, milliseconds.
    public var latencyMillis: Double
}

/// Signed REST `POST /v2/auth/…` for local programs: verified, re-signed with the account's key
/// and a nonce from its lane, forwarded, answered verbatim (docs/gateway.md).
final class SignedRESTProxy: Sendable {
    static let auditCapacity = 2_000
    private let accounts: [GatewayAccount]
    private let verifier: SignedRequestVerifier
    private let configuration: GatewayConfiguration
    private let clock: any BfxClock
    private let logger: Logger
    /// The newest ``auditCapacity`` entries (a deque: dropping the oldest is O(1) per call).
    private let audit = Mutex<Deque<GatewayAuditEntry>>([])

    init(accounts: [GatewayAccount], verifier: SignedRequestVerifier, configuration: GatewayConfiguration,
         clock: any BfxClock, logger: Logger) {
        self.accounts = accounts
        self.verifier = verifier
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    var isEnabled: Bool { !accounts.isEmpty }

    /// Answers one signed call.
    func post(path: String, apiKey: String?, nonce: String?, signature: String?, body: String?) async -> RESTProxy.Answer {
        let start = clock.monotonicNanos()
        let at = Int64(clock.wallMicros() / 1_000)
        func answer(_ status: Int, _ text: String, signer: SignedRequestVerifier.Signer?, outcome: String, upstreamNonce: Int64? = nil,
                    bytes: ByteBuffer? = nil, contentType: String = "application/json") -> RESTProxy.Answer {
            let entry = GatewayAuditEntry(
                atMillis: at, localKey: signer?.name ?? "-", account: signer.map { accounts[$0.account].name } ?? "-", path: path,
                upstreamNonce: upstreamNonce, status: status, outcome: outcome,
                latencyMillis: Double(clock.monotonicNanos() &- start) / 1e6)
            audit.withLock { log in
                if log.count >= Self.auditCapacity { log.removeFirst(log.count - Self.auditCapacity + 1) }
                log.append(entry)  // Deque: removeFirst is O(1), not a move of 2,000 entries per call
            }
            logger.info("gateway signed call", metadata: [
                "localKey": "\(entry.localKey)", "account": "\(entry.account)", "path": "\(path)", "status": "\(status)",
                "outcome": "\(outcome)", "nonce": "\(upstreamNonce.map(String.init) ?? "-")", "ms": "\(entry.latencyMillis)",
            ])
            return RESTProxy.Answer(status: status, contentType: contentType, body: bytes ?? ByteBuffer(string: text), cached: false)
        }
        guard let body else {
            return answer(400, JSONValue.array([.string("error"), .number(10020), .string("request: body too large")]).serialized(),
                          signer: nil, outcome: "body_too_large")
        }
        let signer: SignedRequestVerifier.Signer
        switch verifier.verifyREST(apiKey: apiKey, nonce: nonce, signature: signature, path: path, body: body) {
        case .success(let s): signer = s
        case .failure(let refusal):
            let outcome = switch refusal {
            case .unknownKey: "unknown_key"
            case .badSignature: "bad_signature"
            case .replayed: "replayed"
            case .badNonce: "bad_nonce"
            case .permission: "permission"
            }
            return answer(500, refusal.body, signer: verifier.signer(apiKey: apiKey), outcome: outcome)
        }
        let account = accounts[signer.account]
        let priority = account.priorityRules.first { rule in
            (rule.pathPrefix.map { path.hasPrefix($0) } ?? true) && (rule.localKey.map { $0 == signer.name } ?? true)
        }?.priority
        do {
            let response = try await account.rest.forwardSigned(path: path, body: body, priority: priority,
                                                                label: "gateway:\(signer.name) \(path)", maxWait: configuration.restWait)
            return answer(response.status, "", signer: signer, outcome: "forwarded", upstreamNonce: response.nonce,
                          bytes: response.body, contentType: response.contentType ?? "application/json")
        } catch BfxRESTClient.ForwardRefusal.rateLimited {
            return answer(429, RESTProxy.rateLimitBody, signer: signer, outcome: "rate_limited")
        } catch let BfxRESTError.api(apiError, httpStatus, _) {
            // only an exhausted 10114 retry gets here: pass Bitfinex's answer on
            let text = JSONValue.array([.string("error"), .number(WireNumber(apiError.code?.rawValue ?? 10000)), .string(apiError.message)]).serialized()
            return answer(httpStatus, text, signer: signer, outcome: "upstream_error")
        } catch {
            let text = JSONValue.array([.string("error"), .number(10000), .string("gateway: upstream unavailable")]).serialized()
            return answer(502, text, signer: signer, outcome: "upstream_error")
        }
    }

    /// The newest `limit` audit entries, oldest first.
    func auditLog(limit: Int) -> [GatewayAuditEntry] { audit.withLock { Array($0.suffix(max(0, limit))) } }
}
