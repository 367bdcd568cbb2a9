import CoreMetrics

/// The metrics backend a program hands to the runtime: the factory the runtime records its own
/// series with, and the text served at `GET /metrics`.
///
/// bfxkit's libraries record through the swift-metrics API only; the program chooses the backend
/// (`bfxrun` installs swift-prometheus, see `Sources/bfxrun/Backends.swift`). Without one, the
/// runtime records through the global `MetricsSystem` and `/metrics` answers 503.
public struct MetricsBackend: Sendable {
    /// Factory for the runtime's own series (`bfxrun_*`).
    public var factory: any MetricsFactory
    /// The exposition text of every series (the runtime's and, when the program bootstrapped the
    /// global system with the same backend, the clients' and the nonce manager's).
    public var exposition: @Sendable () -> String

    /// A backend from a factory and its exposition.
    public init(factory: any MetricsFactory, exposition: @escaping @Sendable () -> String) {
        self.factory = factory
        self.exposition = exposition
    }
}
