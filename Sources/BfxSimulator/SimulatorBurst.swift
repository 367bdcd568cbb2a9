/// What one `BfxSimulator.burst(ticks:)` pre-generated and released.
public struct SimulatorBurst: Sendable, Equatable {
    /// Market ticks run.
    public var ticks: Int
    /// WebSocket frames queued, summed over connections (book updates, `cs`, trades, tickers…).
    public var frames: Int
    /// Connections the burst was released to.
    public var connections: Int
    /// Time spent generating (the burst is released after it; the writers' time is not included).
    public var generationTime: Duration
}
