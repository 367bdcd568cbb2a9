import BfxProtocol
import BfxTestSupport
import Foundation
import Synchronization
import Testing
@testable import BfxRuntime

/// `shutdown.step_timeout`: a teardown step that never finishes is left behind after the limit
/// (on the injected clock), so `Runtime.stop()` and the process still end.
@Suite(.timeLimit(.minutes(1))) struct ShutdownStepTests {
    @Test func quickWorkFinishesInTimeAndTheTimerIsGone() async {
        let clock = ManualClock()
        let ran = Mutex(false)
        let inTime = await BoundedStep.run(limit: .seconds(10), clock: clock) { ran.withLock { $0 = true } }
        #expect(inTime)
        #expect(ran.withLock { $0 })
        // The timer was cancelled: no sleeper stays registered on the clock.
        #expect(await eventually(timeout: .seconds(10)) { clock.sleeperCount == 0 })
    }

    @Test func stuckWorkIsLeftBehindWhenTheLimitPasses() async {
        let clock = ManualClock()
        let cancelled = Mutex(false)
        let result = Task {
            await BoundedStep.run(limit: .seconds(10), clock: clock) {
                // Waits for an element that never comes (until cancelled).
                let (stream, continuation) = AsyncStream<Void>.makeStream()
                await withTaskCancellationHandler {
                    for await _ in stream {}
                } onCancel: {
                    cancelled.withLock { $0 = true }
                    continuation.finish()
                }
            }
        }
        // Nothing happens until the clock reaches the limit.
        #expect(await eventually(timeout: .seconds(10)) { clock.sleeperCount == 1 })
        clock.advance(by: .seconds(9))
        #expect(!cancelled.withLock { $0 })
        clock.advance(by: .seconds(1))
        #expect(await result.value == false)
        #expect(await eventually(timeout: .seconds(10)) { cancelled.withLock { $0 } })
    }

    @Test func theLimitIsConfigurableAndChecked() throws {
        let base = RuntimeVirtualTimeTests.yaml
        #expect(try ConfigLoader.load(yaml: base, file: "a.yaml", environment: [:]).config.shutdown.stepTimeout == .seconds(10))
        let set = try ConfigLoader.load(yaml: base + "\nshutdown: {drain_timeout: 1s, step_timeout: 30s}", file: "b.yaml", environment: [:])
        #expect(set.config.shutdown.stepTimeout == .seconds(30))
        #expect(throws: ConfigError.self) {
            try ConfigLoader.load(yaml: base + "\nshutdown: {step_timeout: 0s}", file: "c.yaml", environment: [:])
        }
    }

    @Test func aCleanStopLeavesNoStepBehind() async throws {
        let yaml = """
        endpoint: simulator
        keys: [{name: demo}]
        connections:
          - name: market
            channels: [{channel: ticker, symbol: tBTCUSD}, {channel: book, symbol: tBTCUSD, prec: P0, len: 25}]
        metrics: {enabled: false}
        simulator: {seed: 5}
        shutdown: {drain_timeout: 1s, step_timeout: 20s}
        """
        let loaded = try ConfigLoader.load(yaml: yaml, file: "clean.yaml", environment: [:])
        let runtime = Runtime(config: loaded.config, options: RuntimeOptions(logger: TestSupport.quietLogger, metrics: nil, serveHTTP: false))
        try await runtime.start()
        await runtime.stop()
        #expect(await runtime.currentPhase == .stopped)
        #expect(await runtime.shutdownStepsAbandoned.isEmpty)
    }
}
