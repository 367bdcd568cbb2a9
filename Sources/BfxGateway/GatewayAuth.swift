import BfxProtocol
import Synchronization

/// Local WebSocket authentication: which account fan-out each local connection joined.
final class GatewayAuth: Sendable {
    let verifier: SignedRequestVerifier
    let fanouts: [AccountFanout]
    private let joined = Mutex<[Int: Int]>([:])  // client id → index in fanouts

    init(verifier: SignedRequestVerifier, fanouts: [AccountFanout]) {
        self.verifier = verifier
        self.fanouts = fanouts
    }

    /// Handles a local `auth` event: Bitfinex's answer on failure, the account stream on success.
    func authenticate(_ client: LocalClient, _ object: JSONObject, nowNanos: UInt64) async {
        func fail(_ code: Int, _ msg: String) {
            client.noteRejected()
            client.outbox.sendEvent("{\"event\":\"auth\",\"status\":\"FAILED\",\"chanId\":0,\"code\":\(code),\"msg\":\"\(msg)\"}", nowNanos: nowNanos)
        }
        guard joined.withLock({ $0[client.id] }) == nil else { fail(10100, "auth: dup"); return }
        guard let apiKey = object["apiKey"]?.string, let signature = object["authSig"]?.string,
              let payload = object["authPayload"]?.string else { fail(10100, "apikey: invalid"); return }
        let nonce: Int64? = object["authNonce"]?.int64 ?? object["authNonce"]?.string.flatMap { Int64($0) }
        guard let nonce else { fail(10100, "nonce: invalid"); return }
        switch verifier.verifyAuth(apiKey: apiKey, payload: payload, nonce: nonce, signature: signature) {
        case .failure(let refusal):
            fail(refusal.code, refusal.message)
        case .success(let signer):
            guard let index = fanouts.firstIndex(where: { $0.index == signer.account }) else {
                fail(10100, "auth: no authenticated session is configured for this key")
                return
            }
            joined.withLock { $0[client.id] = index }
            await fanouts[index].authenticate(client, signer: signer, request: object)
        }
    }

    /// The fan-out a client authenticated with, if any.
    func fanout(for clientID: Int) -> AccountFanout? {
        joined.withLock { $0[clientID] }.map { fanouts[$0] }
    }

    /// A local connection closed.
    func disconnected(_ clientID: Int) async {
        guard let index = joined.withLock({ $0.removeValue(forKey: clientID) }) else { return }
        await fanouts[index].clientGone(clientID)
    }
}
