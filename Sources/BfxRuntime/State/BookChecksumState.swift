import BfxClient

/// What the runtime knows about one book's checksums, derived from that subscription's events in
/// order (a value-type state machine: `MarketState` feeds it, tests feed it directly).
///
/// The client verifies every `cs` frame but emits no event for a match: it counts it, and the
/// count (`BookEvent.verifiedChecksums`, never decreasing) rides on the next book event. A
/// mismatch is an `.integrity(.checksumMismatch)` event followed by `.stale(.resync)` and a
/// fresh snapshot. Because a book event carries the count as of when the consumer reads it, a
/// count that rose across a mismatch may include checksums verified on the *old* book; so after
/// a mismatch or resync the count is re-based on the rebuilt book's snapshot, and only a rise
/// after that proves a checksum verified on the new book. The error is on the safe side: `ok`
/// can stay `false` until one more checksum is verified, never turn `true` early.
///
/// A mismatch the client only observed (checksum policy `observe` within its resync window:
/// recovery `.reportOnly`, no resync, no snapshot follows) also sets `ok = false`; the count is
/// re-based on the next book event (read after the mismatch, so its count already includes every
/// checksum verified before it), and only a rise after that sets `ok` again.
struct BookChecksumState: Sendable, Hashable {
    /// The result of the last checksum comparison: `nil` before the first verified checksum
    /// (or when checksums are off), `false` after a mismatch or resync until a checksum is
    /// verified on the rebuilt book, `true` after a verified checksum.
    private(set) var ok: Bool?
    /// The highest `verifiedChecksums` seen so far.
    private(set) var verifiedSeen = 0
    /// Set by a mismatch or resync, cleared by the next snapshot (which re-bases `verifiedSeen`).
    private(set) var awaitingSnapshot = false
    /// Set by an observed (report-only) mismatch, cleared by the next book event (which re-bases
    /// `verifiedSeen`).
    private(set) var awaitingRebase = false

    /// Feeds one subscription event; events other than book, integrity and resync are ignored.
    mutating func apply(_ event: SubscriptionEvent) {
        switch event {
        case .book(let book):
            bookChanged(verifiedChecksums: book.verifiedChecksums, isSnapshot: book.isSnapshot)
        case .integrity(let incident):
            if case .checksumMismatch = incident.kind {
                if case .reportOnly = incident.recovery { observedMismatch() } else { mismatch() }
            }
        case .stale(.resync):
            resync()
        default:
            break
        }
    }

    /// A book event carrying the client's verified-checksum count.
    mutating func bookChanged(verifiedChecksums: Int, isSnapshot: Bool) {
        defer { verifiedSeen = max(verifiedSeen, verifiedChecksums) }
        if awaitingSnapshot {
            // The rebuilt book's snapshot: its count is the new base, it proves nothing itself.
            if isSnapshot { awaitingSnapshot = false }
            return
        }
        if awaitingRebase {
            awaitingRebase = false
            return
        }
        if verifiedChecksums > verifiedSeen { ok = true }
    }

    /// The client reported a checksum mismatch: the local book diverged from the server's.
    mutating func mismatch() {
        ok = false
        awaitingSnapshot = true
    }

    /// The client observed a mismatch without resyncing (checksum policy `observe`): the server
    /// disagrees with the local book, which stays as it is.
    mutating func observedMismatch() {
        ok = false
        if !awaitingSnapshot { awaitingRebase = true }
    }

    /// The book is being resubscribed (after a mismatch, a sequence gap, a stall or a bad frame):
    /// it is not verified again until a checksum matches on the rebuilt book. Stays `nil` when no
    /// checksum was ever verified (checksums off, or none received yet).
    mutating func resync() {
        if ok != nil { ok = false }
        awaitingSnapshot = true
    }
}
