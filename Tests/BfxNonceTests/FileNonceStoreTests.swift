import Foundation
import Testing
@testable import BfxNonce
import BfxTestSupport

@Suite struct FileNonceStoreTests {
    let start: Int64 = 1_700_000_000_000_000

    @Test func restartWithClockSteppedBackNeverReuses() async throws {
        let dir = temporaryDirectory("restart")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock(wallMicros: UInt64(start))
        let store = FileNonceStore(directory: dir, reservationBlockMicros: 5_000)
        let first = NonceManager(clock: clock, defaultStore: store)
        var issued: [Int64] = []
        for _ in 0..<10 { issued.append(try await first.nextNonce(for: "main")) }
        await first.shutdown()
        let onDisk = FileNonceStore.inspect(path: store.path(for: "main"))
        #expect(onDisk.lastNonce == issued.last)
        #expect((onDisk.reservedUpTo ?? 0) >= (issued.last ?? .max))
        #expect(onDisk.lockHeld == false)

        // "Restart" with the wall clock an hour in the past.
        clock.setWall(micros: UInt64(start - 3_600_000_000))
        let second = NonceManager(clock: clock, defaultStore: FileNonceStore(directory: dir, reservationBlockMicros: 5_000))
        let next = try await second.nextNonce(for: "main")
        #expect(next > (onDisk.reservedUpTo ?? .max))  // starts above the durable reservation
        #expect(next > (issued.last ?? .max))
    }

    @Test func reservationIsWrittenAheadInBlocks() async throws {
        let dir = temporaryDirectory("blocks")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock(wallMicros: UInt64(start))
        let store = FileNonceStore(directory: dir, reservationBlockMicros: 1_000)
        let manager = NonceManager(clock: clock, defaultStore: store)
        _ = try await manager.nextNonce(for: "main")
        let r1 = FileNonceStore.inspect(path: store.path(for: "main")).reservedUpTo
        for _ in 0..<500 { _ = try await manager.nextNonce(for: "main") }
        // 500 issues at a frozen clock stay inside the first reservation (no further fsync).
        #expect(FileNonceStore.inspect(path: store.path(for: "main")).reservedUpTo == r1)
        clock.advance(by: .milliseconds(2))
        let n = try await manager.nextNonce(for: "main")
        let r2 = try #require(FileNonceStore.inspect(path: store.path(for: "main")).reservedUpTo)
        #expect(r2 == n + 1_000)
    }

    @Test(.timeLimit(.minutes(1)))
    func twoManagersOnOneFileSerializeTheirSends() async throws {
        // Two managers = two open file descriptions, so they exclude each other like two processes.
        let dir = temporaryDirectory("two")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = NonceManager(defaultStore: FileNonceStore(directory: dir))
        let b = NonceManager(defaultStore: FileNonceStore(directory: dir))
        let wire = Recorder<Int64>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (m, tag) in [(a, "a"), (b, "b")] {
                for t in 0..<4 {
                    group.addTask {
                        for _ in 0..<50 {
                            try await m.perform(key: "shared", label: "\(tag)\(t)") { nonce in
                                wire.append(nonce)
                                await Task.yield()
                            }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let nonces = wire.all
        #expect(nonces.count == 400)
        #expect(zip(nonces, nonces.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test(.timeLimit(.minutes(1)))
    func killedLockHolderDoesNotBlockAndCausesNoReuse() async throws {
        let dir = temporaryDirectory("kill")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = FileNonceStore(directory: dir)
        let path = store.path(for: "main")
        // A child process that takes the flock, records a nonce far in the future as issued
        // (as a crashed issuer would have), signals readiness and hangs "mid-send".
        let claimed: Int64 = 1_900_000_000_000_000
        let record = FileNonceRecord(last: claimed, reserved: claimed, holder: "pid child test").encoded()
        let recordText = String(decoding: record.dropLast(), as: UTF8.self)
        let ready = dir + "/ready"
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sh")
        child.arguments = ["-c", "exec 9<>\"$1\"; /usr/bin/flock -x 9; printf '%s\\n' \"$2\" >&9; : > \"$3\"; exec sleep 600",
                           "sh", path, recordText, ready]
        try child.run()
        try await waitFor("child holds the lock") { FileManager.default.fileExists(atPath: ready) }
        #expect(FileNonceStore.inspect(path: path).lockHeld == true)

        let manager = NonceManager(defaultStore: store)
        let waiter = Task { try await manager.nextNonce(for: "main") }
        // The waiter is dispatched and blocked on the flock while the child lives.
        try await waitFor("waiter dispatched") { await manager.snapshot().keys.first?.inFlight == true }
        #expect(FileNonceStore.inspect(path: path).lockHeld == true)
        #expect(await manager.snapshot().keys.first?.counters.issued == 0)
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        let nonce = try await waiter.value  // the kernel released the lock
        #expect(nonce > claimed)
        #expect(FileNonceStore.inspect(path: path).lockHeld == false)
    }

    @Test func corruptStateIsATypedError() async throws {
        let dir = temporaryDirectory("corrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = FileNonceStore(directory: dir)
        try "garbage\n".write(toFile: store.path(for: "main"), atomically: true, encoding: .utf8)
        let manager = NonceManager(defaultStore: store)
        do {
            _ = try await manager.nextNonce(for: "main")
            Issue.record("expected a store error")
        } catch let error as NonceError {
            guard case .store(.file, "main", let message) = error else { Issue.record("\(error)"); return }
            #expect(message.contains("not a bfxnonce v1 state file"))
        }
        // The key stays usable for other callers once the file is fixed.
        try FileManager.default.removeItem(atPath: store.path(for: "main"))
    }

    @Test func fileNamesAreSafe() {
        #expect(FileNonceStore.fileName(for: "main") == "main.nonce")
        let odd = FileNonceStore.fileName(for: "../etc/passwd")
        #expect(!odd.contains("/") && odd.hasPrefix("_"))
        #expect(FileNonceStore.fileName(for: "a/b") != FileNonceStore.fileName(for: "a_b"))
    }
}
