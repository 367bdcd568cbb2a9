/// Authentication state of a connection.
struct SessionAuth: Sendable {
    var apiKey: String
    var userId: Int
    /// Dead-man switch requested (`dms: 4`).
    var deadManSwitch: Bool
    /// `filter` entries; empty = everything.
    var filter: [String]
}

/// Engine-side state of one WebSocket connection (mutated only inside `SimulatorEngine`).
struct Session: Sendable {
    let id: Int
    let outbox: SessionOutbox
    var flags: Int64 = 0
    var channels: [Int: ChannelKey] = [:]
    var chanIdByKey: [ChannelKey: Int] = [:]
    /// Last public sequence number sent (first packet carries 1).
    var pubSeq: Int64 = 0
    /// Last auth sequence number sent.
    var authSeq: Int64 = 0
    /// Last outbound activity per channel id (heartbeat bookkeeping).
    var lastActivity: [Int: ContinuousClock.Instant] = [:]
    var auth: SessionAuth?
    var corruptNextChecksum = false
    var skipNextSequence = false
    var messagesSent = 0

    init(id: Int, outbox: SessionOutbox) {
        self.id = id
        self.outbox = outbox
    }

    var decimalsAsStrings: Bool { flags & 8 != 0 }
    var timestampOn: Bool { flags & 32768 != 0 }
    var sequenceOn: Bool { flags & 65536 != 0 }
    var checksumOn: Bool { flags & 131072 != 0 }
    var bulkOn: Bool { flags & 536_870_912 != 0 }
}
