import BfxTestSupport
import BfxProtocol
import Testing
@testable import BfxSimulator

/// The allocation-free formatter of the fast path must produce exactly `jsText` / `String(Int64)`,
/// and the byte-built checksum must equal the CRC of the checksum input string.
struct FixedBytesTests {
    @Test func appendJSTextMatchesJSText() {
        var rng = SplitMix64(seed: 11, stream: "fixed-bytes")
        var values: [Int64] = [0, 1, -1, 9, 10, 99, 100, 9_999, 10_000, 10_001, 12_345, 100_000, 1_000_000,
                               Fixed.scale, -Fixed.scale, Fixed.scale + 1, 65_000 * Fixed.scale + 5,
                               Int64.max, Int64.min + 1, 1_700_000, 70_000, 7_000]
        for _ in 0..<20_000 {
            let magnitude = Int64(rng.next() % UInt64(Int64.max))
            let digits = Int64(rng.next() % 19)
            var divisor: Int64 = 1
            for _ in 0..<digits { divisor *= 10 }
            let v = magnitude / divisor
            values.append(rng.next() % 2 == 0 ? v : -v)
        }
        for v in values {
            var bytes: [UInt8] = []
            Fixed(units: v).appendJSText(to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == Fixed(units: v).jsText, "units \(v)")
            var ints: [UInt8] = []
            Fixed.appendDecimal(v, to: &ints)
            #expect(String(decoding: ints, as: UTF8.self) == String(v))
        }
    }

    @Test func byteChecksumMatchesStringChecksum() async throws {
        var ids = IdAllocator(seed: 3)
        for symbol in ["tBTCUSD", "fUSD"] {
            var market = Market(symbol: symbol, seed: 3, now: 1_700_000_000_000, depth: 60, tradeHistory: 5, candleHistory: 5, ids: &ids)
            for precision in [nil, 0, 1, 2, 3, 4] as [Int?] {
                for step in 0..<30 {
                    _ = market.step(now: 1_700_000_000_000 + Int64(step), ids: &ids)
                    let view = BookView(precision: precision, length: 25, flushIntervalMillis: 0, book: market.book, now: 0)
                    #expect(view.checksum == BookChecksum.value(of: view.checksumString), "\(symbol) \(String(describing: precision))")
                }
            }
        }
    }
}
