import Testing
@testable import BfxProtocol

@Suite("Frame layout")
struct FrameLayoutTests {
    /// The large payloads are boxed (`indirect`): a frame — copied on every hand-over from the
    /// decoder to books, auditor and consumers — stays the size of its hot cases (a book update:
    /// chanId, a `BookEntry`, `FrameMeta`), not of the largest account event.
    @Test func aFrameIsTheSizeOfItsHotCases() {
        let hot = MemoryLayout<Int64>.size + MemoryLayout<FundingTrade>.size + MemoryLayout<FrameMeta>.size + 16
        #expect(MemoryLayout<Frame>.size <= hot, "Frame is \(MemoryLayout<Frame>.size) bytes")
        #expect(MemoryLayout<UserEvent>.size > MemoryLayout<Frame>.size)
    }
}
