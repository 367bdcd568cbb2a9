/// Errors that know their ``SignedCallFailure`` class (the REST client's errors and
/// `BfxAPIError` conform). Errors that do not conform are classified `.other`.
public protocol SignedCallFailureClassifiable: Error {
    /// The class of this failure.
    var signedCallFailure: SignedCallFailure { get }
    /// `true` when the outcome of the call is unknown and its request may still reach the server
    /// later (a transport error or timeout after the request may have been sent). The
    /// ``NonceManager`` then holds the key's lane for
    /// ``NonceManagerConfiguration/unknownOutcomeQuarantine`` before the next nonce is issued, so
    /// a late request cannot arrive after a newer nonce. Default: `false`.
    var requestMayStillArrive: Bool { get }
}

extension SignedCallFailureClassifiable {
    /// Default: the server answered, so nothing of this call is still on its way.
    public var requestMayStillArrive: Bool { false }
}
