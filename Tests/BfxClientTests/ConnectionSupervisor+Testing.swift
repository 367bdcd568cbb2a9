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

    /// Runs the close bookkeeping the reconnect loop would run.
    func detachForTesting() -> CloseReason { detach(generation: generation) }
}
