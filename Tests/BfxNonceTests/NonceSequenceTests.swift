import Testing
@testable import BfxNonce

@Suite struct NonceSequenceTests {
    @Test func followsTheClockAndStaysStrictlyIncreasing() throws {
        var seq = NonceSequence()
        #expect(try seq.next(nowMicros: 1_000, keyID: "k") == 1_000)
        #expect(try seq.next(nowMicros: 1_000, keyID: "k") == 1_001)
        #expect(try seq.next(nowMicros: 5_000, keyID: "k") == 5_000)
        // Clock stepped back: last + 1, never a reuse.
        #expect(try seq.next(nowMicros: 10, keyID: "k") == 5_001)
    }

    @Test func refusesToPassTheCeiling() throws {
        var seq = NonceSequence(last: NonceSequence.maximum - 1)
        #expect(try seq.next(nowMicros: 0, keyID: "k") == NonceSequence.maximum)
        #expect(throws: NonceError.ceilingExceeded(keyID: "k", last: NonceSequence.maximum)) {
            try seq.next(nowMicros: 0, keyID: "k")
        }
    }

    @Test func clockBeyondTheCeilingFallsBackToIncrement() throws {
        var seq = NonceSequence(last: 100)
        #expect(try seq.next(nowMicros: UInt64.max, keyID: "k") == 101)
    }

    @Test func raiseNeverLowers() {
        var seq = NonceSequence(last: 50)
        seq.raise(to: 10)
        #expect(seq.last == 50)
        seq.raise(to: 70)
        #expect(seq.last == 70)
        seq.raise(to: .max)
        #expect(seq.last == NonceSequence.maximum)
    }

    @Test func fingerprintHidesTheKey() {
        let fp = KeyFingerprint.of(apiKey: "secret-api-key")
        #expect(fp.hasPrefix("k-") && fp.count == 14 && !fp.contains("secret"))
        #expect(fp == KeyFingerprint.of(apiKey: "secret-api-key"))
        #expect(fp != KeyFingerprint.of(apiKey: "secret-api-kez"))
    }
}
