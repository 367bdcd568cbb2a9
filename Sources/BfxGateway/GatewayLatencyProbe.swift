import Synchronization

/// Optional measurement of the gateway's added latency (benchmarks, diagnostics; `make bench`
/// reports it): for every batch
/// a writer hands to the socket, the time from the oldest frame's enqueue (right after the feed
/// processed the upstream event) to the completed write. Off by default; costs one atomic load
/// per batch while off.
public final class GatewayLatencyProbe: Sendable {
    private let enabled = Atomic<Bool>(false)
    private let samples = Mutex<[UInt64]>([])
    /// The most samples kept (older ones are not replaced: a run measures its first window).
    public static let capacity = 2_000_000

    /// A probe that is off.
    public init() {}

    /// Starts (clearing earlier samples) or stops recording.
    public func record(_ on: Bool) {
        if on { samples.withLock { $0.removeAll(keepingCapacity: true) } }
        enabled.store(on, ordering: .relaxed)
    }

    var isRecording: Bool { enabled.load(ordering: .relaxed) }

    func add(_ nanos: UInt64) {
        samples.withLock { if $0.count < Self.capacity { $0.append(nanos) } }
    }

    /// The recorded latencies, nanoseconds, unsorted.
    public var recorded: [UInt64] { samples.withLock { $0 } }
}
