import BfxProtocol
import Testing
@testable import BfxNonce
import BfxTestSupport

/// Nonces have one type, `Int64`, from the manager to the wire: what the manager issues is passed
/// to `BfxSignature` as is (no conversion, no clamping), and the issuer's ceiling is the signer's.
@Suite struct NonceTypeTests {
    @Test func issuedNoncesSignWithoutConversion() async throws {
        let clock = ManualClock(wallMicros: 1_700_000_000_000_000)
        let manager = NonceManager(clock: clock)
        let credentials = BfxCredentials(apiKey: "k", secret: "s")
        let auth = try await manager.perform(key: "k", label: "ws/auth") { nonce in
            try BfxSignature.wsAuth(credentials: credentials, nonce: nonce)
        }
        #expect(auth.nonce == 1_700_000_000_000_000)
        #expect(auth.payload == "AUTH1700000000000000")
        let headers = try await manager.perform(key: "k", label: "auth/r/wallets") { nonce in
            try BfxSignature.restHeaders(credentials: credentials, path: "auth/r/wallets", nonce: nonce)
        }
        #expect(headers.nonce == "1700000000000001")
    }

    @Test func ceilingIsTheSignersCeiling() throws {
        #expect(NonceSequence.maximum == BfxSignature.maxNonce)
        var seq = NonceSequence(last: BfxSignature.maxNonce - 1)
        let last = try seq.next(nowMicros: 1, keyID: "k")
        #expect(last == BfxSignature.maxNonce)
        #expect((try? BfxSignature.wsAuth(apiKey: "k", secret: BfxSecret("s"), nonce: last)) != nil)
        #expect(throws: NonceError.ceilingExceeded(keyID: "k", last: BfxSignature.maxNonce)) {
            try seq.next(nowMicros: 1, keyID: "k")
        }
        // A clock reading beyond Int64 (ns-scale or broken) cannot wrap the sequence negative.
        var wild = NonceSequence(last: 10)
        #expect(try wild.next(nowMicros: .max, keyID: "k") == 11)
    }

    @Test func fileRecordKeepsTheFullRange() {
        let record = FileNonceRecord(last: BfxSignature.maxNonce, reserved: BfxSignature.maxNonce, holder: "pid 1")
        let text = String(decoding: record.encoded(), as: UTF8.self)
        #expect(text.contains("last=9007199254740991"))
        #expect((try? FileNonceRecord.parse(text).get())?.last == BfxSignature.maxNonce)
    }
}
