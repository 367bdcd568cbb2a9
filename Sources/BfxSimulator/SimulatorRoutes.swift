import BfxProtocol
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// Request context that keeps the NIO channel, so a fault can close the TCP connection abruptly
/// (no WebSocket close frame), which the high-level WebSocket API cannot do.
struct SimulatorRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<SimulatorRequestContext>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }
}

/// Builds the Hummingbird router: `/ws/2`, `/v2/...`, `/_sim/...`.
enum SimulatorRoutes {
    static func parsePrecision(_ text: String) -> (valid: Bool, precision: Int?) {
        switch text {
        case "P0": (true, 0)
        case "P1": (true, 1)
        case "P2": (true, 2)
        case "P3": (true, 3)
        case "P4": (true, 4)
        case "R0": (true, nil)
        default: (false, nil)
        }
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body))
        )
    }

    static func header(_ request: Request, _ name: String) -> String? {
        request.headers.first { $0.name.canonicalName == name }?.value
    }

    static func queryItems(_ request: Request) -> [String: String] {
        var items: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { items[String(key)] = String(value) }
        return items
    }

    static func makeRouter(engine: SimulatorEngine, injectedLatency: InjectedLatency, logger: Logger) -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)

        // `refuseConnections` is enforced below HTTP (RefuseConnectionsHandler on the listener).
        router.ws("/ws/2", shouldUpgrade: { _, _ in
            .upgrade([:])
        }) { inbound, outbound, context in
            let channel = context.requestContext.channel
            let outbox = await engine.open()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await SessionWriter(outbox: outbox, outbound: outbound, channel: channel, injectedLatency: injectedLatency).run()
                }
                do {
                    var iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                    while !Task.isCancelled {
                        while outbox.isStalled, !outbox.isFinished { try await Task.sleep(for: .milliseconds(20)) }
                        if outbox.isFinished { break }
                        guard let message = try await iterator.next() else { break }
                        // a frame that arrived while stalled is held, not dropped, until the stall ends
                        while outbox.isStalled, !outbox.isFinished { try await Task.sleep(for: .milliseconds(20)) }
                        let delay = outbox.readDelay
                        if delay > .zero { try await Task.sleep(for: delay) }
                        if case .text(let text) = message { await engine.receive(outbox.id, text: text) }
                    }
                } catch {
                    logger.debug("connection read ended", metadata: ["connection": "\(outbox.id)", "error": "\(error)"])
                }
                await engine.close(outbox.id)
                outbox.finish()
            }
        }

        // Public REST
        router.get("/v2/**") { request, _ -> Response in
            let latency = injectedLatency.latency
            if latency > .zero { try await Task.sleep(for: latency) }
            let path = String(request.uri.path.dropFirst("/v2/".count))
            let reply = await engine.restPublic(path: path, query: queryItems(request))
            return json(.init(code: reply.status), reply.body)
        }

        // Authenticated REST
        router.post("/v2/**") { request, _ -> Response in
            let latency = injectedLatency.latency
            if latency > .zero { try await Task.sleep(for: latency) }
            let path = String(request.uri.path.dropFirst("/v2/".count))
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let body = String(buffer: buffer)
            let reply = await engine.restAuth(
                path: path,
                apiKey: header(request, "bfx-apikey"),
                nonce: header(request, "bfx-nonce"),
                signature: header(request, "bfx-signature"),
                body: body
            )
            return json(.init(code: reply.status), reply.body)
        }

        // Control API
        router.get("/_sim/state") { _, _ -> Response in
            json(.ok, SimulatorRoutes.render(await engine.stats()))
        }
        router.post("/_sim/fault") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 16)
            let text = String(buffer: buffer)
            guard let value = try? JSONValue.parse(text) else {
                return json(.badRequest, "{\"error\":\"body must be JSON\"}")
            }
            let objects: [JSONObject] = value.object.map { [$0] } ?? value.array?.compactMap(\.object) ?? []
            guard !objects.isEmpty else { return json(.badRequest, "{\"error\":\"body must be a fault object or an array of them\"}") }
            var faults: [SimulatorFault] = []
            for object in objects {
                do throws(SimulatorFaultParseError) { faults.append(try SimulatorFault(json: object)) } catch {
                    return json(.badRequest, JSONValue.object(JSONObject([.init(key: "error", value: .string(error.message))])).serialized())
                }
            }
            for fault in faults {
                if let end = await engine.inject(fault, injectedLatency: injectedLatency) {
                    Task {
                        try? await Task.sleep(for: end)
                        await engine.endMaintenance()
                    }
                }
            }
            return json(.ok, "{\"status\":\"OK\",\"injected\":[" + faults.map { "\"\($0.name)\"" }.joined(separator: ",") + "]}")
        }
        router.get("/_sim/book/:symbol") { request, context -> Response in
            let symbol = context.parameters.get("symbol") ?? ""
            let query = queryItems(request)
            let parsed = parsePrecision(query["prec"] ?? "P0")
            guard parsed.valid else { return json(.badRequest, "{\"error\":\"prec must be P0..P4 or R0\"}") }
            let length = query["len"].flatMap { Int($0) } ?? 25
            guard let book = await engine.publicBook(symbol: symbol, precision: parsed.precision, length: length) else {
                return json(.notFound, "{\"error\":\"unknown symbol\"}")
            }
            return json(.ok, SimulatorRoutes.render(book))
        }
        router.post("/_sim/step") { request, _ -> Response in
            let count = min(queryItems(request)["n"].flatMap { Int($0) } ?? 1, 100_000)
            await engine.tick(count: count)
            return json(.ok, "{\"status\":\"OK\",\"ticks\":\(count)}")
        }
        // Burst mode (ADR 0017): pre-generate N ticks with every connection's send queue held,
        // then release them at once — for throughput measurements from outside the process.
        router.post("/_sim/burst") { request, _ -> Response in
            let ticks = min(max(queryItems(request)["ticks"].flatMap { Int($0) } ?? 1_000, 1), 1_000_000)
            let burst = await engine.burst(ticks: ticks)
            let ms = burst.generationTime.secondsDouble * 1_000
            return json(.ok, "{\"status\":\"OK\",\"ticks\":\(burst.ticks),\"frames\":\(burst.frames),\"connections\":\(burst.connections),\"generationMillis\":\(Int(ms))}")
        }
        router.get("/_sim/pending") { _, _ -> Response in
            let pending = await engine.pendingFrames()
            return json(.ok, "{\"pendingFrames\":\(pending)}")
        }
        router.get("/_sim/nonces/:key") { _, context -> Response in
            let key = context.parameters.get("key") ?? ""
            let list = await engine.acceptedNonces(key: key)
            return json(.ok, "[" + list.map(String.init).joined(separator: ",") + "]")
        }
        router.get("/_sim/events/:user") { request, context -> Response in
            guard let user = context.parameters.get("user").flatMap({ Int($0) }) else {
                return json(.badRequest, "{\"error\":\"user must be a user id\"}")
            }
            let after = queryItems(request)["after"].flatMap { Int($0) } ?? 0
            return json(.ok, await engine.accountEventsJSON(userId: user, after: after))
        }
        return router
    }

    static func render(_ stats: SimulatorStats) -> String {
        var w = WireWriter()
        w.beginObject()
        w.key("connections"); w.int(stats.connections)
        w.key("connectionIds"); w.beginArray(); for id in stats.connectionIds { w.int(id) }; w.endArray()
        w.key("connectionsAccepted"); w.int(stats.connectionsAccepted)
        w.key("connectionsRefused"); w.int(stats.connectionsRefused)
        w.key("messagesSent"); w.int(stats.messagesSent)
        w.key("ticks"); w.int(stats.ticks)
        w.key("maintenance"); w.bool(stats.maintenance)
        w.key("nonces"); w.beginObject()
        for (key, n) in stats.nonces.sorted(by: { $0.key < $1.key }) {
            w.key(key); w.beginObject()
            w.key("accepted"); w.int(n.accepted); w.key("rejected"); w.int(n.rejected)
            w.key("outOfOrder"); w.int(n.outOfOrder); w.key("lastNonce"); w.int(n.lastNonce)
            w.endObject()
        }
        w.endObject()
        w.key("faultsInjected"); w.beginObject()
        for (name, count) in stats.faultsInjected.sorted(by: { $0.key < $1.key }) { w.key(name); w.int(count) }
        w.endObject()
        w.key("restRequests"); w.beginObject()
        for (name, count) in stats.restRequests.sorted(by: { $0.key < $1.key }) { w.key(name); w.int(count) }
        w.endObject()
        for (label, map) in [("subscribesAccepted", stats.subscribesAccepted), ("activeSubscriptions", stats.activeSubscriptions)] {
            w.key(label); w.beginObject()
            for (name, count) in map.sorted(by: { $0.key < $1.key }) { w.key(name); w.int(count) }
            w.endObject()
        }
        w.endObject()
        return w.text
    }

    static func render(_ book: SimulatorBook) -> String {
        var w = WireWriter()
        let entry: (inout WireWriter, SimulatorBook.Entry) -> Void = { w, e in
            w.beginObject()
            if let id = e.id { w.key("id"); w.int(id) }
            w.key("price"); w.raw(e.price)
            if let period = e.period { w.key("period"); w.int(period) }
            if let count = e.count { w.key("count"); w.int(count) }
            w.key("amount"); w.raw(e.amount)
            w.endObject()
        }
        w.beginObject()
        w.key("bids"); w.beginArray(); for e in book.bids { entry(&w, e) }; w.endArray()
        w.key("asks"); w.beginArray(); for e in book.asks { entry(&w, e) }; w.endArray()
        w.key("checksum"); w.int(Int(book.checksum))
        w.key("checksumInput"); w.string(book.checksumInput)
        w.endObject()
        return w.text
    }
}
