import Synchronization
import Testing
@testable import BfxNonce
import BfxTestSupport

@Suite struct NonceManagerTests {
    let start: Int64 = 1_700_000_000_000_000

    @Test func noncesAreStrictlyIncreasingAcrossBackwardClockSteps() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(clock: clock)
        let a = try await manager.nextNonce(for: "k")
        #expect(a == start)
        let b = try await manager.nextNonce(for: "k")
        #expect(b == start + 1)
        clock.setWall(micros: UInt64(start - 60_000_000))  // NTP step back one minute
        let c = try await manager.nextNonce(for: "k")
        #expect(c == start + 2)
        clock.setWall(micros: UInt64(start + 5_000_000))
        #expect(try await manager.nextNonce(for: "k") == start + 5_000_000)
        // Keys are independent.
        #expect(try await manager.nextNonce(for: "other") == start + 5_000_000)
    }

    @Test func ceilingIsATypedError() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(clock: clock)
        try await manager.raiseFloor(key: "k", to: NonceSequence.maximum - 1)
        #expect(try await manager.nextNonce(for: "k") == NonceSequence.maximum)
        await #expect(throws: NonceError.ceilingExceeded(keyID: "k", last: NonceSequence.maximum)) {
            try await manager.nextNonce(for: "k")
        }
        var warnings: [NonceWarning] = []
        for await w in manager.warnings {
            warnings.append(w)
            if case .nearCeiling = w { break }
        }
        #expect(warnings.contains { if case .nearCeiling = $0 { true } else { false } })
    }

    @Test func priorityOrderWhenTheKeyIsBusy() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(configuration: NonceManagerConfiguration(agingStep: nil), clock: clock)
        let gate = Gate()
        let order = Recorder<(String, Int64)>()
        let blocker = Task {
            try await manager.perform(key: "k", priority: .low, label: "blocker") { nonce in
                await gate.wait()
                order.append(("blocker", nonce))
            }
        }
        try await waitFor("blocker in flight") { await manager.snapshot().keys.first?.inFlight == true }
        var tasks: [Task<Void, any Error>] = []
        for (i, p) in [NoncePriority.low, .normal, .high, .critical, .low, .critical].enumerated() {
            tasks.append(Task {
                try await manager.perform(key: "k", priority: p, label: "\(p)-\(i)") { nonce in order.append(("\(p)-\(i)", nonce)) }
            })
            try await waitFor("\(i + 1) queued") { await queued(manager, "k") == i + 1 }
        }
        gate.open()
        try await blocker.value
        for t in tasks { try await t.value }
        let labels = order.all.map(\.0)
        #expect(labels == ["blocker", "critical-3", "critical-5", "high-2", "normal-1", "low-0", "low-4"])
        let nonces = order.all.map(\.1)
        #expect(nonces == nonces.sorted() && Set(nonces).count == nonces.count)
    }

    @Test func agingLetsLowPriorityOvertakeFreshHighPriority() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(configuration: NonceManagerConfiguration(agingStep: .milliseconds(100)), clock: clock)
        let gate = Gate()
        let order = Recorder<String>()
        let blocker = Task { try await manager.perform(key: "k", label: "blocker") { _ in await gate.wait() } }
        try await waitFor("blocker in flight") { await manager.snapshot().keys.first?.inFlight == true }
        let low = Task { try await manager.perform(key: "k", priority: .low, label: "old-low") { _ in order.append("old-low") } }
        try await waitFor("low queued") { await queued(manager, "k") == 1 }
        clock.advance(by: .seconds(1))  // low's effective rank: 0 + 10 > critical's 3
        let critical = Task { try await manager.perform(key: "k", priority: .critical, label: "new-critical") { _ in order.append("new-critical") } }
        try await waitFor("critical queued") { await queued(manager, "k") == 2 }
        gate.open()
        try await blocker.value
        try await low.value
        try await critical.value
        #expect(order.all == ["old-low", "new-critical"])
        let waits = await manager.snapshot().keys.first?.queueWait
        #expect((waits?.max ?? 0) >= 1_000_000)
    }

    @Test func cancellationRemovesAQueuedCallWithoutConsumingANonce() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(clock: clock)
        let gate = Gate()
        let blocker = Task { try await manager.perform(key: "k", label: "blocker") { n in await gate.wait(); return n } }
        try await waitFor("blocker in flight") { await manager.snapshot().keys.first?.inFlight == true }
        let ran = Recorder<Int64>()
        let victim = Task { try await manager.perform(key: "k", label: "victim") { n in ran.append(n) } }
        try await waitFor("victim queued") { await queued(manager, "k") == 1 }
        victim.cancel()
        await #expect(throws: CancellationError.self) { try await victim.value }
        gate.open()
        let first = try await blocker.value
        #expect(try await manager.nextNonce(for: "k") == first + 1)  // nothing consumed in between
        #expect(ran.all.isEmpty)
        let c = await counters(manager, "k")
        #expect(c.cancelled == 1 && c.issued == 2)
    }

    @Test func deadlineExpiryRemovesAQueuedCallWithoutConsumingANonce() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(clock: clock)
        let gate = Gate()
        let blocker = Task { try await manager.perform(key: "k", label: "blocker") { n in await gate.wait(); return n } }
        try await waitFor("blocker in flight") { await manager.snapshot().keys.first?.inFlight == true }
        let late = Task { try await manager.perform(key: "k", label: "late", deadline: .milliseconds(50)) { n in n } }
        try await waitFor("deadline timer armed") {
            let q = await queued(manager, "k")
            return clock.sleeperCount == 1 && q == 1
        }
        clock.advance(by: .milliseconds(49))
        #expect(await queued(manager, "k") == 1)
        clock.advance(by: .milliseconds(2))
        do {
            _ = try await late.value
            Issue.record("expected deadlineExceeded")
        } catch let error as NonceError {
            guard case .deadlineExceeded(let key, let label, _) = error else { Issue.record("wrong error \(error)"); return }
            #expect(key == "k" && label == "late")
        }
        gate.open()
        let first = try await blocker.value
        let next = try await manager.nextNonce(for: "k")
        #expect(next > first)
        let c = await counters(manager, "k")
        #expect(c.expired == 1 && c.issued == 2)  // the expired call consumed no nonce
    }

    @Test func perClassLimitRejectsWithATypedError() async throws {
        let config = NonceManagerConfiguration(priorityClasses: [NoncePriorityClass("urgent", maxQueued: 5),
                                                                 NoncePriorityClass("bulk", maxQueued: 1)])
        let manager = NonceManager(configuration: config, clock: ManualClock())
        let gate = Gate()
        let blocker = Task { try await manager.perform(key: "k", priority: "urgent", label: "blocker") { _ in await gate.wait() } }
        try await waitFor("blocker in flight") { await manager.snapshot().keys.first?.inFlight == true }
        let first = Task { try await manager.perform(key: "k", priority: "bulk", label: "bulk-1") { $0 } }
        try await waitFor("bulk queued") { await queued(manager, "k") == 1 }
        await #expect(throws: NonceError.queueFull(keyID: "k", priority: "bulk", limit: 1)) {
            try await manager.perform(key: "k", priority: "bulk", label: "bulk-2") { $0 }
        }
        await #expect(throws: NonceError.unknownPriority(.normal)) {
            try await manager.perform(key: "k", priority: .normal, label: "x") { $0 }
        }
        gate.open()
        try await blocker.value
        _ = try await first.value
        #expect(await counters(manager, "k").queueFull == 1)
    }

    @Test func nonceTooSmallRaisesTheFloorAndRetriesOnce() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(clock: clock)
        let seen = Recorder<Int64>()
        let serverLast = start + 10_000_000
        let result = try await manager.perform(key: "k", priority: .high, label: "order/submit") { nonce -> String in
            seen.append(nonce)
            if nonce <= serverLast { throw FakeServerError(signedCallFailure: .nonceTooSmall(serverFloor: serverLast)) }
            return "accepted \(nonce)"
        }
        #expect(seen.all == [start, serverLast + 1])
        #expect(result == "accepted \(serverLast + 1)")
        // Without a known server floor: past the rejected nonce; the retry fails too → error surfaces.
        await #expect(throws: FakeServerError.self) {
            try await manager.perform(key: "k", label: "always-rejected") { _ in
                throw FakeServerError(signedCallFailure: .nonceTooSmall(serverFloor: nil))
            }
        }
        let snap = await manager.snapshot()
        let c = try #require(snap.keys.first).counters
        #expect(c.nonceRejected == 3 && c.retried == 2 && c.succeeded == 1 && c.issued == 4)
        #expect(snap.recent.map(\.outcome) == ["nonce_too_small", "ok", "nonce_too_small", "nonce_too_small"])
        #expect(snap.recent.map(\.attempt) == [1, 2, 1, 2])
        var kinds: [String] = []
        for await w in manager.warnings {
            kinds.append(w.kind)
            if kinds.filter({ $0 == "nonce_rejected" }).count == 3 { break }
        }
        #expect(kinds.filter { $0 == "nonce_rejected" }.count == 3)
    }

    @Test func otherFailuresAreClassifiedAndNotRetried() async throws {
        let manager = NonceManager(clock: ManualClock())
        for failure in [SignedCallFailure.fatal, .rateLimited(retryAfter: .seconds(60)), .retryable] {
            let calls = Recorder<Int64>()
            await #expect(throws: FakeServerError.self) {
                try await manager.perform(key: "k", label: failure.name) { n in
                    calls.append(n)
                    throw FakeServerError(signedCallFailure: failure)
                }
            }
            #expect(calls.all.count == 1)
        }
        let c = await counters(manager, "k")
        #expect(c.fatal == 1 && c.rateLimited == 1 && c.retryable == 1 && c.retried == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func concurrentCallersNeverOverlapOrReorder() async throws {
        let manager = NonceManager()  // real clock
        let overlap = OverlapProbe()
        let order = Recorder<Int64>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for t in 0..<64 {
                group.addTask {
                    for i in 0..<50 {
                        let p: NoncePriority = [.critical, .high, .normal, .low][(t + i) % 4]
                        try await manager.perform(key: "shared", priority: p, label: "t\(t)") { nonce in
                            overlap.enter()
                            order.append(nonce)
                            await Task.yield()
                            overlap.leave()
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let nonces = order.all
        #expect(nonces.count == 64 * 50)
        #expect(overlap.maximum == 1)
        #expect(zip(nonces, nonces.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func clockSkewWarningFiresOncePerEpisode() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(clock: clock)
        manager.recordServerTime(millis: UInt64(start / 1_000 + 5_000))
        manager.recordServerTime(millis: UInt64(start / 1_000 + 6_000))
        #expect(manager.clockSkewMicros == 6_000_000)
        manager.recordServerTime(millis: UInt64(start / 1_000))
        manager.recordServerTime(millis: UInt64(start / 1_000 - 3_000))
        await manager.shutdown()
        var got: [NonceWarning] = []
        for await w in manager.warnings { got.append(w) }
        #expect(got == [.clockSkew(skewMicros: 5_000_000, threshold: .seconds(2)),
                        .clockSkew(skewMicros: -3_000_000, threshold: .seconds(2))])
    }

    @Test func snapshotReportsHistoryWithoutSecrets() async throws {
        let clock = ManualClock(wallMicros: UInt64(start))
        let manager = NonceManager(configuration: NonceManagerConfiguration(historyCapacity: 3), clock: clock)
        let key = KeyFingerprint.of(apiKey: "very-secret-key")
        for i in 0..<5 { _ = try await manager.perform(key: key, priority: .low, label: "read-\(i)") { $0 } }
        let snap = await manager.snapshot()
        #expect(snap.recent.map(\.label) == ["read-2", "read-3", "read-4"])
        #expect(snap.recent.allSatisfy { $0.keyID == key && $0.priority == "low" })
        let k = try #require(snap.keys.first)
        #expect(k.lastNonce == start + 4 && k.store.kind == .memory && k.counters.issued == 5 && k.queueWait.samples == 5)
        #expect(!"\(snap)".contains("very-secret-key"))
    }
}

