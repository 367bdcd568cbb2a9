import BfxNonce

/// Errors raised by the user-data client (authentication, order inputs, buffering, reconciliation).
///
/// Every case carries enough context to act on it without parsing text; server text is kept
/// verbatim in `serverText` fields where the server supplied one.
public enum UserDataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Classification of an authentication failure (`{"event":"auth","status":"FAILED",…}`).
    public enum AuthFailureKind: String, Sendable, Equatable {
        /// `10100` / "apikey: invalid": the key is unknown or revoked. Fatal.
        case invalidAPIKey
        /// `10111`/`10112`/`10113` or "digest invalid": payload or HMAC signature rejected. Fatal.
        case invalidSignature
        /// `10114` "nonce: small": the server has seen a larger nonce for this key. Recoverable once.
        case nonceTooSmall
        /// Key lacks a required permission. Fatal.
        case permissionDenied
        /// Any other failure code.
        case other
    }

    /// The authentication request was rejected.
    case authenticationFailed(kind: AuthFailureKind, code: Int?, serverText: String)
    /// No auth response arrived within the configured timeout.
    case authenticationTimedOut
    /// The server rejected an input: a `n *-req` notification with status `ERROR`/`FAILURE`.
    case requestRejected(request: UserDataRequestKind, status: String, code: Int?, serverText: String)
    /// No result arrived in time. `acknowledged` tells whether the `n *-req` had been seen.
    case requestTimedOut(request: UserDataRequestKind, acknowledged: Bool)
    /// The connection dropped after the input was written: the server may or may not have
    /// executed it. Reconciliation resolves most of these; this error is raised for the rest.
    case outcomeUnknownAfterDisconnect(request: UserDataRequestKind)
    /// The input waited in the outage buffer longer than its expiry and was never sent.
    case expiredInOutageBuffer(request: UserDataRequestKind)
    /// The outage buffer is full; the input was not accepted.
    case outageBufferFull(capacity: Int)
    /// Buffering is disabled and the client is not connected and authenticated.
    case notConnected
    /// A pending request with the same correlation key (CID or order ID) already exists.
    case duplicateCorrelationKey(String)
    /// The arguments violate a documented limit (e.g. more than 75 `ox_multi` operations).
    case invalidRequest(String)
    /// A raw frame (``UserDataClient/sendRaw(_:)``) is not one valid JSON document.
    case invalidRawFrame(String)
    /// A raw frame carried an `auth` event: authentication only goes through the nonce manager.
    case rawAuthRefused
    /// The client was shut down.
    case closed

    /// A human-readable summary (never contains secrets).
    public var description: String {
        switch self {
        case let .authenticationFailed(kind, code, text):
            return "authentication failed (\(kind.rawValue), code \(code.map(String.init) ?? "none")): \(text)"
        case .authenticationTimedOut:
            return "authentication timed out"
        case let .requestRejected(request, status, code, text):
            return "\(request.rawValue) rejected (\(status), code \(code.map(String.init) ?? "none")): \(text)"
        case let .requestTimedOut(request, acknowledged):
            return "\(request.rawValue) timed out (\(acknowledged ? "acknowledged, no order event" : "no acknowledgement"))"
        case let .outcomeUnknownAfterDisconnect(request):
            return "\(request.rawValue) outcome unknown: connection lost after sending"
        case let .expiredInOutageBuffer(request):
            return "\(request.rawValue) expired in the outage buffer before the connection returned"
        case let .outageBufferFull(capacity):
            return "outage buffer full (capacity \(capacity))"
        case .notConnected:
            return "not connected"
        case let .duplicateCorrelationKey(key):
            return "a request with correlation key \(key) is already pending"
        case let .invalidRequest(reason):
            return "invalid request: \(reason)"
        case let .invalidRawFrame(reason):
            return "raw frame is not valid JSON: \(reason)"
        case .rawAuthRefused:
            return "raw frame refused: `auth` events are sent only by the client (nonces come from the nonce manager)"
        case .closed:
            return "user-data client closed"
        }
    }
}

extension UserDataError.AuthFailureKind {
    /// Classifies an auth failure from its `code` (preferred) and `msg` text (fallback: the
    /// server sometimes omits the code, e.g. "apikey: digest invalid").
    public static func classify(code: Int?, message: String) -> Self {
        switch code {
        case 10114: return .nonceTooSmall
        case 10100:
            let text = message.lowercased()
            if text.contains("permission") { return .permissionDenied }
            if text.contains("digest") || text.contains("signature") || text.contains("hmac") { return .invalidSignature }
            return .invalidAPIKey
        case 10111, 10112, 10113: return .invalidSignature
        default: break
        }
        let text = message.lowercased()
        if text.contains("nonce") { return .nonceTooSmall }
        if text.contains("permission") { return .permissionDenied }
        if text.contains("digest") || text.contains("signature") || text.contains("hmac") || text.contains("payload") {
            return .invalidSignature
        }
        if text.contains("apikey") || text.contains("api_key") || text.contains("key") { return .invalidAPIKey }
        return .other
    }

    /// Whether the failure can be fixed by retrying (only a too-small nonce is).
    public var isRecoverable: Bool { self == .nonceTooSmall }
}

extension UserDataError: SignedCallFailureClassifiable {
    /// How the nonce manager treats a failed auth attempt: a too-small nonce raises the key's
    /// floor and retries once; bad key, signature or permissions are fatal; a timeout is retryable.
    public var signedCallFailure: SignedCallFailure {
        switch self {
        case let .authenticationFailed(kind, _, _):
            switch kind {
            case .nonceTooSmall: return .nonceTooSmall(serverFloor: nil)
            case .invalidAPIKey, .invalidSignature, .permissionDenied: return .fatal
            case .other: return .other
            }
        case .authenticationTimedOut, .notConnected:
            return .retryable
        default:
            return .other
        }
    }
}
