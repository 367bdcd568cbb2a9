extension SimulatorEngine {
    /// Burst mode (see `BfxSimulator.burst(ticks:)`, ADR 0017): runs `ticks` market ticks through
    /// the normal tick path while every connection's outbox is held, then releases them all, so
    /// the writers send the whole pre-generated stream back to back. Runs without suspension
    /// inside the actor: nothing else (subscribe, heartbeat, fault) interleaves, so every frame,
    /// sequence number and `cs` is exactly what live ticking would have produced, and a request
    /// handled afterwards (e.g. a new subscription's snapshot) is queued after the burst.
    func burst(ticks: Int) -> SimulatorBurst {
        let outboxes = sessions.keys.sorted().compactMap { sessions[$0]?.outbox }
        for outbox in outboxes { outbox.hold() }
        let framesBefore = messagesSent
        let clock = ContinuousClock()
        let started = clock.now
        for _ in 0..<max(0, ticks) { tick() }
        let generation = clock.now - started
        let frames = messagesSent - framesBefore
        for outbox in outboxes { outbox.release() }
        return SimulatorBurst(ticks: max(0, ticks), frames: frames, connections: outboxes.count, generationTime: generation)
    }
}