@Suite struct NonceWarningTests {
    @Test func queueDepthWaitAndErrorRateWarnOncePerEpisode() async throws {
        let clock = ManualClock()
        let thresholds = NonceWarningThresholds(queueDepth: 2, queueWait: .milliseconds(100), errorRate: 0.5, errorRateWindow: 10)
        let manager = NonceManager(configuration: NonceManagerConfiguration(thresholds: thresholds), clock: clock)
        let gate = Gate()
        let blocker = Task { try await manager.perform(key: "k", label: "blocker") { _ in await gate.wait() } }
        try await waitFor("blocker in flight") { await manager.snapshot().keys.first?.inFlight == true }
        var queued: [Task<Int64, any Error>] = []
        for i in 0..<4 {
            queued.append(Task { try await manager.perform(key: "k", label: "q\(i)") { $0 } })
            try await waitFor("\(i + 1) queued") { await BfxNonceTests.queued(manager, "k") == i + 1 }
        }
        clock.advance(by: .milliseconds(150))
        gate.open()
        try await blocker.value
        for t in queued { _ = try await t.value }
        for _ in 0..<10 {
            _ = try? await manager.perform(key: "k", label: "failing") { _ in throw FakeServerError(signedCallFailure: .retryable) }
        }
        await manager.shutdown()
        var kinds: [String] = []
        for await w in manager.warnings { kinds.append(w.kind) }
        #expect(kinds.filter { $0 == "queue_depth" }.count == 1)
        #expect(kinds.filter { $0 == "queue_wait" }.count == 1)  // one episode of 4 slow calls
        #expect(kinds.filter { $0 == "error_rate" }.count == 1)
    }

    @Test func shutdownFailsQueuedCalls() async throws {
        let manager = NonceManager(clock: ManualClock())
        let gate = Gate()
        let blocker = Task { try await manager.perform(key: "k", label: "blocker") { _ in await gate.wait() } }
        try await waitFor("blocker in flight") { await manager.snapshot().keys.first?.inFlight == true }
        let waiting = Task { try await manager.perform(key: "k", label: "late") { $0 } }
        try await waitFor("queued") { await queued(manager, "k") == 1 }
        await manager.shutdown()
        await #expect(throws: NonceError.shutDown) { try await waiting.value }
        gate.open()
        try await blocker.value
        await #expect(throws: NonceError.shutDown) { try await manager.nextNonce(for: "k") }
    }
}
