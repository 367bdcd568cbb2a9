import AsyncHTTPClient
import BfxNonce
import BfxProtocol
import NIOCore

/// Verbatim forwarding for the gateway (`BfxGateway`): public GETs through the shared budget, and
/// signed calls re-signed with this client's credentials and a nonce from its key's lane. Status
/// and body come back unchanged; only `10114` is absorbed (the nonce manager raises the floor and
/// retries once), because a program behind the gateway must never see it.
extension BfxRESTClient {
    /// An upstream answer passed through verbatim (the gateway's public REST proxy).
    package struct ForwardedResponse: Sendable {
        package var status: Int
        package var contentType: String?
        package var body: ByteBuffer
        /// The nonce a signed call was sent with.
        package var nonce: Int64? = nil
    }

    /// Forwards a public `GET /v2/<pathAndQuery>` through this client's per-endpoint budget and
    /// returns the upstream status and body unchanged; nil when the budget cannot grant a token
    /// within `maxWait` (the caller answers with Bitfinex's rate-limit error itself).
    package func forwardPublic(pathAndQuery: String, maxWait: Duration) async throws -> ForwardedResponse? {
        let path = String(Self.normalized(pathAndQuery).prefix { $0 != "?" })
        guard try await limiter.acquire(endpoint: Self.endpointName(path), authenticated: false, maxWait: maxWait) else { return nil }
        var request = HTTPClientRequest(url: configuration.publicBaseURL + "/v2/" + Self.normalized(pathAndQuery))
        request.method = .GET
        requests.increment()
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(clamping: configuration.timeout.nanosecondsClamped)))
            let body = try await response.body.collect(upTo: configuration.maxResponseBytes)
            return ForwardedResponse(status: Int(response.status.code), contentType: response.headers.first(name: "content-type"), body: body)
        } catch {
            failures.increment()
            throw BfxRESTError.transport(path: path, message: "\(error)")
        }
    }

    /// Why a signed call was not forwarded.
    package enum ForwardRefusal: Error, Sendable {
        /// The key's endpoint budget or nonce queue could not take it within the wait.
        case rateLimited
    }

    /// Signs `body` (exactly as given; empty allowed) for `path` with this client's credentials
    /// and a nonce from its key's lane, sends it, and returns the upstream status and body
    /// unchanged. Waits at most `maxWait` for the endpoint budget and for the nonce queue.
    /// - Throws: ``ForwardRefusal/rateLimited``, ``BfxRESTError`` (transport; missing credentials).
    package func forwardSigned(path: String, body: String, priority: NoncePriority?, label: String,
                               maxWait: Duration) async throws -> ForwardedResponse {
        guard let credentials else { throw BfxRESTError.missingCredentials(path: path) }
        let path = Self.normalized(path)
        guard try await limiter.acquire(endpoint: Self.endpointName(path), authenticated: true, maxWait: maxWait) else {
            throw ForwardRefusal.rateLimited
        }
        let priority = priority ?? configuration.priority(for: path)
        do {
            return try await nonceManager.perform(key: keyID, priority: priority, label: label, deadline: maxWait) { nonce in
                let headers: BfxSignature.RESTHeaders
                do {
                    headers = try BfxSignature.restHeaders(credentials: credentials, path: path, nonce: nonce, body: body)
                } catch {
                    throw BfxRESTError.decoding(path: path, message: "cannot sign: \(error)")
                }
                var request = HTTPClientRequest(url: configuration.authBaseURL + "/v2/" + path)
                request.method = .POST
                for (name, value) in headers.all { request.headers.add(name: name, value: value) }
                request.headers.replaceOrAdd(name: "content-type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body))
                requests.increment()
                let response: HTTPClientResponse
                let bytes: ByteBuffer
                do {
                    response = try await http.execute(request, timeout: .nanoseconds(Int64(clamping: configuration.timeout.nanosecondsClamped)))
                    bytes = try await response.body.collect(upTo: configuration.maxResponseBytes)
                } catch {
                    failures.increment()
                    throw BfxRESTError.transport(path: path, message: "\(error)")
                }
                let status = Int(response.status.code)
                // 10114: thrown so the manager raises the floor and retries with a fresh nonce
                if status != 200, let value = try? JSONValue.parse(Array(bytes.readableBytesView)),
                   let apiError = BfxAPIError.fromREST(value), case .nonceTooSmall = apiError.signedCallFailure {
                    throw BfxRESTError.api(apiError, httpStatus: status, path: path)
                }
                return ForwardedResponse(status: status, contentType: response.headers.first(name: "content-type"), body: bytes, nonce: nonce)
            }
        } catch let error as NonceError {
            switch error {
            case .deadlineExceeded, .queueFull: throw ForwardRefusal.rateLimited
            default: break
            }
            throw BfxRESTError.transport(path: path, message: "nonce queue: \(error)")
        }
    }
}
