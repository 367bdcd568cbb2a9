import Testing
@testable import BfxClient

/// The connection lifecycle decisions, pure values: handshake, every `info` code, auth.
@Suite struct ConnectionStateMachineTests {
    /// A public, pipelining machine whose socket just opened.
    static func handshaking(auth: Bool = false, pipeline: Bool = true) -> ConnectionStateMachine {
        var machine = ConnectionStateMachine(requiresAuthentication: auth, pipelinesSubscribes: pipeline)
        machine.transition(to: .connecting)
        _ = machine.socketOpened()
        return machine
    }

    /// A machine that completed its handshake.
    static func open() -> ConnectionStateMachine {
        var machine = handshaking()
        _ = machine.confReceived()
        return machine
    }

    @Test func publicHandshakeWritesConfWithPipelinedSubscribesThenOpensOnConfAck() {
        var machine = ConnectionStateMachine(requiresAuthentication: false, pipelinesSubscribes: true)
        #expect(machine.state == .idle)
        #expect(machine.transition(to: .connecting) == true)
        #expect(machine.socketOpened() == .sendConf(pipelineSubscribes: true))
        #expect(machine.state == .handshaking)
        #expect(!machine.canSubscribe)
        // info (version 2, platform up) needs nothing; it is not a gate for the conf.
        #expect(machine.infoReceived(version: 2, platformStatus: 1, code: nil) == .none)
        #expect(machine.state == .handshaking)
        #expect(machine.confReceived() == .subscribePending)
        #expect(machine.state == .open)
        #expect(machine.canSubscribe)
    }

    @Test func withoutPipeliningSubscribesWaitForTheConfAck() {
        var machine = ConnectionStateMachine(requiresAuthentication: false, pipelinesSubscribes: false)
        #expect(machine.socketOpened() == .sendConf(pipelineSubscribes: false))
        #expect(machine.confReceived() == .subscribePending)
        #expect(machine.canSubscribe)
    }

    @Test func authenticatedHandshakeWaitsForAuthBeforeSubscribing() {
        var machine = ConnectionStateMachine(requiresAuthentication: true, pipelinesSubscribes: true)
        // Never pipelined: subscribes must follow auth.
        #expect(machine.socketOpened() == .sendConf(pipelineSubscribes: false))
        #expect(machine.confReceived() == .authenticate)
        #expect(machine.state == .handshaking)
        #expect(!machine.canSubscribe)
        #expect(machine.authReceived(ok: true) == .subscribePending)
        #expect(machine.isAuthenticated)
        #expect(machine.state == .open)
        #expect(machine.canSubscribe)
    }

    @Test func rejectedAuthClosesTheSocket() {
        var machine = Self.handshaking(auth: true)
        #expect(machine.confReceived() == .authenticate)
        #expect(machine.authReceived(ok: false) == .close(.authenticationFailed))
        #expect(!machine.isAuthenticated)
        #expect(!machine.canSubscribe)
    }

    @Test func info20051ServerRestartReconnectsNow() {
        var machine = Self.open()
        #expect(machine.infoReceived(version: nil, platformStatus: nil, code: 20051) == .reconnectNow)
        // The supervisor closes the socket; the state only changes when it is gone.
        #expect(machine.state == .open)
    }

    @Test func info20060EntersMaintenanceAnd20061ResubscribesEverything() {
        var machine = Self.open()
        #expect(machine.infoReceived(version: nil, platformStatus: nil, code: 20060) == .enterMaintenance)
        #expect(machine.state == .maintenance)
        #expect(!machine.canSubscribe)
        #expect(machine.infoReceived(version: nil, platformStatus: nil, code: 20061) == .leaveMaintenance(resubscribe: true))
        #expect(machine.state == .open)
        #expect(machine.canSubscribe)
    }

    @Test func info20061WithoutMaintenanceIsIgnored() {
        var machine = Self.open()
        #expect(machine.infoReceived(version: nil, platformStatus: nil, code: 20061) == .none)
        #expect(machine.state == .open)
    }

    @Test func maintenanceDuringTheHandshakeResumesOnlyOnceConfigured() {
        var machine = Self.handshaking()
        #expect(machine.infoReceived(version: nil, platformStatus: nil, code: 20060) == .enterMaintenance)
        // The conf acknowledgement does not open a connection in maintenance.
        #expect(machine.confReceived() == .subscribePending)
        #expect(machine.state == .maintenance)
        #expect(!machine.canSubscribe)
        #expect(machine.infoReceived(version: nil, platformStatus: nil, code: 20061) == .leaveMaintenance(resubscribe: true))
        #expect(machine.canSubscribe)

        var early = Self.handshaking()
        _ = early.infoReceived(version: nil, platformStatus: nil, code: 20060)
        #expect(early.infoReceived(version: nil, platformStatus: nil, code: 20061) == .leaveMaintenance(resubscribe: false))
    }

    @Test func platformStatusZeroEntersMaintenance() {
        var machine = Self.handshaking()
        #expect(machine.infoReceived(version: 2, platformStatus: 0, code: nil) == .enterMaintenance)
        #expect(machine.state == .maintenance)
    }

    @Test func unsupportedProtocolVersionCloses() {
        var machine = Self.handshaking()
        #expect(machine.infoReceived(version: 3, platformStatus: 1, code: nil) == .unsupportedVersion(3))
    }

    @Test func unknownInfoCodeIsOnlyLogged() {
        var machine = Self.open()
        #expect(machine.infoReceived(version: nil, platformStatus: nil, code: 20999) == .logInfo(code: 20999))
        #expect(machine.state == .open)
        #expect(machine.canSubscribe)
    }

    @Test func aClosedSocketRestartsTheHandshakeOnTheNextOne() {
        var machine = Self.handshaking(auth: true)
        _ = machine.confReceived()
        _ = machine.authReceived(ok: true)
        machine.socketClosed()
        #expect(!machine.canSubscribe)
        #expect(!machine.isAuthenticated)
        machine.transition(to: .waitingToReconnect)
        machine.transition(to: .connecting)
        #expect(machine.socketOpened() == .sendConf(pipelineSubscribes: false))
        #expect(machine.state == .handshaking)
        #expect(machine.confReceived() == .authenticate)
    }

    @Test func closedIsFinal() {
        var machine = Self.open()
        #expect(machine.transition(to: .closed) == true)
        #expect(machine.transition(to: .connecting) == false)
        #expect(machine.transition(to: .closed) == false)
        #expect(machine.state == .closed)
    }
}
