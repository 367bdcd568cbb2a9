import BfxProtocol
import Testing
@testable import BfxClient

/// One channel's subscribe / unsubscribe / resync decisions and their bounded retries, as pure
/// values: no sockets, no clocks (times passed in), seeded jitter.
@Suite struct SubscriptionStateMachineTests {
    /// 100 ms doubling, no jitter (exact delays), 3 retries.
    static let policy = ReconnectPolicy(
        initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(1), jitter: .none, maxAttempts: 3
    )

    /// A channel subscribed as `chanId` and live (snapshot received).
    static func live(chanId: Int = 10) -> SubscriptionStateMachine {
        var machine = SubscriptionStateMachine(retryPolicy: policy)
        machine.subscribeSent()
        _ = machine.subscribed(chanId: chanId, expectsSnapshot: true)
        machine.snapshotReceived()
        return machine
    }

    // MARK: subscribe

    @Test func subscribeWaitsForTheSnapshotThenGoesLive() {
        var machine = SubscriptionStateMachine(retryPolicy: Self.policy)
        #expect(machine.wantsSubscribe)
        machine.subscribeSent()
        #expect(machine.phase == .subscribing)
        #expect(!machine.wantsSubscribe)
        #expect(machine.subscribed(chanId: 42, expectsSnapshot: true) == true)
        #expect(machine.phase == .awaitingSnapshot)
        #expect(machine.isReceiving && !machine.isLive)
        machine.snapshotReceived()
        #expect(machine.isLive)
        #expect(machine.chanId == 42)
        // A duplicate `subscribed` is not an answer to anything.
        #expect(machine.subscribed(chanId: 43, expectsSnapshot: true) == false)
        #expect(machine.chanId == 42)
    }

    @Test func retryableSubscribeErrorBacksOffThenTheRetrySucceeds() {
        var random = SplitMix64(seed: 1)
        var machine = SubscriptionStateMachine(retryPolicy: Self.policy)
        machine.subscribeSent()
        let action = machine.subscribeError(code: 10300, message: "sub fail", at: .zero, using: &random)
        guard case .scheduleSubscribeRetry(.milliseconds(100), 1, let token) = action else {
            Issue.record("expected a retry, got \(action)")
            return
        }
        // Pending, but not subscribed by a ready socket before the timer fires.
        #expect(machine.phase == .pending)
        #expect(!machine.wantsSubscribe)
        #expect(machine.subscribeRetryDue(token: token) == true)
        #expect(machine.wantsSubscribe)
        machine.subscribeSent()
        #expect(machine.subscribed(chanId: 7, expectsSnapshot: false) == true)
        #expect(machine.isLive)
        #expect(machine.subscribeRetry.attempts == 0)
    }

    @Test func subscribeRetriesRunOutAndTheSubscriptionFails() {
        var random = SplitMix64(seed: 1)
        var machine = SubscriptionStateMachine(retryPolicy: Self.policy)
        var delays: [Duration] = []
        for attempt in 1...3 {
            machine.subscribeSent()
            let action = machine.subscribeError(code: 11000, message: "not ready", at: .seconds(attempt), using: &random)
            guard case .scheduleSubscribeRetry(let delay, attempt, let token) = action else {
                Issue.record("attempt \(attempt): expected a retry, got \(action)")
                return
            }
            delays.append(delay)
            #expect(machine.subscribeRetryDue(token: token) == true)
        }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        machine.subscribeSent()
        let last = machine.subscribeError(code: 11000, message: "not ready", at: .seconds(4), using: &random)
        #expect(last == .fail(SubscriptionError(code: 11000, message: "not ready", attempts: 4)))
        #expect(machine.phase == .failed)
        #expect(!machine.wantsSubscribe)
    }

