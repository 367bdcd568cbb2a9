import BfxProtocol

/// Signature checks of the simulator: the same verification the gateway uses (`BfxSignature.verify`).
enum SignatureCheck {
    static func verify(secret: String, payload: String, signature: String) -> Bool {
        BfxSignature.verify(secret: BfxSecret(secret), message: payload, signature: signature)
    }
}
