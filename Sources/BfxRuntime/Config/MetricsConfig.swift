/// The HTTP server for `/metrics`, `/api/state` and the dashboard.
public struct MetricsConfig: Sendable, Hashable, Encodable {
    /// Serve HTTP at all.
    public var enabled = true
    /// `host:port`; port 0 picks a free port (printed at start).
    public var listen = "127.0.0.1:9464"
    /// Serve the HTML dashboard at `/` (metrics and `/api/state` are always served when enabled).
    public var dashboard = true
    /// Allow a non-loopback listen address (exposes state to the network; off by default).
    public var allowRemote = false
    /// Seconds of history kept for the dashboard charts.
    public var historySeconds = 300

    /// The values an empty `metrics:` section means (enabled on 127.0.0.1:9464 with the dashboard).
    public init() {}

    enum CodingKeys: String, CodingKey {
        case enabled, listen, dashboard, allowRemote = "allow_remote", historySeconds = "history_seconds"
    }

    /// The host part of `listen`.
    public var host: String { Self.split(listen)?.host ?? "127.0.0.1" }
    /// The port part of `listen`.
    public var port: Int { Self.split(listen)?.port ?? 9464 }

    /// Splits `host:port` (IPv6 as `[::1]:9464`).
    static func split(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }

    /// Whether a host is a loopback address.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
