import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The loopback HTTP server: `GET /metrics` (Prometheus text), `GET /api/state` (JSON
/// `RuntimeSnapshot`), `GET /` (dashboard), `GET /healthz`. Hummingbird under a ServiceGroup.
final class ObservabilityServer: Sendable {
    typealias StateProvider = @Sendable () async -> RuntimeSnapshot
    typealias MetricsProvider = @Sendable () async -> String?

    let port: Int
    let host: String
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    private init(host: String, port: Int, group: ServiceGroup, task: Task<Void, Never>) {
        self.host = host
        self.port = port
        self.group = group
        self.task = task
    }

    var address: String { host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)" }

    /// Starts listening; returns once the port is bound (or throws).
    static func start(host: String, port: Int, dashboard: Bool, logger: Logger,
                      state: @escaping StateProvider, metrics: @escaping MetricsProvider) async throws -> ObservabilityServer {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            guard let text = await metrics() else {
                return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "no metrics backend installed by this program\n")))
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                             body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        router.get("/api/state") { _, _ -> Response in
            let snapshot = await state()
            let encoder = JSONEncoder()
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.sortedKeys]
            let data = (try? encoder.encode(snapshot)) ?? Data("{}".utf8)
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/healthz") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        if dashboard {
            router.get("/") { _, _ -> Response in
                Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                         body: .init(byteBuffer: ByteBuffer(string: DashboardPage.html)))
            }
        }
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        var quietLogger = logger
        quietLogger.logLevel = max(logger.logLevel, .notice)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: quietLogger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: quietLogger))
        let task = Task {
            do {
                try await group.run()
            } catch {
                logger.error("metrics/dashboard server stopped", metadata: ["error": "\(error)"])
            }
            portContinuation.finish()
        }
        var bound: Int?
        for await value in portStream {
            bound = value
            break
        }
        guard let bound, bound > 0 else {
            task.cancel()
            throw RuntimeError.startFailed("cannot listen on \(host):\(port) for metrics/dashboard")
        }
        return ObservabilityServer(host: host, port: bound, group: group, task: task)
    }

    /// Stops the server and waits for it.
    func stop() async {
        await group.triggerGracefulShutdown()
        await task.value
    }
}
