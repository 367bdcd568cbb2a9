import Synchronization
@testable import BfxClient

/// An in-memory stand-in for the authenticated endpoint: every connection the client opens is
/// recorded, every frame the client sends is logged and handed to `respond`, which returns the
/// frames the "server" answers with. Tests can also push frames or drop a connection at will.
final class ScriptedUserDataServer: UserDataTransport, Sendable {
    /// One accepted connection.
    final class Connection: UserDataConnection, Sendable {
        let index: Int
        let frames: AsyncThrowingStream<String, any Error>
        private let continuation: AsyncThrowingStream<String, any Error>.Continuation
        private unowned let server: ScriptedUserDataServer
        // Mutex: `closed` is touched by the client's tasks and the test task.
        private let closed = Mutex(false)

        init(index: Int, server: ScriptedUserDataServer) {
            self.index = index
            self.server = server
            (frames, continuation) = AsyncThrowingStream.makeStream(of: String.self, throwing: (any Error).self)
        }

        var isClosed: Bool { closed.withLock { $0 } }

        func send(_ text: String) async throws {
            guard !isClosed else { throw UserDataError.notConnected }
            let replies = server.received(text, on: self)
            for reply in replies { push(reply) }
        }

        func push(_ frame: String) {
            guard !isClosed else { return }
            continuation.yield(frame)
        }

        func close() async { drop() }

        func drop() {
            let wasOpen = closed.withLock { flag in
                defer { flag = true }
                return !flag
            }
            if wasOpen { continuation.finish() }
        }
    }

    struct State {
        var connections: [Connection] = []
        var sent: [(connection: Int, text: String)] = []
        var refuseConnections = 0
    }

    // Mutex: the client's tasks and the test task both read and write the script state.
    private let state = Mutex(State())
    typealias Responder = @Sendable (_ text: String, _ connection: Int) -> [String]
    // Mutex: set once by the owner after init, read by client tasks.
    private let respond = Mutex<Responder?>(nil)

    init() {}

    func setResponder(_ responder: @escaping Responder) {
        respond.withLock { $0 = responder }
    }

    func connect() async throws -> any UserDataConnection {
        let result: Connection? = state.withLock { s in
            if s.refuseConnections > 0 {
                s.refuseConnections -= 1
                return nil
            }
            let connection = Connection(index: s.connections.count, server: self)
            s.connections.append(connection)
            return connection
        }
        guard let result else { throw UserDataError.notConnected }
        result.push(#"{"event":"info","version":2,"platform":{"status":1}}"#)
        return result
    }

    fileprivate func received(_ text: String, on connection: Connection) -> [String] {
        state.withLock { $0.sent.append((connection.index, text)) }
        let responder = respond.withLock { $0 }
        return responder?(text, connection.index) ?? []
    }

    var connections: [Connection] { state.withLock { $0.connections } }
    var sentFrames: [(connection: Int, text: String)] { state.withLock { $0.sent } }
    func refuse(next count: Int) { state.withLock { $0.refuseConnections = count } }
    func push(_ frame: String) { connections.last?.push(frame) }
    func dropCurrent() { connections.last?.drop() }
}
