import Foundation
import Testing
@testable import BfxRuntime

@Suite struct AlertEngineTests {
    func rule(_ kind: AlertRuleConfig.Kind, threshold: Double, window: Int64 = 60, clear: Double? = nil, clearAfter: Int64 = 0) -> AlertRuleConfig {
        var r = AlertRuleConfig(name: kind.rawValue, kind: kind, threshold: threshold)
        r.window = .seconds(window)
        r.clear = clear
        r.clearAfter = .seconds(clearAfter)
        return r
    }

    @Test func firesOncePerEpisodeAndResolves() {
        var engine = AlertEngine(rules: [rule(.reconnects, threshold: 3, window: 10)])
        var inputs = AlertInputs()
        #expect(engine.evaluate(at: 0, inputs: inputs).isEmpty)
        inputs.reconnects = 2
        #expect(engine.evaluate(at: 1, inputs: inputs).isEmpty)
        inputs.reconnects = 3
        let fired = engine.evaluate(at: 2, inputs: inputs)
        #expect(fired.map(\.change) == [.fired])
        #expect(fired.first?.view.episodes == 1)
        // More reconnects while firing: no second notification.
        inputs.reconnects = 8
        #expect(engine.evaluate(at: 3, inputs: inputs).isEmpty)
        #expect(engine.evaluate(at: 5, inputs: inputs).isEmpty)
        // Window slides past the reconnects: count in window drops to 0 → resolved once.
        let resolved = engine.evaluate(at: 14, inputs: inputs)
        #expect(resolved.map(\.change) == [.resolved])
        #expect(engine.evaluate(at: 15, inputs: inputs).isEmpty)
        // A new burst is a new episode.
        inputs.reconnects = 11
        let again = engine.evaluate(at: 16, inputs: inputs)
        #expect(again.map(\.change) == [.fired])
        #expect(again.first?.view.episodes == 2)
    }

    @Test func hysteresisClearLevelAndClearAfter() {
        var engine = AlertEngine(rules: [rule(.queueDepth, threshold: 100, clear: 20, clearAfter: 5)])
        var inputs = AlertInputs()
        inputs.queueDepth = 150
        #expect(engine.evaluate(at: 0, inputs: inputs).map(\.change) == [.fired])
        inputs.queueDepth = 50   // below threshold but above clear: still firing
        #expect(engine.evaluate(at: 1, inputs: inputs).isEmpty)
        #expect(engine.views.first?.state == .firing)
        inputs.queueDepth = 10   // cleared, but must stay cleared for 5 s
        #expect(engine.evaluate(at: 2, inputs: inputs).isEmpty)
        #expect(engine.evaluate(at: 4, inputs: inputs).isEmpty)
        inputs.queueDepth = 30   // bounce above clear resets the timer
        #expect(engine.evaluate(at: 5, inputs: inputs).isEmpty)
        inputs.queueDepth = 10
        #expect(engine.evaluate(at: 6, inputs: inputs).isEmpty)
        #expect(engine.evaluate(at: 10, inputs: inputs).isEmpty)
        #expect(engine.evaluate(at: 11, inputs: inputs).map(\.change) == [.resolved])
    }

    @Test func messageRateDropWaitsForAFullWindow() {
        var engine = AlertEngine(rules: [rule(.messageRateDrop, threshold: 5, window: 10)])
        var inputs = AlertInputs()
        // 10 msg/s for 20 s: never fires; nothing during warm-up.
        for t in 0...20 {
            inputs.messages = t * 10
            #expect(engine.evaluate(at: Double(t), inputs: inputs).isEmpty)
        }
        // Feed stops: rate over the last 10 s falls below 5/s after ~6 s.
        var fired: [AlertTransition] = []
        for t in 21...40 {
            fired += engine.evaluate(at: Double(t), inputs: inputs)
        }
        #expect(fired.map(\.change) == [.fired])
        // Resumes at 10/s → resolves once.
        var resolved: [AlertTransition] = []
        for t in 41...60 {
            inputs.messages += 10
            resolved += engine.evaluate(at: Double(t), inputs: inputs)
        }
        #expect(resolved.map(\.change) == [.resolved])
    }

    @Test func everyKindMeasuresItsSignal() {
        let kinds: [(AlertRuleConfig.Kind, (inout AlertInputs) -> Void)] = [
            (.heartbeatGap, { $0.heartbeatGapSeconds = 31 }),
            (.checksumMismatch, { $0.checksumMismatches = 1 }),
            (.checksumMismatchObserved, { $0.checksumMismatchesObserved = 1 }),
            (.sequenceGap, { $0.sequenceGaps = 1 }),
            (.nonceErrors, { $0.nonceErrors = 1 }),
            (.queueWait, { $0.queueWaitSeconds = 3 }),
            (.rateLimitHits, { $0.rateLimitHits = 1 }),
        ]
        for (kind, bump) in kinds {
            var engine = AlertEngine(rules: [rule(kind, threshold: kind == .heartbeatGap ? 30 : (kind == .queueWait ? 2 : 1))])
            var inputs = AlertInputs()
            #expect(engine.evaluate(at: 0, inputs: inputs).isEmpty, "\(kind)")
            bump(&inputs)
            #expect(engine.evaluate(at: 1, inputs: inputs).map(\.change) == [.fired], "\(kind)")
        }
    }
}

@Suite struct AlertEngineStartupTests {
    @Test func countsBeforeTheFirstSampleAreInTheWindow() {
        var engine = AlertEngine(rules: [AlertRuleConfig(name: "r", kind: .reconnects, threshold: 1)])
        var inputs = AlertInputs()
        inputs.reconnects = 1   // happened before the first sample
        #expect(engine.evaluate(at: 0.05, inputs: inputs).map(\.change) == [.fired])
    }
}
