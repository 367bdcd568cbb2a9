import Foundation

/// Evaluates alert rules over sampled inputs. Pure and deterministic: the caller passes the
/// (monotonic) time in seconds, so tests drive it with a virtual clock.
///
/// Episodes: a rule fires once when its condition becomes true and stays quiet until the value
/// is back past `clear` continuously for `clear_after`; only then it resolves and may fire again.
package struct AlertEngine: Sendable {
    private struct RuleState: Sendable {
        var firing = false
        var value: Double?
        var clearSince: Double?
        var firedAt: Date?
        var resolvedAt: Date?
        var episodes = 0
    }

    /// The rules, in config order.
    package let rules: [AlertRuleConfig]
    private var states: [RuleState]
    private var history: [(time: Double, inputs: AlertInputs)] = []
    private let maxWindow: Double

    /// Creates an engine.
    package init(rules: [AlertRuleConfig]) {
        self.rules = rules
        self.states = Array(repeating: RuleState(), count: rules.count)
        self.maxWindow = rules.map(\.window.seconds).max() ?? 60
    }

    /// Adds a sample taken at `time` (monotonic seconds) and returns the transitions it causes.
    package mutating func evaluate(at time: Double, inputs: AlertInputs, wallClock: Date = Date()) -> [AlertTransition] {
        history.append((time, inputs))
        // Keep one sample older than the longest window so windowed deltas have a baseline.
        while history.count > 2, history[1].time <= time - maxWindow { history.removeFirst() }
        // Hard bound regardless of sampling rate.
        if history.count > 100_000 { history.removeFirst(history.count - 100_000) }

        var transitions: [AlertTransition] = []
        for index in rules.indices {
            let rule = rules[index]
            let value = measure(rule, at: time)
            states[index].value = value
            guard let value else { continue }
            let triggered = rule.kind.firesBelow ? value < rule.threshold : value >= rule.threshold
            let cleared = rule.kind.firesBelow ? value >= rule.clearLevel : value < rule.clearLevel
            if !states[index].firing {
                if triggered {
                    states[index].firing = true
                    states[index].episodes += 1
                    states[index].firedAt = wallClock
                    states[index].clearSince = nil
                    transitions.append(AlertTransition(change: .fired, rule: rule, view: view(index)))
                }
            } else if cleared {
                let since = states[index].clearSince ?? time
                states[index].clearSince = since
                if time - since >= rule.clearAfter.seconds {
                    states[index].firing = false
                    states[index].resolvedAt = wallClock
                    states[index].clearSince = nil
                    transitions.append(AlertTransition(change: .resolved, rule: rule, view: view(index)))
                }
            } else {
                states[index].clearSince = nil
            }
        }
        return transitions
    }

    /// Current state of every rule.
    package var views: [AlertView] { rules.indices.map(view) }

    /// Number of rules currently firing.
    package var firingCount: Int { states.filter(\.firing).count }

    private func view(_ index: Int) -> AlertView {
        let rule = rules[index], state = states[index]
        let valueText = state.value.map { String(format: "%.2f", $0) } ?? "n/a"
        let comparison = rule.kind.firesBelow ? "<" : ">="
        let message = state.firing
            ? "\(rule.name): \(rule.kind.rawValue) = \(valueText) (\(comparison) \(rule.threshold))"
            : "\(rule.name): ok (\(rule.kind.rawValue) = \(valueText))"
        return AlertView(name: rule.name, kind: rule.kind.rawValue, state: state.firing ? .firing : .ok, value: state.value,
                         threshold: rule.threshold, clear: rule.clearLevel, firedAt: state.firedAt, resolvedAt: state.resolvedAt,
                         episodes: state.episodes, message: message)
    }

    /// The rule's value now, or nil when there is not enough history yet (rate kinds).
    private func measure(_ rule: AlertRuleConfig, at time: Double) -> Double? {
        guard let latest = history.last?.inputs else { return nil }
        let window = rule.window.seconds
        // Baseline: the newest sample at or before the window start. Counters are totals since
        // start, so while uptime is shorter than the window the baseline is zero (everything counts).
        let sampled = history.last(where: { $0.time <= time - window })
        let baselineInputs = sampled?.inputs ?? AlertInputs()
        func delta(_ key: KeyPath<AlertInputs, Int>) -> Double { Double(latest[keyPath: key] - baselineInputs[keyPath: key]) }
        switch rule.kind {
        case .reconnects: return delta(\.reconnects)
        case .checksumMismatch: return delta(\.checksumMismatches)
        case .checksumMismatchObserved: return delta(\.checksumMismatchesObserved)
        case .sequenceGap: return delta(\.sequenceGaps)
        case .nonceErrors: return delta(\.nonceErrors)
        case .rateLimitHits: return delta(\.rateLimitHits)
        case .heartbeatGap: return latest.heartbeatGapSeconds
        case .queueDepth: return Double(latest.queueDepth)
        case .queueWait: return latest.queueWaitSeconds
        case .messageRateDrop:
            let baseline = sampled ?? history[0]
            let span = time - baseline.time
            // Warm-up: no verdict until a whole window has been observed.
            guard span >= window, span > 0 else { return nil }
            return Double(latest.messages - baseline.inputs.messages) / span
        }
    }
}
