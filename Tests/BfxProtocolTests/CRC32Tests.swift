import Testing
@testable import BfxProtocol

@Suite("CRC32")
struct CRC32Tests {
    /// The carry-less multiplication path equals the table path on every length from 0 to 1,100
    /// bytes (below, at and beyond the 64-byte threshold, every tail length), from several
    /// running registers, on random and on book-like bytes.
    @Test func acceleratedEqualsTables() {
        var rng = SplitMix64(seed: 0xC4C_3200)
        let random = (0..<1_200).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let bookLike = Array(String(repeating: "9012.5:1.25:9013:-0.5:", count: 60).utf8)
        var compared = 0
        for bytes in [random, bookLike] {
            for length in 0...1_100 {
                for register in [CRC32.initial, 0, UInt32(truncatingIfNeeded: rng.next())] {
                    bytes.withUnsafeBytes { all in
                        let slice = UnsafeRawBufferPointer(rebasing: all[0..<length])
                        #expect(CRC32.updateAccelerated(register, slice) == CRC32.update(register, slice), "length \(length)")
                    }
                    compared += 1
                }
            }
        }
        #expect(compared == 2 * 1_101 * 3)
    }

    @Test func knownValues() {
        // The standard check value, and a 25-level book text (64 bytes and more: the folding path).
        #expect(CRC32.checksum("123456789") == 0xCBF4_3926)
        let text = Array("The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.".utf8)
        let accelerated = text.withUnsafeBytes { CRC32.finalize(CRC32.updateAccelerated(CRC32.initial, $0)) }
        #expect(accelerated == CRC32.checksum(text))
    }

    #if arch(x86_64)
    /// Every x86-64 CPU since 2010 has PCLMULQDQ: the folding path is the one these tests cover.
    @Test func theFoldingPathIsTakenOnX86() {
        #expect(CRC32.isAccelerated)
    }
    #endif
}
