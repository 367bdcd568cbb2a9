import Testing
@testable import BfxClient

@Suite struct CalcThrottleTests {
    @Test func allowsEightPerSecond() {
        var throttle = CalcThrottle(limit: 8, window: .seconds(1))
        var delays: [Duration] = []
        for _ in 0..<10 { delays.append(throttle.reserve(now: .zero)) }
        #expect(delays.prefix(8).allSatisfy { $0 == .zero })
        #expect(delays[8] == .seconds(1))
        #expect(delays[9] == .seconds(1))
    }

    @Test func windowSlides() {
        var throttle = CalcThrottle(limit: 2, window: .seconds(1))
        let r4 = throttle.reserve(now: .zero)
        #expect(r4 == .zero)
        let r5 = throttle.reserve(now: .milliseconds(500))
        #expect(r5 == .zero)
        let r6 = throttle.reserve(now: .milliseconds(600))
        #expect(r6 == .milliseconds(400))
        let r7 = throttle.reserve(now: .seconds(3))
        #expect(r7 == .zero)
    }

    @Test func neverMoreThanLimitInAnyWindow() {
        var throttle = CalcThrottle(limit: 8, window: .seconds(1))
        var times: [Duration] = []
        var now = Duration.zero
        for step in 0..<100 {
            now += .milliseconds(step % 3 * 10)
            times.append(now + throttle.reserve(now: now))
        }
        for (index, time) in times.enumerated() {
            let inWindow = times[index...].filter { $0 < time + .seconds(1) }.count
            #expect(inWindow <= 8)
        }
    }
}
