import BfxProtocol

/// Verifies Bitfinex HMAC-SHA384 signatures with BfxProtocol's signer.
enum SignatureCheck {
    static func verify(secret: String, payload: String, signature: String) -> Bool {
        let expected = BfxSignature.hmacSHA384Hex(secret: BfxSecret(secret), message: payload)
        let given = signature.lowercased()
        guard expected.utf8.count == given.utf8.count else { return false }
        // constant-time comparison
        var diff: UInt8 = 0
        for (a, b) in zip(expected.utf8, given.utf8) { diff |= a ^ b }
        return diff == 0
    }
}
