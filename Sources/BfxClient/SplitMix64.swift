/// A small, fast, seedable random number generator (SplitMix64) used for reconnect jitter so
/// backoff schedules are reproducible in tests and drills.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from `seed`; equal seeds give equal sequences.
    public init(seed: UInt64) { self.state = seed }

    /// Creates a generator seeded from the system generator.
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
