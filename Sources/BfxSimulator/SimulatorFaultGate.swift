import NIOCore
import Synchronization

/// Fault state that must be read outside the engine actor: the TCP accept path (a NIO handler on
/// the listening socket, which cannot await the actor per accepted connection) and the subscribe
/// path. `Mutex`: written by `inject` (actor), read by the server channel's event loop.
final class SimulatorFaultGate: Sendable {
    private struct State {
        var refuseUntil: ContinuousClock.Instant?
        var refused = 0
        var rejectCode = 0
        var rejectRemaining = 0
        var rejectUnsubscribeCode = 0
        var rejectUnsubscribeRemaining = 0
    }

    private let state = Mutex(State())

    /// Refuse TCP connections until `instant` (nil: accept again).
    func refuse(until instant: ContinuousClock.Instant?) {
        state.withLock { $0.refuseUntil = instant }
    }

    /// True (and counted) when a freshly accepted TCP connection must be closed now.
    func shouldRefuse(now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { s in
            guard let until = s.refuseUntil else { return false }
            if now < until {
                s.refused += 1
                return true
            }
            s.refuseUntil = nil
            return false
        }
    }

    /// TCP connections refused so far.
    var refusedCount: Int { state.withLock { $0.refused } }

    /// The next `count` subscribe requests (any connection) are answered with error `code`.
    func rejectSubscribes(code: Int, count: Int) {
        state.withLock { s in
            s.rejectCode = code
            s.rejectRemaining = max(0, count)
        }
    }

    /// Consumes one pending subscribe rejection; returns its code.
    func takeSubscribeRejection() -> Int? {
        state.withLock { s in
            guard s.rejectRemaining > 0 else { return nil }
            s.rejectRemaining -= 1
            return s.rejectCode
        }
    }

    /// The next `count` unsubscribe requests (any connection) are answered with error `code`.
    func rejectUnsubscribes(code: Int, count: Int) {
        state.withLock { s in
            s.rejectUnsubscribeCode = code
            s.rejectUnsubscribeRemaining = max(0, count)
        }
    }

    /// Consumes one pending unsubscribe rejection; returns its code.
    func takeUnsubscribeRejection() -> Int? {
        state.withLock { s in
            guard s.rejectUnsubscribeRemaining > 0 else { return nil }
            s.rejectUnsubscribeRemaining -= 1
            return s.rejectUnsubscribeCode
        }
    }

    /// Ends refusal and pending rejections (`.clear`).
    func clear() {
        state.withLock { s in
            s.refuseUntil = nil
            s.rejectRemaining = 0
            s.rejectUnsubscribeRemaining = 0
        }
    }
}

/// First handler of the listening socket's pipeline: while the `refuseConnections` fault is
/// active, every accepted TCP connection is closed before it is initialised or registered — so
/// the peer never receives a single HTTP byte (its upgrade fails exactly like a refused connect).
/// Stopping and re-binding the listener instead would risk losing the ephemeral port and would
/// need a restartable Hummingbird `Application`; see docs/adr/0018.
final class RefuseConnectionsHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    private let gate: SimulatorFaultGate
    private let onRefused: @Sendable () -> Void

    init(gate: SimulatorFaultGate, onRefused: @escaping @Sendable () -> Void = {}) {
        self.gate = gate
        self.onRefused = onRefused
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard gate.shouldRefuse() else {
            context.fireChannelRead(data)
            return
        }
        let accepted = unwrapInboundIn(data)
        accepted.close(promise: nil)
        onRefused()
    }
}
