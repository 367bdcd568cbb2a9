import Testing
@testable import BfxProtocol

@Suite("Error codes")
struct ErrorCodeTests {
    @Test func everyDocumentedCodeIsKnown() {
        let documented = [10000, 10001, 10008, 10011, 10012, 10020, 10050, 10100, 10111, 10112, 10113, 10114, 10200,
                          10300, 10301, 10302, 10305, 10400, 10401, 11000, 20051, 20060, 20061]
        #expect(Set(BfxErrorCode.allKnown.map(\.rawValue)) == Set(documented))
        for code in documented.map(BfxErrorCode.init(rawValue:)) {
            #expect(code.isKnown)
            #expect(code.explanation.count > 20)
            #expect(!code.name.hasPrefix("ERR_\(code.rawValue)"))
        }
        #expect(!BfxErrorCode(12345).isKnown)
        #expect(BfxErrorCode(12345).category == .fatal)
    }

    @Test func classification() {
        #expect(BfxErrorCode.authNonce.category == .nonce)
        #expect(BfxErrorCode.authNonce.isRetryable)
        #expect(BfxErrorCode.serverRestart.category == .lifecycle)
        #expect(BfxErrorCode.notReady.isRetryable)
        #expect(!BfxErrorCode.authFail.isRetryable)
        #expect(!BfxErrorCode.params.isRetryable)
        #expect(BfxErrorCode.alreadySubscribed.category == .fatal)
    }

    @Test func restBodies() throws {
        let nonce = try #require(BfxAPIError.parseREST(Array(#"["error",10114,"nonce: small"]"#.utf8)))
        #expect(nonce.code == .authNonce && nonce.message == "nonce: small" && nonce.category == .nonce && nonce.isRetryable)
        let rate = try #require(BfxAPIError.parseREST(Array(#"{"error":"ERR_RATE_LIMIT"}"#.utf8)))
        #expect(rate.isRateLimit && rate.category == .rateLimited && rate.code == nil)
        let maint = try #require(BfxAPIError.parseREST(Array(#"["error",20060,"maintenance"]"#.utf8)))
        #expect(maint.code == .maintenanceStart)
        #expect(BfxAPIError.parseREST(Array("[1,2,3]".utf8)) == nil)
        #expect(BfxAPIError.parseREST(Array("not json".utf8)) == nil)
        #expect(nonce.description.contains("10114"))
    }
}
