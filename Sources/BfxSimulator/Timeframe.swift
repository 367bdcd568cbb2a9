/// Candle timeframes supported by Bitfinex (reference §3.2: 1m 5m 15m 30m 1h 3h 6h 12h 1D 7D 14D 1M).
package enum Timeframe: String, CaseIterable, Sendable {
    /// One minute candles (`trade:1m:SYMBOL`).
    case m1 = "1m"
    /// Five minutes candles (`trade:5m:SYMBOL`).
    case m5 = "5m"
    /// Fifteen minutes candles (`trade:15m:SYMBOL`).
    case m15 = "15m"
    /// Thirty minutes candles (`trade:30m:SYMBOL`).
    case m30 = "30m"
    /// One hour candles (`trade:1h:SYMBOL`).
    case h1 = "1h"
    /// Three hours candles (`trade:3h:SYMBOL`).
    case h3 = "3h"
    /// Six hours candles (`trade:6h:SYMBOL`).
    case h6 = "6h"
    /// Twelve hours candles (`trade:12h:SYMBOL`).
    case h12 = "12h"
    /// One day candles (`trade:1D:SYMBOL`).
    case d1 = "1D"
    /// Seven days candles (`trade:7D:SYMBOL`).
    case d7 = "7D"
    /// Fourteen days candles (`trade:14D:SYMBOL`).
    case d14 = "14D"
    /// One calendar month candles (`trade:1M:SYMBOL`).
    case month = "1M"

    /// Fixed length in milliseconds (the month uses 30 days only for history generation).
    var millis: Int64 {
        switch self {
        case .m1: 60_000
        case .m5: 300_000
        case .m15: 900_000
        case .m30: 1_800_000
        case .h1: 3_600_000
        case .h3: 10_800_000
        case .h6: 21_600_000
        case .h12: 43_200_000
        case .d1: 86_400_000
        case .d7: 604_800_000
        case .d14: 1_209_600_000
        case .month: 2_592_000_000
        }
    }

    /// Start of the bucket containing `mts` (UTC). Fixed timeframes are aligned to the epoch
    /// (Bitfinex's alignment of 7D/14D is UNVERIFIED); 1M is aligned to the first of the month.
    func bucketStart(_ mts: Int64) -> Int64 {
        guard self == .month else { return mts - ((mts % millis) + millis) % millis }
        let days = mts >= 0 ? mts / 86_400_000 : (mts - 86_399_999) / 86_400_000
        let (y, m, _) = Timeframe.civil(fromDays: days)
        return Timeframe.days(fromCivil: y, m, 1) * 86_400_000
    }

    /// Start of the bucket preceding the one starting at `start`.
    func previousBucket(_ start: Int64) -> Int64 {
        guard self == .month else { return start - millis }
        return bucketStart(start - 1)
    }

    // Howard Hinnant's civil-date algorithms (public domain), to avoid Foundation calendars here.
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = m > 2 ? m - 3 : m + 9
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
