import BfxProtocol
import Synchronization

/// Verifies signed local requests exactly as Bitfinex verifies them (REST: HMAC-SHA384 over
/// `/api/v2/<path><nonce><raw body>`; WebSocket: over `AUTH<nonce>`), finds the account and local
/// key, checks permissions, and rejects an exact replay of a request already seen. Local nonces
/// need not increase: bots that share a key never get `10114` from the gateway.
final class SignedRequestVerifier: Sendable {
    /// Who signed a request.
    struct Signer: Sendable {
        let account: Int
        let name: String
        let permissions: Set<GatewayAccount.Permission>
    }

    /// Why a request is refused, with Bitfinex's answer.
    enum Refusal: Error, Equatable {
        case unknownKey
        case badSignature
        case replayed
        case badNonce
        case permission

        var code: Int {
            switch self {
            case .unknownKey, .badSignature, .replayed, .badNonce: 10100
            case .permission: 10001
            }
        }

        var message: String {
            switch self {
            case .unknownKey: "apikey: invalid"
            case .badSignature: "apikey: digest invalid"
            case .replayed: "apikey: request replayed"
            case .badNonce: "nonce: invalid"
            case .permission: "api_key: permission invalid"
            }
        }

        /// `["error",CODE,"MSG"]`.
        var body: String { JSONValue.array([.string("error"), .number(WireNumber(code)), .string(message)]).serialized() }
    }

    private struct Credential: Sendable {
        let account: Int
        let name: String
        let secret: BfxSecret
        let permissions: Set<GatewayAccount.Permission>
    }

    /// Signatures seen, kept this many (oldest forgotten first): a replay older than that window is
    /// no longer recognised, which is why the window is large.
    static let replayWindow = 200_000
    private let credentials: [String: Credential]
    private let seen = Mutex<(set: Set<String>, order: [String], head: Int)>((Set(), [], 0))

    init(accounts: [GatewayAccount]) {
        var map: [String: Credential] = [:]
        for (index, account) in accounts.enumerated() {
            for key in account.localKeys {
                map[key.apiKey] = Credential(account: index, name: key.name, secret: key.secret, permissions: key.permissions)
            }
            if account.acceptUpstreamCredentials, let upstream = account.upstreamCredentials {
                map[upstream.apiKey] = Credential(account: index, name: account.name + "(upstream key)", secret: upstream.secret,
                                                  permissions: Set(GatewayAccount.Permission.allCases))
            }
        }
        credentials = map
    }

    /// Checks a REST request; `path` is after `/v2/`.
    func verifyREST(apiKey: String?, nonce: String?, signature: String?, path: String, body: String) -> Result<Signer, Refusal> {
        guard let apiKey, let credential = credentials[apiKey] else { return .failure(.unknownKey) }
        guard let nonce, let value = Int64(nonce), value > 0, value <= BfxSignature.maxNonce else { return .failure(.badNonce) }
        guard let signature, BfxSignature.verify(secret: credential.secret, message: BfxSignature.signaturePath(path) + nonce + body,
                                                 signature: signature) else { return .failure(.badSignature) }
        guard remember(apiKey + ":" + signature) else { return .failure(.replayed) }
        guard let needed = GatewayAccount.permission(forPath: path), credential.permissions.contains(needed) else {
            return .failure(.permission)
        }
        return .success(Signer(account: credential.account, name: credential.name, permissions: credential.permissions))
    }

    /// Checks a WebSocket `auth` (payload must be `AUTH<nonce>`).
    func verifyAuth(apiKey: String, payload: String, nonce: Int64, signature: String) -> Result<Signer, Refusal> {
        guard let credential = credentials[apiKey] else { return .failure(.unknownKey) }
        guard payload == "AUTH\(nonce)", nonce > 0, nonce <= BfxSignature.maxNonce else { return .failure(.badNonce) }
        guard BfxSignature.verify(secret: credential.secret, message: payload, signature: signature) else { return .failure(.badSignature) }
        guard remember(apiKey + ":" + signature) else { return .failure(.replayed) }
        return .success(Signer(account: credential.account, name: credential.name, permissions: credential.permissions))
    }

    /// The account and local key name of `apiKey` (audit entries of refused calls), if known.
    func signer(apiKey: String?) -> Signer? {
        guard let apiKey, let credential = credentials[apiKey] else { return nil }
        return Signer(account: credential.account, name: credential.name, permissions: credential.permissions)
    }

    /// Records a signature; false when it was already seen.
    private func remember(_ id: String) -> Bool {
        seen.withLock { s in
            guard s.set.insert(id).inserted else { return false }
            if s.order.count < Self.replayWindow {
                s.order.append(id)
            } else {
                s.set.remove(s.order[s.head])
                s.order[s.head] = id
                s.head = (s.head + 1) % Self.replayWindow
            }
            return true
        }
    }
}
