/// Audits SEQ_ALL sequence numbers of one connection (bitfinex-protocol.md §5).
///
/// Public seq: one counter for all channels of the connection; the first value initialises,
/// then each must be `last + 1`. Auth seq (channel 0): 0 means "still syncing" and is ignored;
/// notifications (`n`) must not advance it; other channel-0 packets advance it by exactly 1.
/// Reset on every (re)connect. Pure value type: the caller owns it per connection.
public struct SequenceAuditor: Sendable, Hashable {
    /// The outcome of observing one sequence number.
    public enum Outcome: Sendable, Hashable {
        /// The first number seen (initialises the counter).
        case first
        /// Exactly the expected next number.
        case inOrder
        /// Numbers were skipped: `missing` packets lost between `expected` and `received`.
        case gap(expected: Int64, received: Int64)
        /// A number at or below the last one (duplicate or replay).
        case duplicate(last: Int64, received: Int64)
        /// Ignored (auth seq 0 while syncing, or a notification that carries no new number).
        case ignored

        /// `true` for `.gap` and `.duplicate`.
        public var isProblem: Bool {
            switch self {
            case .gap, .duplicate: return true
            default: return false
            }
        }
    }

    /// Last public seq seen.
    public private(set) var lastPublic: Int64?
    /// Last auth seq seen.
    public private(set) var lastAuth: Int64?
    /// Gaps detected since creation/reset.
    public private(set) var gapCount = 0
    /// Duplicates detected since creation/reset.
    public private(set) var duplicateCount = 0

    /// Creates an auditor with no history.
    public init() {}

    /// Forgets all history (call on connect/disconnect).
    public mutating func reset() {
        lastPublic = nil
        lastAuth = nil
    }

    /// Observes a public sequence number.
    public mutating func observePublic(_ seq: Int64) -> Outcome {
        guard let last = lastPublic else {
            lastPublic = seq
            return .first
        }
        if seq == last &+ 1 {
            lastPublic = seq
            return .inOrder
        }
        if seq <= last {
            duplicateCount += 1
            return .duplicate(last: last, received: seq)
        }
        gapCount += 1
        lastPublic = seq
        return .gap(expected: last &+ 1, received: seq)
    }

    /// Observes an auth sequence number; `isNotification` for `n` packets (which must not
    /// advance it: a notification repeating the last value is in order).
    public mutating func observeAuth(_ seq: Int64, isNotification: Bool = false) -> Outcome {
        if seq == 0 { return .ignored }
        guard let last = lastAuth else {
            lastAuth = seq
            return .first
        }
        if isNotification {
            if seq == last { return .ignored }
            if seq < last {
                duplicateCount += 1
                return .duplicate(last: last, received: seq)
            }
            gapCount += 1
            lastAuth = seq
            return .gap(expected: last, received: seq)
        }
        if seq == last &+ 1 {
            lastAuth = seq
            return .inOrder
        }
        if seq <= last {
            duplicateCount += 1
            return .duplicate(last: last, received: seq)
        }
        gapCount += 1
        lastAuth = seq
        return .gap(expected: last &+ 1, received: seq)
    }

    /// Observes the metadata of a decoded frame (public and auth numbers); returns the first
    /// problem found, or the public outcome.
    public mutating func observe(_ frame: Frame) -> Outcome {
        var isNotification = false
        if case .user(.notification, _) = frame { isNotification = true }
        return observe(frame.meta, isNotification: isNotification)
    }

    /// Observes a frame's metadata (``observe(_:)`` without the frame: `isNotification` for
    /// channel-0 `n` packets).
    @inlinable
    public mutating func observe(_ meta: FrameMeta, isNotification: Bool) -> Outcome {
        var result: Outcome = .ignored
        if let s = meta.seq { result = observePublic(s) }
        if let a = meta.authSeq {
            let r = observeAuth(a, isNotification: isNotification)
            if r.isProblem && !result.isProblem { result = r }
        }
        return result
    }
}
