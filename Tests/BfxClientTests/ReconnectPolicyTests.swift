import BfxProtocol
import Testing
@testable import BfxClient

@Suite struct ReconnectPolicyTests {
    @Test func baseDelayGrowsAndIsCapped() {
        let policy = ReconnectPolicy(initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(1), jitter: .none)
        let delays = (1...7).map { policy.baseDelay(forAttempt: $0) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1), .seconds(1)])
    }

    @Test func hugeAttemptNumbersStayAtTheCap() {
        let policy = ReconnectPolicy(initialDelay: .seconds(1), multiplier: 3, maxDelay: .seconds(30), jitter: .none)
        #expect(policy.baseDelay(forAttempt: 10_000) == .seconds(30))
    }

    @Test func fullJitterIsWithinBoundsAndReproducible() {
        let policy = ReconnectPolicy(initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(5), jitter: .full)
        var a = SplitMix64(seed: 42)
        var b = SplitMix64(seed: 42)
        var c = SplitMix64(seed: 43)
        let first = (1...12).map { policy.delay(forAttempt: $0, using: &a) }
        let second = (1...12).map { policy.delay(forAttempt: $0, using: &b) }
        let other = (1...12).map { policy.delay(forAttempt: $0, using: &c) }
        #expect(first == second)
        #expect(first != other)
        for (i, d) in first.enumerated() {
            #expect(d >= .zero)
            #expect(d <= policy.baseDelay(forAttempt: i + 1))
        }
        // Jitter actually spreads: not all draws equal the base.
        #expect(first.enumerated().contains { $0.element < policy.baseDelay(forAttempt: $0.offset + 1) })
    }

    @Test func zeroInitialDelayReconnectsImmediately() {
        let policy = ReconnectPolicy(initialDelay: .zero, multiplier: 2, maxDelay: .seconds(1), jitter: .full)
        var rng = SplitMix64(seed: 1)
        #expect(policy.delay(forAttempt: 1, using: &rng) == .zero)
        #expect(policy.delay(forAttempt: 5, using: &rng) == .zero)
    }

    @Test func validationReportsEveryProblem() {
        let bad = ReconnectPolicy(initialDelay: .seconds(5), multiplier: 0.5, maxDelay: .seconds(1), maxAttempts: 0, giveUpAfter: .zero)
        let problems = bad.validate()
        #expect(problems.count == 4)
        #expect(ReconnectPolicy.standard.validate().isEmpty)
    }
}

@Suite struct ReconnectBackoffTests {
    @Test func scheduleWithSeededJitterAndStableReset() {
        let policy = ReconnectPolicy(initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(2), jitter: .full, stablePeriod: .seconds(60))
        var rng = SplitMix64(seed: 7)
        var expectedRng = SplitMix64(seed: 7)
        var backoff = ReconnectBackoff(policy: policy)
        backoff.connectionOpened(at: .zero)
        backoff.connectionClosed(at: .seconds(5))
        var schedule: [Duration] = []
        for attempt in 1...5 {
            guard case .retry(let delay, let n) = backoff.next(at: .seconds(5), immediate: false, using: &rng) else {
                Issue.record("unexpected give up")
                return
            }
            #expect(n == attempt)
            schedule.append(delay)
            backoff.attemptFailed(at: .seconds(5))
        }
        let expected = (1...5).map { policy.delay(forAttempt: $0, using: &expectedRng) }
        #expect(schedule == expected)
        // A connection that stays up longer than the stable period resets the counter.
        backoff.connectionOpened(at: .seconds(10))
        backoff.connectionClosed(at: .seconds(71))
        guard case .retry(_, let n) = backoff.next(at: .seconds(71), immediate: false, using: &rng) else {
            Issue.record("unexpected give up")
            return
        }
        #expect(n == 1)
    }

