import BfxProtocol
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// Serves a recording (``ReplayTape``) as a Bitfinex WebSocket server on loopback —
/// `bfxrun replay FILE` (docs/recording.md). Every local connection gets the recorded `info`;
/// each `subscribe` is matched to a recorded channel and that channel's frames are played from
/// its snapshot on, with the recorded spacing scaled by ``Options/speed`` (or as fast as the
/// socket takes them), with the connection's own chanIds, SEQ_ALL numbers and `cs` flag.
/// Any Bitfinex client (the Swift client, bitfinex-api-py, ccxt) connects to ``wsURL``.
public final class ReplayServer: Sendable {
    /// Where to listen and how fast to play.
    public struct Options: Sendable {
        /// Loopback host.
        public var host: String
        /// Port; 0 picks a free one.
        public var port: Int
        /// 1 = recorded timing, 2 = twice as fast, …; 0 = as fast as possible.
        public var speed: Double
        /// Heartbeat interval on a channel whose recording has ended.
        public var heartbeat: Duration

        /// Options; defaults: `127.0.0.1`, any port, recorded timing, 5 s heartbeats.
        public init(host: String = "127.0.0.1", port: Int = 0, speed: Double = 1, heartbeat: Duration = .seconds(5)) {
            self.host = host
            self.port = port
            self.speed = speed
            self.heartbeat = heartbeat
        }
    }

    /// Counters of a running server.
    final class Counters: Sendable {
        let connections = Atomic<Int>(0)
        let subscribes = Atomic<Int>(0)
        let unmatched = Atomic<Int>(0)
        let framesSent = Atomic<Int>(0)
    }

    /// The server could not start.
    public struct StartError: Error, CustomStringConvertible {
        /// Why.
        public var reason: String
        /// A log-friendly description.
        public var description: String { "replay server: \(reason)" }
    }

    /// The bound port.
    public let port: Int
    /// The host it listens on.
    public let host: String
    private let counters: Counters
    private let group: ServiceGroup
    private let runTask: Task<Void, Never>

    /// `ws://HOST:PORT/ws/2`.
    public var wsURL: String { "ws://\(host):\(port)/ws/2" }
    /// `http://HOST:PORT`: `GET /v2/platform/status`, `/v2/ticker/SYMBOL` (the last recorded
    /// ticker) and `/v2/book/SYMBOL/PREC?len=N` (the final recorded trading book).
    public var restURL: String { "http://\(host):\(port)" }

    /// Connections, matched subscribes, unmatched subscribes and channel frames sent so far.
    public var statistics: (connections: Int, subscribes: Int, unmatched: Int, framesSent: Int) {
        (counters.connections.load(ordering: .relaxed), counters.subscribes.load(ordering: .relaxed),
         counters.unmatched.load(ordering: .relaxed), counters.framesSent.load(ordering: .relaxed))
    }

    private init(port: Int, host: String, counters: Counters, group: ServiceGroup, runTask: Task<Void, Never>) {
        self.port = port
        self.host = host
        self.counters = counters
        self.group = group
        self.runTask = runTask
    }

    /// Binds and starts serving `tape`.
    /// - Throws: ``StartError`` when the host is not loopback or the port cannot be bound.
    public static func start(_ tape: ReplayTape, options: Options = Options(),
                             logger: Logger = Logger(label: "bfxkit.replay")) async throws -> ReplayServer {
        guard GatewayConfiguration.isLoopback(options.host) else {
            throw StartError(reason: "'\(options.host)' is not a loopback address (the replay server serves loopback only)")
        }
        let host = options.host == "localhost" ? "127.0.0.1" : options.host.trimmingCharacters(in: ["[", "]"])
        let counters = Counters()
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("/ws/2") { inbound, outbound, _ in
            counters.connections.add(1, ordering: .relaxed)
            let (stream, continuation) = AsyncStream.makeStream(of: String.self)
            let session = ReplaySession(tape: tape, options: options, counters: counters, output: continuation)
            session.start()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await text in stream {
                        do { try await outbound.write(.text(text)) } catch { break }
                    }
                }
                do {
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        if case .text(let text) = message { session.handle(text) }
                    }
                } catch {
                    logger.debug("replay client closed", metadata: ["error": "\(error)"])
                }
                session.close()
            }
        }
        router.get("/v2/platform/status") { _, _ -> Response in Self.json(.ok, "[1]") }
        router.get("/v2/ticker/:symbol") { _, context -> Response in
            guard let symbol = context.parameters.get("symbol"), let text = tape.lastTicker(symbol) else { return Self.notRecorded }
            return Self.json(.ok, text)
        }
        router.get("/v2/book/:symbol/:prec") { request, context -> Response in
            let len = request.uri.queryParameters.get("len").flatMap { Int($0) } ?? 25
            guard let symbol = context.parameters.get("symbol"), let prec = context.parameters.get("prec"),
                  let text = tape.restBook(symbol, prec: prec, len: max(1, len)) else { return Self.notRecorded }
            return Self.json(.ok, text)
        }
        let (portStream, portContinuation) = AsyncStream<Result<Int, StartError>>.makeStream()
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(host, port: options.port), serverName: nil),
            onServerRunning: { channel in portContinuation.yield(.success(channel.localAddress?.port ?? 0)) },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let runTask = Task {
            do {
                try await group.run()
                portContinuation.yield(.failure(StartError(reason: "server stopped")))
            } catch {
                portContinuation.yield(.failure(StartError(reason: "\(error)")))
            }
        }
        var bound: Result<Int, StartError> = .failure(StartError(reason: "server did not start"))
        for await result in portStream { bound = result; break }
        switch bound {
        case .success(let port):
            logger.notice("replay server listening", metadata: ["ws": "ws://\(host):\(port)/ws/2", "channels": "\(tape.channels.count)"])
            return ReplayServer(port: port, host: host, counters: counters, group: group, runTask: runTask)
        case .failure(let error):
            await group.triggerGracefulShutdown()
            await runTask.value
            throw error
        }
    }

    private static func json(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    private static var notRecorded: Response { json(.notFound, #"["error",10020,"not in the recording"]"#) }

    /// Closes every connection and stops listening.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        await runTask.value
    }
}
