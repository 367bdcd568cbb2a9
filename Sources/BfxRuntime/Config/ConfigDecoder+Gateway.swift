import BfxGateway

extension ConfigDecoder {
    /// Accounts name existing keys and nonce classes; local key names and API keys are unique.
    func crossCheckGateway(_ config: RuntimeConfig, root: MappingCursor) {
        guard let gateway = config.gateway else { return }
        let keys = config.keys.map(\.name)
        let classes = config.nonce.classes.map(\.name)
        var names = Set<String>()
        for (index, account) in gateway.accounts.enumerated() {
            let path = ConfigPath.root.key("gateway").key("accounts").index(index)
            if !keys.contains(account.key) {
                reader.report(nil, path.key("key"), .invalidValue, "no key named '\(account.key)'",
                              hint: Suggest.closest(to: account.key, in: keys).map { "did you mean '\($0)'?" } ?? "declare it under keys:")
            }
            for local in account.localKeys where !names.insert(local.name).inserted {
                reader.report(nil, path.key("local_keys"), .duplicateKey, "local key name '\(local.name)' is used twice")
            }
            if account.acceptUpstreamCredentials, let (host, _) = MetricsConfig.split(gateway.listen), !GatewayConfiguration.isLoopback(host) {
                reader.report(nil, path.key("accept_upstream_credentials"), .invalidValue,
                              "the real key's credentials are accepted on loopback only", hint: "give off-host programs local_keys")
            }
            for (ruleIndex, rule) in account.priorities.enumerated() where !classes.contains(rule.priority) {
                reader.report(nil, path.key("priorities").index(ruleIndex).key("priority"), .invalidValue, "no nonce class '\(rule.priority)'",
                              hint: "one of \(classes.joined(separator: ", "))")
            }
        }
    }

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
                if !GatewayConfiguration.isLoopback(host) && !g.has("tls") {
                    reader.report(node, g.path.key("listen"), .invalidValue, "'\(host)' is not a loopback address",
                                  hint: "serving other hosts needs tls: {certificate: FILE, key: FILE} (and local credentials only)")
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
        c.maxBodyBytes = g.int("max_body_bytes", default: c.maxBodyBytes, range: 2...(16 << 20))
        if g.has("tls") {
            let t = g.mapping("tls")
            c.tlsCertificate = t.requiredString("certificate", hint: "a PEM certificate file")
            c.tlsKey = t.requiredString("key", hint: "a PEM private key file")
            t.finish()
        }
        if let node = g.value("dms_scope"), let scope = reader.choice(node, g.path.key("dms_scope"), allowed: ["own", "all"]) { c.dmsScope = scope }
        for (path, node) in g.sequence("accounts") {
            let a = reader.mapping(node, path)
            var account = GatewayAccountConfig(key: a.requiredString("key", hint: "a keys[] name") ?? "")
            account.acceptUpstreamCredentials = a.bool("accept_upstream_credentials", default: false)
            for (keyPath, keyNode) in a.sequence("local_keys") {
                let k = reader.mapping(keyNode, keyPath)
                let name = k.requiredString("name") ?? ""
                let key = k.secret("key")
                let secret = k.secret("secret")
                if !k.has("key") { k.missing("key", hint: "${BOT_KEY}") }
                if !k.has("secret") { k.missing("secret", hint: "${BOT_SECRET}") }
                var permissions: [String] = []
                for (permPath, permNode) in k.sequence("permissions") {
                    if let p = reader.choice(permNode, permPath, allowed: GatewayAccount.Permission.allCases.map(\.rawValue)) { permissions.append(p) }
                }
                if !k.has("permissions") { k.missing("permissions", hint: "e.g. [read, trade]") }
                k.finish()
                if let key, let secret { account.localKeys.append(.init(name: name, key: key, secret: secret, permissions: permissions)) }
            }
            for (rulePath, ruleNode) in a.sequence("priorities") {
                let r = reader.mapping(ruleNode, rulePath)
                let rule = GatewayAccountConfig.PriorityRuleConfig(path: r.optionalString("path"), localKey: r.optionalString("local_key"),
                                                                   priority: r.requiredString("priority", hint: "a nonce.classes name, e.g. high") ?? "normal")
                r.finish()
                account.priorities.append(rule)
            }
            a.finish()
            c.accounts.append(account)
        }
        g.finish()
        return c
    }
}
