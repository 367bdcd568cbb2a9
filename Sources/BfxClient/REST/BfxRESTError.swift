import BfxNonce
import BfxProtocol

/// Errors of ``BfxRESTClient``.
public enum BfxRESTError: Error, Sendable, CustomStringConvertible, SignedCallFailureClassifiable {
    /// Bitfinex answered with an error body (`["error", code, msg]` or `{"error":"ERR_RATE_LIMIT"}`).
    case api(BfxAPIError, httpStatus: Int, path: String)
    /// HTTP 429 (or 503) without a recognisable error body.
    case rateLimited(httpStatus: Int, path: String, retryAfter: Duration?)
    /// A non-2xx status without a recognisable error body.
    case http(status: Int, path: String, body: String)
    /// The connection failed or timed out.
    case transport(path: String, message: String)
    /// The response was not the expected JSON shape.
    case decoding(path: String, message: String)
    /// An authenticated endpoint was called without credentials.
    case missingCredentials(path: String)
    /// A URL could not be built.
    case invalidURL(String)

    /// How the nonce manager classifies the failure.
    public var signedCallFailure: SignedCallFailure {
        switch self {
        case .api(let error, _, _): error.signedCallFailure
        case .rateLimited(_, _, let retryAfter): .rateLimited(retryAfter: retryAfter)
        case .http(let status, _, _): status >= 500 ? .retryable : .fatal
        case .transport: .retryable
        case .decoding, .missingCredentials, .invalidURL: .fatal
        }
    }

    /// `true` for `.transport`: a timeout or broken connection may come after the
    /// request left, and a network or proxy may still deliver it (the nonce manager's quarantine).
    public var requestMayStillArrive: Bool {
        if case .transport = self { return true }
        return false
    }

    /// A one-line description (never contains credentials).
    public var description: String {
        switch self {
        case .api(let error, let status, let path): "\(path): HTTP \(status): \(error)"
        case .rateLimited(let status, let path, let after): "\(path): HTTP \(status) rate limited (retry after \(after.map { "\($0)" } ?? "60 s"))"
        case .http(let status, let path, let body): "\(path): HTTP \(status): \(body)"
        case .transport(let path, let message): "\(path): transport error: \(message)"
        case .decoding(let path, let message): "\(path): unexpected response: \(message)"
        case .missingCredentials(let path): "\(path): authenticated endpoint called without credentials"
        case .invalidURL(let url): "invalid URL \(url)"
        }
    }
}
