/// SplitMix64: a small, fast, seedable generator so every simulated market is reproducible from
/// `SimulatorConfiguration.seed` (Swift's `SystemRandomNumberGenerator` cannot be seeded).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { self.state = seed }

    /// Creates a generator for a named stream (e.g. a symbol) derived from a base seed, using a
    /// stable FNV-1a hash (Swift's `Hasher` is randomised per process and would break determinism).
    public init(seed: UInt64, stream: String) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in stream.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        self.state = seed ^ hash
    }

    /// Next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
