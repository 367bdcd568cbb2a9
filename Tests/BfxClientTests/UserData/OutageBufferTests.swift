import Testing
@testable import BfxClient

@Suite struct OutageBufferTests {
    @Test func keepsOriginalOrderAndDrainsOnce() throws {
        var buffer = OutageBuffer<String>(capacity: 4, maxAge: .seconds(30))
        try buffer.enqueue("a", dedupeKey: 1, now: .seconds(0))
        try buffer.enqueue("b", dedupeKey: 2, now: .seconds(1))
        try buffer.enqueue("c", dedupeKey: nil, now: .seconds(2))
        let first = buffer.drain(now: .seconds(3)) { _ in false }
        #expect(first.toSend.map(\.element) == ["a", "b", "c"])
        #expect(first.toSend.map(\.sequence) == [0, 1, 2])
        #expect(buffer.isEmpty)
        let second = buffer.drain(now: .seconds(4)) { _ in false }
        #expect(second.toSend.isEmpty)
    }

    @Test func boundedCapacityRejects() throws {
        var buffer = OutageBuffer<Int>(capacity: 2, maxAge: .seconds(30))
        try buffer.enqueue(1, dedupeKey: nil, now: .zero)
        try buffer.enqueue(2, dedupeKey: nil, now: .zero)
        #expect(throws: OutageBuffer<Int>.EnqueueError.full(capacity: 2)) {
            try buffer.enqueue(3, dedupeKey: nil, now: .zero)
        }
        #expect(buffer.count == 2)
    }

    @Test func duplicateKeyRejected() throws {
        var buffer = OutageBuffer<Int>(capacity: 5, maxAge: .seconds(30))
        try buffer.enqueue(1, dedupeKey: 77, now: .zero)
        #expect(throws: OutageBuffer<Int>.EnqueueError.duplicateKey(77)) {
            try buffer.enqueue(2, dedupeKey: 77, now: .zero)
        }
    }

    @Test func expiredEntriesAreNeverSent() throws {
        var buffer = OutageBuffer<String>(capacity: 5, maxAge: .seconds(10))
        try buffer.enqueue("old", dedupeKey: 1, now: .seconds(0))
        try buffer.enqueue("new", dedupeKey: 2, now: .seconds(8))
        let result = buffer.drain(now: .seconds(12)) { _ in false }
        #expect(result.expired.map(\.element) == ["old"])
        #expect(result.toSend.map(\.element) == ["new"])
    }

    @Test func removeExpiredKeepsFresh() throws {
        var buffer = OutageBuffer<String>(capacity: 5, maxAge: .seconds(10))
        try buffer.enqueue("old", dedupeKey: nil, now: .seconds(0))
        try buffer.enqueue("new", dedupeKey: nil, now: .seconds(5))
        let r1 = buffer.removeExpired(now: .seconds(11))
        #expect(r1.map(\.element) == ["old"])
        #expect(buffer.pending.map(\.element) == ["new"])
    }

    @Test func knownKeysAreNotResubmitted() throws {
        var buffer = OutageBuffer<String>(capacity: 5, maxAge: .seconds(30))
        try buffer.enqueue("a", dedupeKey: 10, now: .zero)
        try buffer.enqueue("b", dedupeKey: 11, now: .zero)
        try buffer.enqueue("c", dedupeKey: 12, now: .zero)
        let result = buffer.drain(now: .seconds(1)) { $0 == 11 }
        #expect(result.toSend.map(\.element) == ["a", "c"])
        #expect(result.alreadyKnown.map(\.element) == ["b"])
    }

    @Test func removeBySequence() throws {
        var buffer = OutageBuffer<String>(capacity: 5, maxAge: .seconds(30))
        let a = try buffer.enqueue("a", dedupeKey: nil, now: .zero)
        try buffer.enqueue("b", dedupeKey: nil, now: .zero)
        let r2 = buffer.remove(sequence: a)
        #expect(r2?.element == "a")
        let r3 = buffer.remove(sequence: a)
        #expect(r3 == nil)
        #expect(buffer.pending.map(\.element) == ["b"])
    }
}
