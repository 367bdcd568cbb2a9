/// Errors that know their ``SignedCallFailure`` class (the REST client's errors and
/// `BfxAPIError` conform). Errors that do not conform are classified `.other`.
public protocol SignedCallFailureClassifiable: Error {
    /// The class of this failure.
    var signedCallFailure: SignedCallFailure { get }
}