    @Test func shortLivedConnectionsKeepCounting() {
        let policy = ReconnectPolicy(initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(2), jitter: .none, stablePeriod: .seconds(60))
        var rng = SplitMix64(seed: 1)
        var backoff = ReconnectBackoff(policy: policy)
        var delays: [Duration] = []
        for i in 0..<4 {
            backoff.connectionOpened(at: .seconds(Int64(i * 10)))
            backoff.connectionClosed(at: .seconds(Int64(i * 10 + 1)))
            if case .retry(let d, _) = backoff.next(at: .seconds(Int64(i * 10 + 1)), immediate: false, using: &rng) { delays.append(d) }
        }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)])
    }

    @Test func serverRestartSkipsTheFirstDelayOnly() {
        let policy = ReconnectPolicy(initialDelay: .seconds(1), multiplier: 2, maxDelay: .seconds(8), jitter: .none)
        var rng = SplitMix64(seed: 1)
        var backoff = ReconnectBackoff(policy: policy)
        backoff.connectionOpened(at: .zero)
        backoff.connectionClosed(at: .seconds(100))
        #expect(backoff.next(at: .seconds(100), immediate: true, using: &rng) == .retry(after: .zero, attempt: 1))
        #expect(backoff.next(at: .seconds(100), immediate: true, using: &rng) == .retry(after: .seconds(2), attempt: 2))
    }

    @Test func givesUpAfterMaxAttempts() {
        let policy = ReconnectPolicy(initialDelay: .milliseconds(10), jitter: .none, maxAttempts: 3)
        var rng = SplitMix64(seed: 1)
        var backoff = ReconnectBackoff(policy: policy)
        backoff.attemptFailed(at: .zero)
        for _ in 1...3 {
            guard case .retry = backoff.next(at: .zero, immediate: false, using: &rng) else {
                Issue.record("gave up too early")
                return
            }
        }
        guard case .giveUp = backoff.next(at: .zero, immediate: false, using: &rng) else {
            Issue.record("did not give up")
            return
        }
    }

    @Test func givesUpAfterOutageDuration() {
        let policy = ReconnectPolicy(initialDelay: .milliseconds(10), jitter: .none, giveUpAfter: .seconds(30))
        var rng = SplitMix64(seed: 1)
        var backoff = ReconnectBackoff(policy: policy)
        backoff.attemptFailed(at: .seconds(100))
        guard case .retry = backoff.next(at: .seconds(129), immediate: false, using: &rng) else {
            Issue.record("gave up too early")
            return
        }
        guard case .giveUp = backoff.next(at: .seconds(130), immediate: false, using: &rng) else {
            Issue.record("did not give up")
            return
        }
    }

    @Test func subscribeRetryIsBoundedByConfiguration() {
        var configuration = BfxClientConfiguration()
        #expect(configuration.validate().isEmpty)
        #expect(configuration.subscribeRetry.maxAttempts == 5)
        #expect(configuration.pipelineSubscribes == false)
        configuration.subscribeRetry.maxAttempts = nil
        #expect(configuration.validate().contains { $0.contains("subscribeRetry.maxAttempts") })
        configuration.subscribeRetry = ReconnectPolicy(initialDelay: .seconds(2), maxDelay: .seconds(1), maxAttempts: 3)
        #expect(configuration.validate().contains { $0.hasPrefix("subscribeRetry: maxDelay") })
    }

    @Test func subscribeRetryScheduleUsesTheBackoffAndGivesUp() {
        let policy = ReconnectPolicy(initialDelay: .milliseconds(250), multiplier: 2, maxDelay: .seconds(10), jitter: .none, maxAttempts: 3)
        var backoff = ReconnectBackoff(policy: policy)
        var rng = SplitMix64(seed: 1)
        var decisions: [ReconnectBackoff.Decision] = []
        for i in 0..<4 {
            backoff.attemptFailed(at: .milliseconds(i * 100))
            decisions.append(backoff.next(at: .milliseconds(i * 100), immediate: false, using: &rng))
        }
        #expect(Array(decisions.prefix(3)) == [
            .retry(after: .milliseconds(250), attempt: 1), .retry(after: .milliseconds(500), attempt: 2), .retry(after: .seconds(1), attempt: 3),
        ])
        guard case .giveUp = decisions[3] else {
            Issue.record("did not give up after maxAttempts")
            return
        }
        #expect(backoff.attempts == 4)
    }

    @Test func subscriptionErrorClassifiesAndDescribesRetries() {
        let retryable = SubscriptionError(code: 11000, message: "not ready", attempts: 6)
        #expect(retryable.isRetryable)
        #expect(retryable.description == "11000: not ready (after 6 attempts)")
        let fatal = SubscriptionError(code: 10001, message: "symbol: invalid")
        #expect(!fatal.isRetryable)
        #expect(fatal.attempts == 1)
        #expect(fatal.description == "10001: symbol: invalid")
        #expect([10300, 10400, 11000, 10008].allSatisfy { SubscriptionError(code: $0, message: "").isRetryable })
        #expect(![10301, 10302, 10305, 10011, 10012].contains { SubscriptionError(code: $0, message: "").isRetryable })
    }
}
