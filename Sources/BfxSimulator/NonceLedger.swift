import BfxProtocol

/// Per-key nonce verification shared by WebSocket `auth` and signed REST calls (Bitfinex keeps
/// one nonce counter per API key, reference §9), with statistics for stress tests.
struct NonceLedger: Sendable {
    /// The largest nonce Bitfinex accepts (2^53 - 1).
    static let maximum: Int64 = BfxSignature.maxNonce

    /// Outcome of presenting a nonce.
    enum Verdict: Sendable, Equatable {
        case accepted
        case small
        case tooLarge
        case injected
    }

    struct KeyRecord: Sendable {
        var last: Int64 = 0
        var accepted = 0
        var rejected = 0
        var outOfOrder = 0
        var history: [Int64] = []
    }

    private(set) var keys: [String: KeyRecord] = [:]
    /// Cap on recorded accepted nonces per key (older entries are kept; recording stops at the cap).
    let historyLimit: Int
    /// Injected 10114 rejections still to serve, per key (`rejectNonce` with a key and a count).
    var rejectNext: [String: Int] = [:]
    /// Injected 10114 rejections still to serve for whichever key signs next.
    var rejectNextAny = 0

    init(historyLimit: Int = 2_000_000) { self.historyLimit = historyLimit }

    /// Checks and (if accepted) records a nonce for a key. Call only after the signature is valid.
    mutating func present(_ nonce: Int64, key: String) -> Verdict {
        var record = keys[key] ?? KeyRecord()
        defer { keys[key] = record }
        if let pending = rejectNext[key], pending > 0 {
            rejectNext[key] = pending > 1 ? pending - 1 : nil
            record.rejected += 1
            return .injected
        }
        if rejectNextAny > 0 {
            rejectNextAny -= 1
            record.rejected += 1
            return .injected
        }
        if nonce > NonceLedger.maximum {
            record.rejected += 1
            return .tooLarge
        }
        if nonce <= record.last {
            record.rejected += 1
            record.outOfOrder += 1
            return .small
        }
        record.last = nonce
        record.accepted += 1
        if record.history.count < historyLimit { record.history.append(nonce) }
        return .accepted
    }

    /// Counts a rejection that happened before the nonce was examined (bad key or signature).
    mutating func countRejection(key: String) {
        keys[key, default: KeyRecord()].rejected += 1
    }
}
