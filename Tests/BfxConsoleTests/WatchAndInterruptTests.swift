import Synchronization
import Testing
import BfxConsole

@Suite struct WatchAndInterruptTests {
    @Test func watchRunsCountTimesWithInterval() async throws {
        let sleeps = Mutex<[Duration]>([])
        let harness = ConsoleHarness(sleep: { duration in sleeps.withLock { $0.append(duration) } })
        let result = await harness.run("watch -n 0.5 -c 3 ticker tBTCUSD")
        #expect(result.status == 0)
        #expect(result.out.components(separatedBy: "Every 0.5s: ticker tBTCUSD").count == 4)
        #expect(result.out.contains("(3/3)"))
        #expect(sleeps.withLock { $0 } == [.milliseconds(500), .milliseconds(500)])
    }

    @Test func watchNDJSONIsAPlainStream() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("watch -c 2 status --ndjson")
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.hasPrefix(#"{"endpoint":"#) })
    }

    @Test func watchStopsOnFailingIteration() async {
        let harness = ConsoleHarness()
        let result = await harness.run("watch -c 5 ticker tNOPE")
        #expect(result.status == 1)
        #expect(result.out.isEmpty)
        #expect(result.err.contains("no data for symbol tNOPE"))
    }

    @Test func watchValidatesArguments() async {
        let harness = ConsoleHarness()
        for line in ["watch", "watch -n", "watch -n 0 status", "watch -c 0 status", "watch -c x status", "watch watch status", "watch quit", "watch nosuch"] {
            #expect((await harness.run(line)).status == 2, "\(line)")
        }
    }

    /// Ctrl-C cancels the running command Task, not the process: the watch ends with status 130
    /// and the session keeps working.
    @Test func interruptCancelsARunningWatch() async throws {
        let started = AsyncStream<Void>.makeStream()
        let harness = ConsoleHarness(sleep: { _ in
            started.continuation.yield()
            try await Task.sleep(for: .seconds(3600))
        })
        let controller = InterruptController()
        #expect(controller.interrupt() == false)
        async let status = controller.run { await harness.session.execute(line: "watch -n 60 status; status") }
        var iterator = started.stream.makeAsyncIterator()
        _ = await iterator.next()
        #expect(controller.interrupt() == true)
        #expect(await status == 130)
        #expect(harness.sink.errors.contains("error: interrupted"))
        #expect(harness.sink.output.components(separatedBy: "Every 60s: status").count == 2)
        harness.sink.reset()
        #expect(await harness.session.execute(line: "status") == 0)
        #expect(controller.interruptCount == 2)
    }
}
