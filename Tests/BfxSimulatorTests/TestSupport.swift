import AsyncHTTPClient
import BfxProtocol
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
@testable import BfxSimulator

/// Errors raised by the test helpers.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

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

/// A plain WebSocket client (HummingbirdWSClient) that records every text frame.
final class TestWS: Sendable {
    private let frames = Locked<[String]>([])
    private let closed = Locked<Bool>(false)
    private let cursor = Locked<Int>(0)
    private let outgoing: AsyncStream<String>.Continuation
    private let task: Task<Void, Never>

    init(url: String) {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        outgoing = continuation
        let frames = self.frames
        let closed = self.closed
        task = Task {
            do {
                try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 22), logger: Logger(label: "test.ws")) { inbound, outbound, _ in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await text in stream { try await outbound.write(.text(text)) }
                        }
                        for try await message in inbound.messages(maxSize: 1 << 22) {
                            if case .text(let text) = message { frames.withLock { $0.append(text) } }
                        }
                        group.cancelAll()
                    }
                }
            } catch {}
            closed.withLock { $0 = true }
        }
    }

    func send(_ text: String) { outgoing.yield(text) }

    func close() async {
        outgoing.finish()
        task.cancel()
        await task.value
    }

    var all: [String] { frames.withLock { $0 } }
    var isClosed: Bool { closed.withLock { $0 } }

    /// Waits (poll with deadline) for the next frame after the cursor matching `predicate`;
    /// advances the cursor past it.
    @discardableResult
    func expect(_ what: String, timeout: Duration = .seconds(5), _ predicate: (JSONValue) -> Bool) async throws -> JSONValue {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            let start = cursor.withLock { $0 }
            let snapshot = all
            if start < snapshot.count {
                for i in start..<snapshot.count {
                    if let value = try? JSONValue.parse(snapshot[i]), predicate(value) {
                        cursor.withLock { $0 = i + 1 }
                        return value
                    }
                }
            }
            if ContinuousClock.now >= deadline {
                throw TestFailure("timed out waiting for \(what); last frames: \(snapshot.suffix(5))")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Waits until the connection is closed.
    func expectClosed(timeout: Duration = .seconds(5)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !isClosed {
            if ContinuousClock.now >= deadline { throw TestFailure("connection not closed") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Frames after the cursor (not consumed).
    var pending: [String] {
        let start = cursor.withLock { $0 }
        let snapshot = all
        return start < snapshot.count ? Array(snapshot[start...]) : []
    }

    func markAll() { let n = all.count; cursor.withLock { $0 = n } }

    /// Connects and waits for the info event.
    static func open(_ sim: BfxSimulator) async throws -> TestWS {
        let ws = TestWS(url: sim.wsURL)
        try await ws.expect("info") { $0["event"]?.string == "info" && $0["version"] != nil }
        return ws
    }

    /// Subscribes and returns the chanId.
    func subscribe(_ json: String) async throws -> Int {
        send(json)
        let event = try await expect("subscribed") { $0["event"]?.string == "subscribed" || $0["event"]?.string == "error" }
        guard event["event"]?.string == "subscribed", let chan = event["chanId"]?.int else {
            throw TestFailure("subscribe failed: \(event.serialized())")
        }
        return chan
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

/// A `Mutex` in a class so closures can share it (Mutex itself is non-copyable).
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}

/// A monotonically increasing nonce source for tests.
final class TestNonce: Sendable {
    private let value = Mutex<Int64>(1_700_000_000_000_000)
    func next() -> Int64 { value.withLock { $0 += 1; return $0 } }
}
