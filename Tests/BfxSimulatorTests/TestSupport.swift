import AsyncHTTPClient
import BfxProtocol
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import BfxTestSupport
@testable import BfxSimulator

enum TestKeys {
    static let key = "test-key"
    static let secret = "test-secret-123"
    static let readOnlyKey = "read-key"
}

/// A fast, manual-tick configuration for tests.
func testConfiguration(_ adjust: (inout SimulatorConfiguration) -> Void = { _ in }) -> SimulatorConfiguration {
    var c = SimulatorConfiguration()
    c.tickMode = .manual
    c.heartbeatInterval = .seconds(60)
    c.apiKeys = [
        .init(key: TestKeys.key, secret: TestKeys.secret, userId: 7),
        .init(key: TestKeys.readOnlyKey, secret: TestKeys.secret, userId: 8, canWrite: false),
    ]
    adjust(&c)
    return c
}

/// Starts a simulator, runs `body`, always shuts it down.
func withSimulator<T>(
    _ configuration: SimulatorConfiguration = testConfiguration(),
    _ body: (BfxSimulator) async throws -> T
) async throws -> T {
    let sim = try await BfxSimulator.start(configuration, logger: Logger(label: "test.sim"))
    do {
        let result = try await body(sim)
        await sim.shutdown()
        return result
    } catch {
        await sim.shutdown()
        throw error
    }
}

extension TestWS {
    /// Connects and waits for the info event.
    static func open(_ sim: BfxSimulator) async throws -> TestWS {
        let ws = TestWS(url: sim.wsURL)
        try await ws.expect("info") { $0["event"]?.string == "info" && $0["version"] != nil }
        return ws
    }

    /// Sends a signed auth and returns the auth event.
    func auth(key: String = TestKeys.key, secret: String = TestKeys.secret, nonce: Int64, extra: String = "") async throws -> JSONValue {
        let payload = "AUTH\(nonce)"
        let sig = BfxSignature.hmacSHA384Hex(secret: BfxSecret(secret), message: payload)
        send("{\"event\":\"auth\",\"apiKey\":\"\(key)\",\"authSig\":\"\(sig)\",\"authNonce\":\(nonce),\"authPayload\":\"\(payload)\"\(extra)}")
        return try await expect("auth") { $0["event"]?.string == "auth" }
    }
}

extension JSONValue {
    /// For array frames: element `i`.
    func at(_ i: Int) -> JSONValue? { self[i] }
    var isChannelFrame: Bool { array != nil }
}

/// Minimal HTTP helper on AsyncHTTPClient.
struct TestHTTP {
    static func request(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 22)
        return (Int(response.status.code), String(buffer: bytes))
    }

    /// A signed authenticated POST.
    static func signed(_ sim: BfxSimulator, path: String, body: String = "{}", nonce: Int64, key: String = TestKeys.key, secret: String = TestKeys.secret) async throws -> (status: Int, body: String) {
        let sig = BfxSignature.hmacSHA384Hex(secret: BfxSecret(secret), message: "/api/v2/\(path)\(nonce)\(body)")
        return try await request(
            "\(sim.restURL)/\(path)", method: .POST,
            headers: [("bfx-nonce", String(nonce)), ("bfx-apikey", key), ("bfx-signature", sig), ("Content-Type", "application/json")],
            body: body
        )
    }
}

/// A monotonically increasing nonce source for tests.
final class TestNonce: Sendable {
    private let value = Mutex<Int64>(1_700_000_000_000_000)
    func next() -> Int64 { value.withLock { $0 += 1; return $0 } }
}
