import CoreMetrics
import Metrics

/// The runtime's own series, recorded through the swift-metrics API on the program's backend
/// (``MetricsBackend``) or, without one, on the global `MetricsSystem`.
final class RuntimeMetrics: Sendable {
    let backend: MetricsBackend?
    let factory: any MetricsFactory
    let connections: CoreMetrics.Gauge
    let connectionsConnected: CoreMetrics.Gauge
    let channels: CoreMetrics.Gauge
    let alertsFiring: CoreMetrics.Gauge
    let reconnects: CoreMetrics.Gauge
    let checksumMismatches: CoreMetrics.Gauge
    let checksumMismatchesObserved: CoreMetrics.Gauge
    let sequenceGaps: CoreMetrics.Gauge
    let nonceQueueDepth: CoreMetrics.Gauge
    let nonceIssued: CoreMetrics.Gauge
    let nonceErrors: CoreMetrics.Gauge
    let alertEpisodes: CoreMetrics.Counter
    let uptime: CoreMetrics.Gauge

    init(backend: MetricsBackend?) {
        self.backend = backend
        let factory = backend?.factory ?? MetricsSystem.factory
        self.factory = factory
        connections = CoreMetrics.Gauge(label: "bfxrun_connections", factory: factory)
        connectionsConnected = CoreMetrics.Gauge(label: "bfxrun_connections_connected", factory: factory)
        channels = CoreMetrics.Gauge(label: "bfxrun_channels", factory: factory)
        alertsFiring = CoreMetrics.Gauge(label: "bfxrun_alerts_firing", factory: factory)
        reconnects = CoreMetrics.Gauge(label: "bfxrun_reconnects", factory: factory)
        checksumMismatches = CoreMetrics.Gauge(label: "bfxrun_checksum_mismatches", factory: factory)
        checksumMismatchesObserved = CoreMetrics.Gauge(label: "bfxrun_checksum_mismatches_observed", factory: factory)
        sequenceGaps = CoreMetrics.Gauge(label: "bfxrun_sequence_gaps", factory: factory)
        nonceQueueDepth = CoreMetrics.Gauge(label: "bfxrun_nonce_queue_depth", factory: factory)
        nonceIssued = CoreMetrics.Gauge(label: "bfxrun_nonce_issued", factory: factory)
        nonceErrors = CoreMetrics.Gauge(label: "bfxrun_nonce_errors", factory: factory)
        alertEpisodes = CoreMetrics.Counter(label: "bfxrun_alert_episodes_total", factory: factory)
        uptime = CoreMetrics.Gauge(label: "bfxrun_uptime_seconds", factory: factory)
    }

    /// Messages received per channel name (`ticker`, `book`, ...).
    func messages(channel: String) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: "bfxrun_channel_messages_total", dimensions: [("channel", channel)], factory: factory)
    }

    /// The exposition text, or nil when the program installed no metrics backend.
    func exposition() -> String? { backend?.exposition() }
}
