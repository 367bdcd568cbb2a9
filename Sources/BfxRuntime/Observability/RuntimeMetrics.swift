import CoreMetrics
import Metrics
import Prometheus

/// The runtime's own Prometheus series (the clients and the nonce manager record theirs through
/// the global swift-metrics system, which the executable bootstraps with the same registry).
final class RuntimeMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    let factory: PrometheusMetricsFactory
    let connections: CoreMetrics.Gauge
    let connectionsConnected: CoreMetrics.Gauge
    let channels: CoreMetrics.Gauge
    let alertsFiring: CoreMetrics.Gauge
    let reconnects: CoreMetrics.Gauge
    let checksumMismatches: CoreMetrics.Gauge
    let sequenceGaps: CoreMetrics.Gauge
    let nonceQueueDepth: CoreMetrics.Gauge
    let nonceIssued: CoreMetrics.Gauge
    let nonceErrors: CoreMetrics.Gauge
    let alertEpisodes: CoreMetrics.Counter
    let uptime: CoreMetrics.Gauge

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        let factory = PrometheusMetricsFactory(registry: registry)
        self.factory = factory
        connections = CoreMetrics.Gauge(label: "bfxrun_connections", factory: factory)
        connectionsConnected = CoreMetrics.Gauge(label: "bfxrun_connections_connected", factory: factory)
        channels = CoreMetrics.Gauge(label: "bfxrun_channels", factory: factory)
        alertsFiring = CoreMetrics.Gauge(label: "bfxrun_alerts_firing", factory: factory)
        reconnects = CoreMetrics.Gauge(label: "bfxrun_reconnects", factory: factory)
        checksumMismatches = CoreMetrics.Gauge(label: "bfxrun_checksum_mismatches", factory: factory)
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

    /// Prometheus text exposition.
    func exposition() -> String { registry.emitToString() }
}
