import BfxProtocol
import Logging
import NIOCore
@testable import BfxClient

/// Handler tests drive a supervisor over an `EmbeddedChannel` without its reconnect loop. These
/// helpers live in the test target, not in the product.
extension ConnectionSupervisor {
    /// Adopts an already-connected channel as the current socket; returns the generation to give
    /// the router handler.
    func adoptForTesting(_ channel: any Channel) -> Int {
        generation += 1
        _ = attach(channel, generation: generation)
        return generation
    }

    /// A supervisor (id 1, public endpoint of `configuration`) and its environment on `eventLoop`
    /// with the clock `clock`, as the handler tests build it; events go to `continuation`.
    static func forTesting(configuration: BfxClientConfiguration, clock: any BfxClock, eventLoop: any EventLoop,
                           timerMode: TimerMode, events continuation: AsyncStream<ClientEvent>.Continuation) throws
        -> (ConnectionSupervisor, ClientEnvironment) {
        let environment = ClientEnvironment(
            configuration: configuration, clock: ClientClock(clock), logger: Logger(label: "test"),
            metrics: ClientMetrics(label: "test"), eventContinuation: continuation
        )
        let supervisor = ConnectionSupervisor(
            id: 1, eventLoop: eventLoop, url: try WebSocketURL(parsing: configuration.publicURL),
            environment: environment, limiter: environment.publicLimiter, timerMode: timerMode
        )
        return (supervisor, environment)
    }

    /// Runs the close bookkeeping the reconnect loop would run.
    func detachForTesting() -> CloseReason { detach(generation: generation) }
}
