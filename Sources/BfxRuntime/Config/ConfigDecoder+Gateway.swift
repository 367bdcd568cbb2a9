import BfxGateway

extension ConfigDecoder {
    /// `gateway:` (nil when absent).
    func gateway(_ m: MappingCursor) -> GatewayConfig? {
        guard m.has("gateway") else {
            _ = m.value("gateway")
            return nil
        }
        let g = m.mapping("gateway")
        var c = GatewayConfig()
        if let node = g.value("listen"), let text = reader.string(node, g.path.key("listen"))?.text {
            if let (host, _) = MetricsConfig.split(text) {
                c.listen = text
                if !GatewayConfiguration.isLoopback(host) {
                    reader.report(node, g.path.key("listen"), .invalidValue, "'\(host)' is not a loopback address",
                                  hint: "the gateway serves loopback only (127.0.0.1 or [::1]) until TLS and local credentials are configured")
                }
            } else {
                reader.report(node, g.path.key("listen"), .invalidValue, "'\(text)' is not HOST:PORT", hint: "e.g. 127.0.0.1:8766 (port 0 = any free port)")
            }
        }
        c.maxClients = g.int("max_clients", default: c.maxClients, range: 1...100_000)
        c.maxChannelsPerClient = g.int("max_channels_per_client", default: c.maxChannelsPerClient, range: 0...100_000)
        c.maxFrameBytes = g.int("max_frame_bytes", default: c.maxFrameBytes, range: 256...(16 << 20))
        c.sendBuffer = g.int("send_buffer", default: c.sendBuffer, range: 16...10_000_000)
        c.requestsPerSecond = g.int("requests_per_second", default: c.requestsPerSecond, range: 1...100_000)
        c.linger = g.duration("linger", default: c.linger, range: .seconds(0)...(.seconds(3_600)))
        c.heartbeat = g.duration("heartbeat", default: c.heartbeat, range: ConfigDuration(milliseconds: 100)...(.seconds(300)))
        let rest = g.mapping("rest")
        c.restWait = rest.duration("wait", default: c.restWait, range: .seconds(0)...(.seconds(120)))
        for (path, node) in rest.sequence("cache") {
            let r = reader.mapping(node, path)
            let prefix = r.requiredString("path", hint: "a path prefix after /v2/, e.g. tickers")
            let ttl = r.optionalDuration("ttl", range: ConfigDuration(milliseconds: 1)...(.seconds(86_400)))
            if !r.has("ttl") { r.missing("ttl", hint: "e.g. 1s") }
            r.finish()
            if let prefix, let ttl { c.restCache.append(.init(path: prefix, ttl: ttl)) }
        }
        rest.finish()
        g.finish()
        return c
    }
}
