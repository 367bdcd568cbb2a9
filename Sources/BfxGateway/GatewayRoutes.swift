import BfxProtocol
import Hummingbird
import HummingbirdWebSocket
import Logging
import Metrics
import NIOCore

/// Request context that keeps the NIO channel (the writer writes past the frame encoder).
struct GatewayRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<GatewayRequestContext>
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.channel = source.channel
    }
}

/// The gateway's router: `/ws/2`, `GET /v2/**`, `GET /_gateway/state`.
enum GatewayRoutes {
    static func makeRouter(hub: GatewayHub, proxy: RESTProxy, signed: SignedRESTProxy, auth: GatewayAuth, serverId: String, clock: any BfxClock,
                           probe: GatewayLatencyProbe, logger: Logger) -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        let maxFrame = hub.configuration.maxFrameBytes
        let overflows = Counter(label: "bfx_gateway_client_overflows_total")

        router.ws("/ws/2") { inbound, outbound, context in
            let channel = context.requestContext.channel
            let remote = channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
            guard let client = await hub.connect(remote: remote) else {
                logger.warning("gateway: max clients reached, refusing connection", metadata: ["remote": "\(remote)"])
                try? await outbound.close(.unknown(1013), reason: "too many clients")
                return
            }
            let log = logger.with("client", "\(client.id)")
            log.info("gateway client connected", metadata: ["remote": "\(remote)"])
            let status = await hub.maintenance ? 0 : 1
            client.outbox.sendEvent("{\"event\":\"info\",\"version\":2,\"serverId\":\"\(serverId)\",\"platform\":{\"status\":\(status)}}",
                                    nowNanos: clock.monotonicNanos())
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await GatewayWriter(outbox: client.outbox, channel: channel, logger: log, onOverflow: { _ in
                        overflows.increment()
                        await hub.noteOverflow()
                    }, probe: probe, clock: clock).run()
                }
                do {
                    for try await message in inbound.messages(maxSize: maxFrame) {
                        client.noteInbound()
                        await handle(message, client: client, hub: hub, auth: auth, clock: clock)
                    }
                } catch {
                    log.info("gateway client closed for an oversized or invalid frame (1009)", metadata: ["error": "\(error)"])
                    client.outbox.requestClose(code: 1009, reason: "message too big")
                }
                await hub.disconnected(client.id)
                await auth.disconnected(client.id)
                client.outbox.finish()
            }
            log.info("gateway client disconnected", metadata: ["framesOut": "\(client.outbox.sent)", "dropped": "\(client.outbox.droppedFrames)"])
        }

        router.get("/v2/**") { request, _ -> Response in
            var pathAndQuery = String(request.uri.path.dropFirst("/v2/".count))
            if let query = request.uri.query, !query.isEmpty { pathAndQuery += "?" + query }
            let answer = await proxy.get(pathAndQuery)
            var headers: HTTPFields = [.contentType: answer.contentType]
            if answer.cached { headers[.init("x-bfxkit-cache")!] = "hit" }
            return Response(status: .init(code: answer.status), headers: headers, body: ResponseBody(byteBuffer: answer.body))
        }

        // Signed REST: only with accounts configured (otherwise 404, as before).
        if signed.isEnabled {
            let maxBody = hub.configuration.maxBodyBytes
            router.post("/v2/**") { request, _ -> Response in
                let path = String(request.uri.path.dropFirst("/v2/".count))
                func header(_ name: String) -> String? { request.headers.first { $0.name.canonicalName == name }?.value }
                let body: String?
                do { body = String(buffer: try await request.body.collect(upTo: maxBody)) } catch { body = nil }
                let answer = await signed.post(path: path, apiKey: header("bfx-apikey"), nonce: header("bfx-nonce"),
                                               signature: header("bfx-signature"), body: body)
                return Response(status: .init(code: answer.status), headers: [.contentType: answer.contentType],
                                body: ResponseBody(byteBuffer: answer.body))
            }
        }

        router.get("/_gateway/state") { _, _ -> Response in
            let snapshot = await hub.snapshot()
            let body = (try? JSONEncoderForState.encode(snapshot)) ?? "{}"
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
        }
        return router
    }

    /// One local text frame: Bitfinex's answer or error event; the socket always stays open.
    static func handle(_ message: WebSocketMessage, client: LocalClient, hub: GatewayHub, auth: GatewayAuth, clock: any BfxClock) async {
        let now = clock.monotonicNanos()
        guard case .text(let text) = message else {
            await hub.sendError(client.id, code: 10000, msg: "invalid request: binary frames are not supported", echo: nil)
            return
        }
        guard await hub.admitRequest(client.id) else {
            await hub.sendError(client.id, code: 11010, msg: "ratelimit: error", echo: nil)
            return
        }
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch {
            await hub.sendError(client.id, code: 10000, msg: "invalid request: not JSON", echo: nil)
            return
        }
        guard let object = value.object else {
            if let array = value.array {
                guard let fanout = auth.fanout(for: client.id) else {
                    await hub.sendError(client.id, code: 10200, msg: "not authenticated", echo: nil)
                    return
                }
                let type = array.count > 1 ? array[1].string ?? "" : ""
                guard let input = try? ClientMessage.parse(value) else {
                    await hub.sendError(client.id, code: 10020, msg: "input: invalid", echo: nil)
                    return
                }
                // results reach every authenticated client as events; this task only waits for them
                Task { await fanout.input(client, input, type: type) }
            } else {
                await hub.sendError(client.id, code: 10000, msg: "unknown event", echo: nil)
            }
            return
        }
        switch object["event"]?.string {
        case "ping":
            var reply = JSONObject()
            reply.append("event", .string("pong"))
            reply.append("ts", .number(WireNumber(Int64(clock.wallMicros() / 1_000))))
            if let cid = object["cid"] { reply.append("cid", cid) }
            client.outbox.sendEvent(JSONValue.object(reply).serialized(), nowNanos: now)
        case "conf":
            guard let flags = object["flags"]?.int64, flags >= 0 else {
                await hub.sendError(client.id, code: 10050, msg: "conf: invalid flags", echo: object)
                return
            }
            client.outbox.setFlags(flags)
            client.outbox.sendEvent("{\"event\":\"conf\",\"status\":\"OK\",\"flags\":\(flags)}", nowNanos: now)
        case "subscribe":
            await hub.subscribe(client.id, request: object)
        case "unsubscribe":
            await hub.unsubscribe(client.id, request: object)
        case "auth":
            await auth.authenticate(client, object, nowNanos: now)
        default:
            await hub.sendError(client.id, code: 10000, msg: "unknown event", echo: object)
        }
    }
}

extension Logger {
    fileprivate func with(_ key: String, _ value: String) -> Logger {
        var copy = self
        copy[metadataKey: key] = .string(value)
        return copy
    }
}
