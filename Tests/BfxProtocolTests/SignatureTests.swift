import Testing
@testable import BfxProtocol

@Suite("Signing (HMAC-SHA384 known answers)")
struct SignatureTests {
    // Expected values produced independently with Python's hmac module:
    // python3 -c "import hmac,hashlib; print(hmac.new(b'test-secret', b'AUTH1700000000000000', hashlib.sha384).hexdigest())"
    let wsExpected = "e2d52d5c363e7bd45570eac8e3c1e661c1113216e2a0e2699cf42e1d3df0e77b5f06f5bc283b66bf7f1e4e8967b6bec9"
    // python3 -c "import hmac,hashlib; print(hmac.new(b'test-secret', b'/api/v2/auth/r/wallets1700000000000001{}', hashlib.sha384).hexdigest())"
    let restExpected = "c1ffc97b576d3470213c0bd61cd91a710bef9a46b20308f0eb45f0f06998ec4d153a3fa18da7c0f0ed78b15ef642ef37"
    // python3 -c "import hmac,hashlib; print(hmac.new(b'test-secret', b'/api/v2/auth/w/order/submit1700000000000002{\"type\":\"EXCHANGE LIMIT\",\"symbol\":\"tBTCUSD\",\"amount\":\"0.02\",\"price\":\"6500\"}', hashlib.sha384).hexdigest())"
    let restSubmitExpected = "4aa51dd6b6e21e1f59a2d0c31461ae2729f4e878b837bb27401352264ad5082634096b8d873737da297880aab80362dc"

    @Test func wsAuthKnownAnswer() throws {
        let auth = try BfxSignature.wsAuth(apiKey: "key-1", secret: BfxSecret("test-secret"), nonce: 1_700_000_000_000_000, dms: 4, filter: ["trading", "wallet"])
        #expect(auth.payload == "AUTH1700000000000000")
        #expect(auth.signature == wsExpected)
        #expect(auth.request.text == #"{"event":"auth","apiKey":"key-1","authSig":"\#(wsExpected)","authNonce":1700000000000000,"authPayload":"AUTH1700000000000000","dms":4,"filter":["trading","wallet"]}"#)
        #expect(!auth.request.description.contains(wsExpected))
        #expect(!auth.description.contains(wsExpected))
    }

    @Test func restKnownAnswers() throws {
        let secret = BfxSecret("test-secret")
        #expect(try BfxSignature.rest(secret: secret, path: "auth/r/wallets", nonce: 1_700_000_000_000_001, body: "{}") == restExpected)
        #expect(try BfxSignature.rest(secret: secret, path: "/api/v2/auth/r/wallets", nonce: 1_700_000_000_000_001, body: "{}") == restExpected)
        let order = NewOrder(type: "EXCHANGE LIMIT", symbol: "tBTCUSD", amount: try #require(WireNumber("0.02")), price: WireNumber("6500"))
        let body = order.payload.serialized()
        #expect(body == #"{"type":"EXCHANGE LIMIT","symbol":"tBTCUSD","amount":"0.02","price":"6500"}"#)
        let headers = try BfxSignature.restHeaders(credentials: BfxCredentials(apiKey: "key-1", secret: "test-secret"),
                                                   path: "v2/auth/w/order/submit", nonce: 1_700_000_000_000_002, body: body)
        #expect(headers.signature == restSubmitExpected)
        #expect(headers.nonce == "1700000000000002")
        #expect(headers.apiKey == "key-1")
        #expect(headers.all.map(\.name) == ["bfx-nonce", "bfx-apikey", "bfx-signature", "Content-Type"])
    }

    @Test func signaturePaths() {
        #expect(BfxSignature.signaturePath("auth/r/wallets") == "/api/v2/auth/r/wallets")
        #expect(BfxSignature.signaturePath("/auth/r/wallets") == "/api/v2/auth/r/wallets")
        #expect(BfxSignature.signaturePath("v2/auth/r/wallets") == "/api/v2/auth/r/wallets")
    }

    @Test func nonceBounds() {
        #expect(throws: BfxRequestError.invalidNonce(0)) { try BfxSignature.wsAuth(apiKey: "k", secret: BfxSecret("s"), nonce: 0) }
        #expect(throws: BfxRequestError.invalidNonce(9_007_199_254_740_992)) {
            try BfxSignature.rest(secret: BfxSecret("s"), path: "auth/r/wallets", nonce: 9_007_199_254_740_992, body: "{}")
        }
        #expect((try? BfxSignature.wsAuth(apiKey: "k", secret: BfxSecret("s"), nonce: BfxSignature.maxNonce)) != nil)
    }

    @Test func secretsNeverPrinted() {
        let creds = BfxCredentials(apiKey: "abcdefgh", secret: "super-secret-value")
        var dumped = ""
        dump(creds, to: &dumped)
        for text in [creds.description, creds.debugDescription, "\(creds)", String(reflecting: creds), dumped,
                     creds.secret.description, String(reflecting: creds.secret)] {
            #expect(!text.contains("super-secret-value"))
            #expect(!text.contains("efgh"))
        }
    }
}
