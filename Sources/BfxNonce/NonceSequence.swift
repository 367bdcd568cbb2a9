import BfxProtocol

/// The nonce rule for one key: `next = max(last + 1, now)`, strictly increasing, never above
/// 2^53−1 (JavaScript's `MAX_SAFE_INTEGER`, the documented Bitfinex ceiling).
///
/// A value type so the rule is tested without any I/O; ``NonceManager`` applies it inside the
/// per-key serialized section with the floor supplied by the key's ``NonceStore``.
public struct NonceSequence: Sendable, Equatable {
    /// The largest nonce Bitfinex accepts: 9007199254740991 (the signing layer's
    /// `BfxSignature.maxNonce`; nonces are `Int64` from issue to wire, see docs/nonces.md).
    public static let maximum: Int64 = BfxSignature.maxNonce

    /// The last nonce handed out (0 = none yet).
    public private(set) var last: Int64

    /// Creates a sequence whose next nonce is greater than `last`.
    public init(last: Int64 = 0) { self.last = last }

    /// Returns the next nonce for wall time `nowMicros` and advances.
    /// - Throws: ``NonceError/ceilingExceeded(keyID:last:)`` when `last` is already at the maximum.
    @inline(__always)
    public mutating func next(nowMicros: UInt64, keyID: String) throws(NonceError) -> Int64 {
        guard last < Self.maximum else { throw .ceilingExceeded(keyID: keyID, last: last) }
        // A clock reading above Int64.max is past the ceiling anyway: clamping keeps it there.
        let candidate = max(last &+ 1, Int64(clamping: nowMicros))
        guard candidate <= Self.maximum else {
            // The wall clock is past the ceiling (e.g. a ns-scale clock); never hand out a
            // value the server rejects — fall back to last + 1 which is still legal.
            last &+= 1
            return last
        }
        last = candidate
        return candidate
    }

    /// Raises the floor so the next nonce is greater than `value`; never lowers it.
    public mutating func raise(to value: Int64) {
        if value > last { last = min(value, Self.maximum) }
    }
}
