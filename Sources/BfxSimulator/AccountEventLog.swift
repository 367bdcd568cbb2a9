/// The channel-0 events the simulator emitted for each user, in emission order, bounded per user
/// (`GET /_sim/events/USER`): what a test compares with the account events its clients received.
struct AccountEventLog: Sendable {
    /// One emitted event: its type (`on`, `wu`, `n`, …), the auth `filter` category and qualifier
    /// it was checked against, how many authenticated sessions of the user were connected when it
    /// was emitted (0 = nobody received it), and its data rendered with numbers as numbers.
    struct Entry: Sendable {
        var seq: Int
        var mts: Int64
        var type: String
        var category: String
        var qualifier: String?
        var sessions: Int
        var data: String
    }

    /// Entries kept per user; older ones are dropped (and counted).
    let limit: Int
    private(set) var entries: [Entry] = []
    /// Events ever logged for this user (the `seq` of the next one is `total + 1`).
    private(set) var total = 0
    /// Entries dropped because the log was full.
    private(set) var dropped = 0

    init(limit: Int = 20_000) { self.limit = max(1, limit) }

    mutating func append(mts: Int64, type: String, category: String, qualifier: String?, sessions: Int, data: String) {
        total += 1
        if entries.count >= limit {
            let excess = entries.count - limit + 1
            entries.removeFirst(excess)
            dropped += excess
        }
        entries.append(Entry(seq: total, mts: mts, type: type, category: category, qualifier: qualifier, sessions: sessions, data: data))
    }

    /// `{"userId":U,"sessions":S,"total":T,"dropped":D,"events":[{"seq":…,"mts":…,"type":…,"category":…,
    /// "qualifier":…,"sessions":…,"data":…},…]}` for the entries with `seq > after`; `S` is the
    /// number of the user's authenticated sockets now.
    func json(userId: Int, sessions: Int, after: Int) -> String {
        var out = "{\"userId\":\(userId),\"sessions\":\(sessions),\"total\":\(total),\"dropped\":\(dropped),\"events\":["
        var first = true
        for entry in entries where entry.seq > after {
            if !first { out += "," }
            first = false
            out += "{\"seq\":\(entry.seq),\"mts\":\(entry.mts),\"type\":\"\(entry.type)\",\"category\":\"\(entry.category)\","
            out += "\"qualifier\":" + (entry.qualifier.map { "\"\($0)\"" } ?? "null")
            out += ",\"sessions\":\(entry.sessions),\"data\":" + entry.data + "}"
        }
        return out + "]}"
    }
}
