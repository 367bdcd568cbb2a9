import Synchronization

/// The `latency` fault's current delay, read on every outbound frame and REST response by the
/// connection tasks. Kept out of the engine actor (behind a `Mutex`) so the writer path does not
/// hop to the actor per message.
final class InjectedLatency: Sendable {
    private let state = Mutex<Duration>(.zero)

    /// Extra delay applied to every outbound WebSocket frame and REST response.
    var latency: Duration {
        get { state.withLock { $0 } }
    }

    func setLatency(_ value: Duration) { state.withLock { $0 = value } }
}