    @Test func fatalSubscribeErrorFailsAtOnce() {
        var random = SplitMix64(seed: 1)
        var machine = SubscriptionStateMachine(retryPolicy: Self.policy)
        machine.subscribeSent()
        #expect(machine.subscribeError(code: 10001, message: "unknown pair", at: .zero, using: &random)
            == .fail(SubscriptionError(code: 10001, message: "unknown pair", attempts: 1)))
        #expect(machine.phase == .failed)
    }

    @Test func alreadySubscribedReplacesTheSocketAndLateErrorsAreIgnored() {
        var random = SplitMix64(seed: 1)
        var machine = Self.live()
        #expect(machine.subscribeError(code: 10301, message: "dup", at: .zero, using: &random) == .replaceSocket)
        #expect(machine.subscribeError(code: 10300, message: "late", at: .zero, using: &random) == .none)
        #expect(machine.isLive)
    }

    @Test func aNewSocketMakesAnArmedRetryTimerStale() {
        var random = SplitMix64(seed: 1)
        var machine = SubscriptionStateMachine(retryPolicy: Self.policy)
        machine.subscribeSent()
        guard case .scheduleSubscribeRetry(_, _, let token) = machine.subscribeError(code: 10300, message: "", at: .zero, using: &random) else {
            Issue.record("expected a retry")
            return
        }
        #expect(machine.socketClosed() == false)
        // The new socket subscribes at once; the old timer is ignored when it fires.
        #expect(machine.wantsSubscribe)
        #expect(machine.subscribeRetryDue(token: token) == false)
    }

    @Test func jitteredRetryDelaysAreReproducibleAndBounded() {
        let jittered = ReconnectPolicy(initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(1), jitter: .full, maxAttempts: 5)
        func schedule(seed: UInt64) -> [Duration] {
            var random = SplitMix64(seed: seed)
            var retry = SubscriptionRetryMachine(policy: jittered)
            var delays: [Duration] = []
            for attempt in 1...6 {
                switch retry.failed(at: .seconds(attempt), using: &random) {
                case .retry(let delay, _): delays.append(delay)
                case .giveUp(_, let attempts): #expect(attempts == 6)
                }
            }
            return delays
        }
        let first = schedule(seed: 42)
        #expect(first == schedule(seed: 42))
        #expect(first.count == 5)
        for (index, delay) in first.enumerated() {
            #expect(delay >= .zero && delay <= jittered.baseDelay(forAttempt: index + 1))
        }
    }

    // MARK: integrity resync

    @Test func checksumMismatchResyncUnsubscribesWaitsThenResubscribes() {
        var machine = Self.live(chanId: 10)
        #expect(machine.resync(hasSocket: true) == .sendUnsubscribe(chanId: 10))
        #expect(machine.phase == .unsubscribing(thenResubscribe: true))
        #expect(!machine.isReceiving)
        // Nothing is subscribed before the server confirms the unsubscribe.
        #expect(!machine.wantsSubscribe)
        #expect(machine.unsubscribed(stillMember: true, connectionOpen: true) == .sendSubscribe)
        #expect(machine.phase == .pending)
        #expect(machine.chanId == nil)
        machine.subscribeSent()
        #expect(machine.subscribed(chanId: 11, expectsSnapshot: true) == true)
        machine.snapshotReceived()
        #expect(machine.isLive && machine.chanId == 11)
    }

    @Test func sequenceGapResyncsOnceAndWaitsForTheNextOpenWhenClosed() {
        var machine = Self.live(chanId: 10)
        #expect(machine.resyncsOnSequenceGap)
        #expect(machine.resync(hasSocket: true) == .sendUnsubscribe(chanId: 10))
        // A second gap while the unsubscribe is on its way does not resync again.
        #expect(!machine.resyncsOnSequenceGap)
        // Confirmed while the connection is not open: pending for the next chance.
        #expect(machine.unsubscribed(stillMember: true, connectionOpen: false) == .none)
        #expect(machine.wantsSubscribe)
    }

    @Test func resyncWithoutSocketJustBecomesPending() {
        var machine = Self.live()
        #expect(machine.resync(hasSocket: false) == .none)
        #expect(machine.wantsSubscribe)
    }

    @Test func unsubscribeRetryResendsTheUnsubscribeThenResubscribes() {
        var random = SplitMix64(seed: 1)
        var machine = Self.live(chanId: 10)
        _ = machine.resync(hasSocket: true)
        let action = machine.unsubscribeError(code: 10400, chanId: 10, at: .zero, using: &random)
        guard case .scheduleUnsubscribeRetry(.milliseconds(100), 1, let token, 10) = action else {
            Issue.record("expected an unsubscribe retry, got \(action)")
            return
        }
        // A second error while the timer is armed is ignored; the answered request has no deadline.
        #expect(machine.unsubscribeError(code: 10400, chanId: 10, at: .zero, using: &random) == .none)
        #expect(machine.stallDeadline(lastActivity: .zero, timeout: .seconds(20)) == nil)
        #expect(machine.unsubscribeRetryDue(token: token, chanId: 10) == .sendUnsubscribe(chanId: 10))
        #expect(machine.unsubscribeRetryDue(token: token, chanId: 10) == .none)
        #expect(machine.unsubscribed(stillMember: true, connectionOpen: true) == .sendSubscribe)
        #expect(machine.unsubscribeRetry.attempts == 0)
    }

    @Test func resyncRetriesRunningOutReplaceTheSocket() {
        var random = SplitMix64(seed: 1)
        var machine = Self.live(chanId: 10)
        _ = machine.resync(hasSocket: true)
        for attempt in 1...3 {
            let action = machine.unsubscribeError(code: 10400, chanId: 10, at: .seconds(attempt), using: &random)
            guard case .scheduleUnsubscribeRetry(_, attempt, let token, 10) = action else {
                Issue.record("attempt \(attempt): expected a retry, got \(action)")
                return
            }
            #expect(machine.unsubscribeRetryDue(token: token, chanId: 10) == .sendUnsubscribe(chanId: 10))
        }
        #expect(machine.unsubscribeError(code: 10400, chanId: 10, at: .seconds(4), using: &random) == .replaceSocket)
        // The new socket subscribes it afresh.
        #expect(machine.socketClosed() == false)
        #expect(machine.wantsSubscribe)
        #expect(machine.unsubscribeRetry.attempts == 0)
    }

    @Test func fatalUnsubscribeErrorCountsAsUnsubscribed() {
        var random = SplitMix64(seed: 1)
        var machine = Self.live(chanId: 10)
        _ = machine.resync(hasSocket: true)
        #expect(machine.unsubscribeError(code: 10401, chanId: 10, at: .zero, using: &random) == .treatAsUnsubscribed(chanId: 10))
    }

    @Test func unsubscribeErrorsOutsideAResyncAreIgnored() {
        var random = SplitMix64(seed: 1)
        var machine = Self.live(chanId: 10)
        #expect(machine.unsubscribeError(code: 10400, chanId: 10, at: .zero, using: &random) == .none)
        #expect(machine.remove(connectionOpen: true) == .sendUnsubscribe(chanId: 10))
        #expect(machine.unsubscribeError(code: 10400, chanId: 10, at: .zero, using: &random) == .none)
    }

    @Test func removalUnsubscribesWithoutResubscribing() {
        var machine = Self.live(chanId: 10)
        #expect(machine.remove(connectionOpen: true) == .sendUnsubscribe(chanId: 10))
        #expect(machine.unsubscribed(stillMember: false, connectionOpen: true) == .none)
        var closed = Self.live(chanId: 10)
        #expect(closed.remove(connectionOpen: false) == .none)
    }

    // MARK: socket, maintenance, liveness

    @Test func socketCloseMakesEveryChannelPendingButFailedStaysFailed() {
        var machine = Self.live(chanId: 10)
        #expect(machine.socketClosed() == true)
        #expect(machine.phase == .pending && machine.chanId == nil)
        var failed = SubscriptionStateMachine(retryPolicy: Self.policy)
        _ = failed.fail(SubscriptionError(code: 10001, message: "x"))
        #expect(failed.socketClosed() == false)
        #expect(failed.phase == .failed)
    }

    @Test func maintenanceEndResyncsLiveChannelsAndSubscribesPendingOnes() {
        var live = Self.live(chanId: 10)
        #expect(live.maintenanceEnded() == .sendUnsubscribe(chanId: 10))
        var pending = SubscriptionStateMachine(retryPolicy: Self.policy)
        #expect(pending.maintenanceEnded() == .sendSubscribe)
        var subscribing = SubscriptionStateMachine(retryPolicy: Self.policy)
        subscribing.subscribeSent()
        #expect(subscribing.maintenanceEnded() == .none)
    }

    @Test func stallVerdictsFollowThePhase() {
        let timeout = Duration.seconds(20)
        let live = Self.live()
        #expect(live.stallDeadline(lastActivity: .seconds(5), timeout: timeout) == .seconds(25))
        #expect(live.stallVerdict(now: .seconds(25) - .nanoseconds(1), lastActivity: .seconds(5), timeout: timeout) == .healthy)
        #expect(live.stallVerdict(now: .seconds(25), lastActivity: .seconds(5), timeout: timeout) == .resync(silentFor: timeout))
        var subscribing = SubscriptionStateMachine(retryPolicy: Self.policy)
        #expect(subscribing.stallDeadline(lastActivity: .zero, timeout: timeout) == nil)
        subscribing.subscribeSent()
        #expect(subscribing.stallVerdict(now: timeout, lastActivity: .zero, timeout: timeout) == .replaceSocket)
    }

    // MARK: checksum policy

    @Test func resyncModeResyncsOnEveryChecksumMismatch() {
        var machine = SubscriptionStateMachine(retryPolicy: Self.policy, checksumMode: .resync)
        #expect(machine.verifiesChecksums)
        for second in 0..<5 {
            #expect(machine.checksumMismatch(at: .seconds(second)) == .resync)
        }
    }

    @Test func observeModeResyncsAtMostOncePerWindow() {
        let window = Duration.seconds(600)
        var machine = SubscriptionStateMachine(retryPolicy: Self.policy, checksumMode: .observe, observeResyncWindow: window)
        #expect(machine.verifiesChecksums)
        // The first mismatch resyncs (a real divergence is repaired at once) ...
        #expect(machine.checksumMismatch(at: .seconds(10)) == .resync)
        // ... the next one is reported once, then only counted, for the rest of the window.
        #expect(machine.checksumMismatch(at: .seconds(11)) == .reportOnly(nextResyncAt: .seconds(610), report: true))
        var resyncs = 1
        for tenth in 0..<5_000 {  // 500 s of mismatches every 100 ms: a loop would resync 5,000 times
            if machine.checksumMismatch(at: .seconds(11) + .milliseconds(100 * tenth)) == .resync { resyncs += 1 }
        }
        #expect(resyncs == 1)
        #expect(machine.checksumMismatch(at: .seconds(609)) == .reportOnly(nextResyncAt: .seconds(610), report: false))
        // A matching checksum ends the episode: the next mismatch is reported again.
        machine.checksumMatched()
        #expect(machine.checksumMismatch(at: .seconds(609)) == .reportOnly(nextResyncAt: .seconds(610), report: true))
        // The window has passed: one more resync, then quiet again.
        #expect(machine.checksumMismatch(at: .seconds(610)) == .resync)
        #expect(machine.checksumMismatch(at: .seconds(611)) == .reportOnly(nextResyncAt: .seconds(1210), report: true))
    }

    @Test func observeWindowSurvivesAReconnect() {
        var machine = SubscriptionStateMachine(retryPolicy: Self.policy, checksumMode: .observe, observeResyncWindow: .seconds(60))
        #expect(machine.checksumMismatch(at: .seconds(1)) == .resync)
        _ = machine.socketClosed()
        machine.subscribeSent()
        _ = machine.subscribed(chanId: 11, expectsSnapshot: true)
        machine.snapshotReceived()
        #expect(machine.checksumMismatch(at: .seconds(30)) == .reportOnly(nextResyncAt: .seconds(61), report: true))
    }

    @Test func ignoreModeDoesNotVerify() {
        var machine = SubscriptionStateMachine(retryPolicy: Self.policy, checksumMode: .ignore)
        #expect(!machine.verifiesChecksums)
        #expect(machine.checksumMismatch(at: .zero) == .reportOnly(nextResyncAt: nil, report: false))
    }

    @Test func policyPicksTheModeByBookKind() {
        let policy = ChecksumPolicy.standard
        #expect(policy.mode(for: .book("tBTCUSD")) == .resync)
        #expect(policy.mode(for: .rawBook("tBTCUSD")) == .resync)
        #expect(policy.mode(for: .book("fUSD", precision: .p4)) == .observe)
        #expect(policy.mode(for: .rawBook("fBTC")) == .observe)
        #expect(policy.observeResyncWindow == .seconds(600))
        #expect(ChecksumPolicy(observeResyncWindow: .zero).validate().count == 1)
        #expect(BfxClientConfiguration().checksumPolicy == .standard)
    }
}
