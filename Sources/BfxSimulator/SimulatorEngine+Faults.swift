import BfxProtocol

extension SimulatorEngine {
    /// Applies a fault; returns the follow-up work (maintenance end) the caller schedules.
    func inject(_ fault: SimulatorFault, injectedLatency: InjectedLatency) -> Duration? {
        faultCounts[fault.name, default: 0] += 1
        logger.info("fault injected", metadata: ["fault": "\(fault.name)"])
        let targets: (Int?) -> [Int] = { id in id.map { [$0] } ?? self.sessions.keys.sorted() }
        switch fault {
        case .dropAll:
            for id in sessions.keys.sorted() { sessions[id]?.outbox.drop() }
        case .dropConnection(let id):
            sessions[id]?.outbox.drop()
        case .stall(let id, let duration):
            for sid in targets(id) { sessions[sid]?.outbox.stall(for: duration) }
        case .restart:
            for sid in sessions.keys.sorted() {
                sendEvent(sid, "{\"event\":\"info\",\"code\":20051,\"msg\":\"Stopping. Please try to reconnect\"}")
            }
        case .maintenance(let duration):
            beginMaintenance()
            return duration
        case .corruptNextChecksum(let id):
            for sid in targets(id) { sessions[sid]?.corruptNextChecksum = true }
        case .wrongFundingChecksums:
            wrongFundingChecksums = true
        case .skipSequence(let id):
            for sid in targets(id) { sessions[sid]?.skipNextSequence = true }
        case .malformedFrame(let id):
            for sid in targets(id) { sendEvent(sid, "[\(sessions[sid]?.channels.keys.min() ?? 0),\"te\",[1,2,{\"broken\"") }
        case .latency(let value):
            latency = value
            injectedLatency.setLatency(value)
        case .slowReader(let id, let delay):
            for sid in targets(id) { sessions[sid]?.outbox.setReadDelay(delay) }
        case .rejectNextNonce(let key, let count):
            let count = max(1, min(count, 10_000))
            if let key { nonceLedger.rejectNext[key, default: 0] += count } else { nonceLedger.rejectNextAny += count }
        case .restErrors(let count):
            restErrorBudget += max(0, count)
        case .restRateLimit(let count):
            restRateLimitBudget += max(0, count)
        case .refuseConnections(let duration):
            faultGate.refuse(until: ContinuousClock.now.advanced(by: duration))
        case .rejectSubscribe(let code, let count):
            faultGate.rejectSubscribes(code: code, count: count)
        case .rejectUnsubscribe(let code, let count):
            faultGate.rejectUnsubscribes(code: code, count: count)
        case .clear:
            for session in sessions.values {
                session.outbox.clearFaults()
            }
            for id in sessions.keys { sessions[id]?.corruptNextChecksum = false; sessions[id]?.skipNextSequence = false }
            latency = .zero
            wrongFundingChecksums = false
            injectedLatency.setLatency(.zero)
            faultGate.clear()
            restErrorBudget = 0
            restRateLimitBudget = 0
            nonceLedger.rejectNext.removeAll()
            nonceLedger.rejectNextAny = 0
        }
        return nil
    }

    /// Counts a TCP connection closed by the `refuseConnections` fault (see RefuseConnectionsHandler).
    func noteConnectionRefused() {
        connectionsRefused += 1
    }

    func beginMaintenance() {
        maintenance = true
        for sid in sessions.keys.sorted() {
            sendEvent(sid, "{\"event\":\"info\",\"code\":20060,\"msg\":\"Entering maintenance mode. Please pause any activity and resume after receiving the info message 20061 (it should take 120 seconds at most).\"}")
        }
    }

    func endMaintenance() {
        guard maintenance else { return }
        maintenance = false
        for sid in sessions.keys.sorted() {
            sendEvent(sid, "{\"event\":\"info\",\"code\":20061,\"msg\":\"Maintenance ended. You can resume normal activity. It is advised to unsubscribe/subscribe again all channels.\"}")
        }
    }
}
