import BfxProtocol

extension SimulatorEngine {
    /// Outcome of checking a signed request (WS auth or REST).
    enum AuthCheck: Sendable, Equatable {
        case ok(SimulatorConfiguration.APIKey.Ref)
        case failed(code: Int, msg: String)
    }

    /// Verifies key, signature and nonce, in that order (a request with a bad signature does not
    /// consume its nonce).
    func verifySigned(apiKey: String, payload: String, signature: String, nonce: Int64?) -> AuthCheck {
        guard let key = keysByName[apiKey] else {
            return .failed(code: 10100, msg: "apikey: invalid")
        }
        guard SignatureCheck.verify(secret: key.secret, payload: payload, signature: signature) else {
            nonceLedger.countRejection(key: apiKey)
            return .failed(code: 10100, msg: "apikey: digest invalid")
        }
        guard let nonce else {
            nonceLedger.countRejection(key: apiKey)
            return .failed(code: 10114, msg: "nonce: invalid")
        }
        switch nonceLedger.present(nonce, key: apiKey) {
        case .accepted: return .ok(.init(key: key.key, userId: key.userId, canWrite: key.canWrite))
        case .small, .injected: return .failed(code: 10114, msg: "nonce: small")
        case .tooLarge: return .failed(code: 10114, msg: "nonce: too big")
        }
    }

    /// Handles `{"event":"auth",...}`.
    func authenticate(_ sessionId: Int, _ request: JSONObject) {
        let fail: (Int, String) -> Void = { code, msg in
            let status = self.configuration.variants.authFailureStatus.rawValue
            self.sendEvent(sessionId, "{\"event\":\"auth\",\"status\":\"\(status)\",\"chanId\":0,\"code\":\(code),\"msg\":\"\(msg)\"}")
        }
        guard sessions[sessionId]?.auth == nil else { fail(10100, "auth: dup"); return }
        guard let apiKey = request["apiKey"]?.string, let payload = request["authPayload"]?.string,
              let signature = request["authSig"]?.string
        else { fail(10111, "auth: payload invalid"); return }
        guard payload.hasPrefix("AUTH") else { fail(10111, "auth: payload invalid"); return }
        // authNonce may be a number or a numeric string (reference §6.1)
        let nonceValue = request["authNonce"]
        let nonce: Int64? = nonceValue?.int64 ?? nonceValue?.string.flatMap { Int64($0) }
            ?? Int64(payload.dropFirst(4))
        switch verifySigned(apiKey: apiKey, payload: payload, signature: signature, nonce: nonce) {
        case .failed(let code, let msg):
            fail(code, msg)
        case .ok(let ref):
            var filter: [String] = []
            if let list = request["filter"]?.array { filter = list.compactMap(\.string) }
            let dms = request["dms"]?.int == 4
            sessions[sessionId]?.auth = SessionAuth(apiKey: ref.key, userId: ref.userId, deadManSwitch: dms, filter: filter)
            sessions[sessionId]?.lastActivity[0] = .now
            let perm = ref.canWrite ? 1 : 0
            let capsObject = "{\"orders\":{\"read\":1,\"write\":\(perm)},\"account\":{\"read\":1,\"write\":0},\"funding\":{\"read\":1,\"write\":\(perm)},\"history\":{\"read\":1,\"write\":0},\"wallets\":{\"read\":1,\"write\":0},\"withdraw\":{\"read\":0,\"write\":0},\"positions\":{\"read\":1,\"write\":\(perm)}}"
            // `caps` as an object (observed) or as a JSON string (docs sample), docs/adr/0028.
            let caps = configuration.variants.authCaps == .object ? capsObject : JSONValue.string(capsObject).serialized()
            sendEvent(sessionId, "{\"event\":\"auth\",\"status\":\"OK\",\"chanId\":0,\"userId\":\(ref.userId),\"auth_id\":\"\(serverId)-\(sessionId)\",\"caps\":\(caps)}")
            sendAuthSnapshots(sessionId)
        }
    }
}

extension SimulatorConfiguration.APIKey {
    /// The non-secret part of a key, passed around after verification.
    struct Ref: Sendable, Equatable {
        var key: String
        var userId: Int
        var canWrite: Bool
    }
}
