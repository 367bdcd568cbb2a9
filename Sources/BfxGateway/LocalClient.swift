import BfxProtocol
import Synchronization

/// One local WebSocket connection: its identity, its outbox and a few counters.
final class LocalClient: Sendable {
    let id: Int
    /// The peer address as text (for `gateway clients` and logs).
    let remote: String
    let connectedAtMillis: Int64
    let outbox: GatewayOutbox
    private let inbound = Atomic<Int>(0)
    private let rejected = Atomic<Int>(0)

    init(id: Int, remote: String, connectedAtMillis: Int64, sendBuffer: Int) {
        self.id = id
        self.remote = remote
        self.connectedAtMillis = connectedAtMillis
        self.outbox = GatewayOutbox(limit: sendBuffer)
    }

    func noteInbound() { inbound.add(1, ordering: .relaxed) }
    func noteRejected() { rejected.add(1, ordering: .relaxed) }
    /// Frames received from the client.
    var framesIn: Int { inbound.load(ordering: .relaxed) }
    /// Requests answered with an error event.
    var errors: Int { rejected.load(ordering: .relaxed) }
}

/// JSON encodings shared by the feed and the session.
enum LocalWire {
    /// `[CHAN_ID,payload…` without the closing bracket (the outbox adds the trailer and `]`).
    static func packet(_ chanId: Int64, _ payload: [JSONValue]) -> [UInt8] {
        var bytes = JSONValue.array([.number(WireNumber(chanId))] + payload).bytes
        bytes.removeLast()
        return bytes
    }

    /// `{"event":"error",…request fields…,"msg":MSG,"code":CODE}` — the request's fields are
    /// echoed (as some clients expect, reference §3.1), except `event`.
    static func error(code: Int, msg: String, echo: JSONObject? = nil) -> String {
        var object = JSONObject()
        object.append("event", .string("error"))
        for member in echo ?? JSONObject() where member.key != "event" { object.append(member.key, member.value) }
        object.append("msg", .string(msg))
        object.append("code", .number(WireNumber(code)))
        return JSONValue.object(object).serialized()
    }

    /// `{"event":"info","code":CODE,"msg":MSG}`.
    static func info(code: Int, msg: String) -> String {
        JSONValue.object(JSONObject([
            .init(key: "event", value: .string("info")),
            .init(key: "code", value: .number(WireNumber(code))),
            .init(key: "msg", value: .string(msg)),
        ])).serialized()
    }
}
