/// SplitMix64: the one small, fast, seedable random number generator of bfxkit.
///
/// Reconnect and retry jitter use it so backoff schedules are reproducible from
/// `jitterSeed`; the simulator derives every market from `SimulatorConfiguration.seed` with it;
/// tests seed it for reproducible fuzzing. Swift's `SystemRandomNumberGenerator` cannot be seeded,
/// hence this hand-written generator (16 lines, the published constants).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`: equal seeds give equal sequences.
    public init(seed: UInt64) { self.state = seed }

    /// A generator for a named stream (a symbol, "engine", "scenario") derived from a base seed.
    ///
    /// The stream name is hashed with FNV-1a, which is stable across processes (Swift's `Hasher`
    /// is randomised per process and would break reproducibility).
    public init(seed: UInt64, stream: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in stream.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        self.state = seed ^ hash
    }

    /// A generator seeded from the system generator (production jitter).
    public init() {
        var system = SystemRandomNumberGenerator()
        self.state = system.next()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
}
