import BfxClient
import BfxNonce
import BfxSimulator
import Yams

/// Turns the YAML tree into a `RuntimeConfig`, section by section, through `ConfigReader` so that
/// every problem is collected. Cross-references (key names, class names) are checked at the end.
struct ConfigDecoder {
    let reader: ConfigReader

    func decodeRoot(_ root: Node?) -> RuntimeConfig {
        var config = RuntimeConfig()
        let m = reader.mapping(root, .root)
        config.version = m.int("version", default: 1, range: 1...1)
        config.endpoint = endpoint(m)
        config.keys = keys(m)
        config.connections = connections(m)
        config.websocket = websocket(m.mapping("websocket"))
        config.nonce = nonce(m.mapping("nonce"))
        config.rateLimits = rateLimits(m.mapping("rate_limits"))
        config.alerts = alerts(m)
        config.logging = logging(m.mapping("logging"))
        config.metrics = metrics(m.mapping("metrics"))
        config.simulator = simulator(m.mapping("simulator"))
        config.startup = startup(m)
        config.output = output(m.mapping("output"))
        config.shutdown = shutdown(m.mapping("shutdown"))
        config.gateway = gateway(m)
        config.recording = recording(m)
        m.finish()
        crossCheck(config, root: m)
        crossCheckGateway(config, root: m)
        return config
    }

    // MARK: sections

    func endpoint(_ m: MappingCursor) -> EndpointConfig {
        guard let node = m.value("endpoint") else {
            // Still register the mapping form's keys for the schema/doc cross-check.
            for key in ["ws_public", "ws_auth", "rest_public", "rest_auth"] { reader.noteKnown(m.path.key("endpoint").key(key)) }
            return .simulator
        }
        let path = m.path.key("endpoint")
        if case .scalar = node {
            switch reader.choice(node, path, allowed: ["simulator", "live"]) {
            case "live": return .live
            default: return .simulator
            }
        }
        let e = reader.mapping(node, path)
        let wsPublic = e.requiredString("ws_public", hint: "e.g. ws://127.0.0.1:8080/ws/2")
        let wsAuth = e.optionalString("ws_auth")
        let restPublic = e.requiredString("rest_public", hint: "e.g. http://127.0.0.1:8080")
        let restAuth = e.optionalString("rest_auth")
        e.finish()
        for (key, value, schemes) in [("ws_public", wsPublic, ["ws", "wss"]), ("ws_auth", wsAuth, ["ws", "wss"]),
                                      ("rest_public", restPublic, ["http", "https"]), ("rest_auth", restAuth, ["http", "https"])] {
            guard let value else { continue }
            let scheme = value.split(separator: ":").first.map(String.init) ?? ""
            if !schemes.contains(scheme) || !value.contains("://") {
                reader.report(e.value(key), path.key(key), .invalidValue, "'\(value)' is not a \(schemes.joined(separator: "/")) URL", hint: "e.g. \(schemes[0])://127.0.0.1:8080")
            }
        }
        guard let wsPublic, let restPublic else { return .simulator }
        return .custom(.init(wsPublic: wsPublic, wsAuth: wsAuth ?? wsPublic, restPublic: restPublic, restAuth: restAuth ?? restPublic))
    }

    func keys(_ m: MappingCursor) -> [KeyConfig] {
        var result: [KeyConfig] = []
        var names: Set<String> = []
        for (path, node) in m.sequence("keys") {
            let k = reader.mapping(node, path)
            let name = k.requiredString("name") ?? "key\(result.count)"
            if !names.insert(name).inserted { reader.report(k.value("name"), path.key("name"), .duplicateKey, "key name '\(name)' is used twice") }
            var key = KeyConfig(name: name)
            key.apiKey = k.secret("api_key")
            key.apiSecret = k.secret("api_secret")
            if (key.apiKey == nil) != (key.apiSecret == nil), !reader.issues.contains(where: { $0.path.hasPrefix(path.display) }) {
                reader.report(node, path, .missingKey, "api_key and api_secret must be given together")
            }
            key.deadManSwitch = k.bool("dead_man_switch", default: false)
            let s = k.mapping("nonce_store")
            key.nonceStore.kind = s.choice("kind", default: NonceStoreConfig.Kind.memory)
            key.nonceStore.path = s.optionalString("path")
            if let urlNode = s.value("url"), case .scalar(let scalar) = urlNode, let url = reader.string(urlNode, s.path.key("url")) {
                key.nonceStore.url = SensitiveString(value: url.text, written: scalar.string)
                if !(url.text.hasPrefix("postgres://") || url.text.hasPrefix("postgresql://")) {
                    reader.report(urlNode, s.path.key("url"), .invalidValue, "not a PostgreSQL URL", hint: "postgres://user:password@host:5432/db")
                }
            } else if let urlNode = s.value("url"), urlNode.scalar == nil {
                reader.report(urlNode, s.path.key("url"), .wrongType, "expected a string")
            }
            s.finish()
            switch key.nonceStore.kind {
            case .file where key.nonceStore.path == nil: s.missing("path", hint: "a file path, e.g. /var/lib/bfxrun/main.nonce")
            case .postgres where key.nonceStore.url == nil: s.missing("url", hint: "e.g. ${BFX_NONCE_PG_URL}")
            default: break
            }
            k.finish()
            result.append(key)
        }
        return result
    }

    func connections(_ m: MappingCursor) -> [ConnectionConfig] {
        var result: [ConnectionConfig] = []
        var names: Set<String> = []
        for (path, node) in m.sequence("connections") {
            let c = reader.mapping(node, path)
            let name = c.string("name", default: "conn\(result.count)")
            if !names.insert(name).inserted { reader.report(c.value("name"), path.key("name"), .duplicateKey, "connection name '\(name)' is used twice") }
            var connection = ConnectionConfig(name: name, key: c.optionalString("key"))
            connection.userData = c.choice("user_data", default: ConnectionConfig.UserDataMode.separate)
            if c.has("user_data"), connection.key == nil {
                reader.report(c.value("user_data"), path.key("user_data"), .invalidValue,
                              "user_data applies only to a connection with a key (it selects how that key's user-data stream connects)",
                              hint: "add `key: <key name>` to this connection or remove user_data")
            }
            for (channelPath, channelNode) in c.sequence("channels") {
                if let spec = channel(channelNode, channelPath) { connection.channels.append(spec) }
            }
            c.finish()
            result.append(connection)
        }
        return result
    }

    /// One `channels[]` entry, decoded straight into the client's `ChannelSpec`: each
    /// field is type-checked here (with line/column), then `ChannelSpec.make(channel:symbol:key:prec:freq:len:)`
    /// rejects what the client cannot express (a `freq` on a raw book, a `key` on a ticker, ...).
    func channel(_ node: Node, _ path: ConfigPath) -> ChannelSpec? {
        let c = reader.mapping(node, path)
        let kind = c.value("channel").flatMap { reader.choice($0, path.key("channel"), allowed: ["ticker", "trades", "book", "candles", "status"]) }
        if !c.has("channel") { c.missing("channel", hint: "ticker, trades, book, candles or status") }
        let symbol = c.optionalString("symbol")
        let prec = c.value("prec").flatMap { reader.choice($0, path.key("prec"), allowed: ChannelSpec.Precision.allCases.map(\.rawValue) + ["R0"]) }
        let freq = c.value("freq").flatMap { reader.choice($0, path.key("freq"), allowed: ChannelSpec.Frequency.allCases.map(\.rawValue)) }
        let lenNode = c.value("len")
        let len = lenNode.flatMap { reader.int($0, path.key("len"), range: 1...250) }
        let key = c.optionalString("key")
        c.finish()
        guard let kind else { return nil }
        switch kind {
        case "ticker", "trades", "book":
            if symbol == nil {
                if !c.has("symbol") { c.missing("symbol", hint: "e.g. tBTCUSD or fUSD") }
                return nil
            }
        default:
            if key == nil {
                if !c.has("key") { c.missing("key", hint: kind == "candles" ? "e.g. trade:1m:tBTCUSD" : "e.g. deriv:tBTCF0:USTF0") }
                return nil
            }
        }
        // A field that failed its own check above was already reported; do not report it twice.
        if (c.has("prec") && prec == nil) || (c.has("freq") && freq == nil) || (lenNode != nil && len == nil) { return nil }
        do {
            return try ChannelSpec.make(channel: kind, symbol: symbol, key: key, prec: prec, freq: freq, len: len)
        } catch {
            let problem = error.message
            let field: String
            if problem.hasPrefix("len") { field = "len" }
            else if problem.contains("does not take") { field = ["key", "symbol", "prec", "freq", "len"].first { problem.contains($0) && c.has($0) } ?? "channel" }
            else if kind == "candles" || kind == "status" { field = "key" }
            else { field = "symbol" }
            let target = c.value(field) ?? node
            reader.report(target, path.key(field), problem.hasPrefix("len") ? .outOfRange : .invalidValue, problem)
            return nil
        }
    }

    func websocket(_ m: MappingCursor) -> WebSocketConfig {
        var w = WebSocketConfig()
        w.maxSubscriptionsPerConnection = m.int("max_subscriptions_per_connection", default: w.maxSubscriptionsPerConnection, range: 1...30)
        w.heartbeatTimeout = m.duration("heartbeat_timeout", default: w.heartbeatTimeout, range: ConfigDuration(milliseconds: 100)...(.seconds(600)))
        w.pingInterval = m.duration("ping_interval", default: w.pingInterval, range: .seconds(0)...(.seconds(600)))
        w.connectTimeout = m.duration("connect_timeout", default: w.connectTimeout, range: ConfigDuration(milliseconds: 100)...(.seconds(300)))
        w.checksum = m.bool("checksum", default: w.checksum)
        let cp = m.mapping("checksum_policy")
        w.checksumPolicy.trading = cp.choice("trading", default: w.checksumPolicy.trading)
        w.checksumPolicy.funding = cp.choice("funding", default: w.checksumPolicy.funding)
        w.checksumPolicy.observeResyncWindow = cp.duration(
            "observe_resync_window", default: w.checksumPolicy.observeResyncWindow, range: .seconds(1)...(.seconds(86_400))
        )
        cp.finish()
        w.sequence = m.bool("sequence", default: w.sequence)
        w.timestamp = m.bool("timestamp", default: w.timestamp)
        let r = m.mapping("reconnect")
        w.reconnect.initialDelay = r.duration("initial_delay", default: w.reconnect.initialDelay, range: .seconds(0)...(.seconds(600)))
        w.reconnect.maxDelay = r.duration("max_delay", default: w.reconnect.maxDelay, range: ConfigDuration(milliseconds: 1)...(.seconds(3600)))
        w.reconnect.multiplier = r.double("multiplier", default: w.reconnect.multiplier, range: 1...10)
        w.reconnect.jitter = r.choice("jitter", default: w.reconnect.jitter)
        w.reconnect.maxAttempts = r.int("max_attempts", default: w.reconnect.maxAttempts, range: 0...1_000_000)
        w.reconnect.giveUpAfter = r.duration("give_up_after", default: w.reconnect.giveUpAfter, range: .seconds(0)...(.seconds(86_400 * 7)))
        r.finish()
        if w.reconnect.maxDelay < w.reconnect.initialDelay {
            reader.report(r.value("max_delay") ?? r.node, r.path.key("max_delay"), .outOfRange, "max_delay (\(w.reconnect.maxDelay)) is below initial_delay (\(w.reconnect.initialDelay))")
        }
        m.finish()
        return w
    }

    func nonce(_ m: MappingCursor) -> NonceConfig {
        var n = NonceConfig()
        let classNodes = m.sequence("classes")
        if m.has("classes") {
            var classes: [PriorityClassConfig] = []
            var classNames = Set<String>()  // duplicate check in O(1): a hostile file may hold 10⁵ classes
            for (path, node) in classNodes {
                let c = reader.mapping(node, path)
                let name = c.requiredString("name") ?? "class\(classes.count)"
                if !classNames.insert(name).inserted { reader.report(c.value("name"), path.key("name"), .duplicateKey, "class '\(name)' is declared twice") }
                let limit = c.int("limit", default: NoncePriorityClass.defaultMaxQueued, range: 1...1_000_000)
                let deadline = c.optionalDuration("deadline", range: ConfigDuration(milliseconds: 1)...(.seconds(86_400)))
                c.finish()
                classes.append(PriorityClassConfig(name: name, limit: limit, deadline: deadline))
            }
            if classes.isEmpty { reader.report(m.value("classes"), m.path.key("classes"), .invalidValue, "at least one priority class is required") }
            else { n.classes = classes }
        } else {
            for key in ["name", "limit", "deadline"] { reader.noteKnown(m.path.key("classes").index(0).key(key)) }
        }
        n.aging = m.duration("aging", default: n.aging, range: ConfigDuration(milliseconds: 1)...(.seconds(3600)))
        n.historySize = m.int("history_size", default: n.historySize, range: 10...1_000_000)
        n.unknownOutcomeQuarantine = m.duration("unknown_outcome_quarantine", default: n.unknownOutcomeQuarantine,
                                                range: ConfigDuration(.zero)...(.seconds(600)))
        let map = m.mapping("map")
        let names = n.classes.map(\.name)
        func cls(_ key: String, _ fallback: String) -> String {
            guard let node = map.value(key) else {
                // The default class may not exist in a custom class list: fall back to the last (lowest).
                return names.contains(fallback) ? fallback : (names.last ?? fallback)
            }
            return reader.choice(node, map.path.key(key), allowed: names) ?? fallback
        }
        n.map.wsAuth = cls("ws_auth", n.map.wsAuth)
        n.map.orderCancel = cls("order_cancel", n.map.orderCancel)
        n.map.orderNew = cls("order_new", n.map.orderNew)
        n.map.orderUpdate = cls("order_update", n.map.orderUpdate)
        n.map.read = cls("read", n.map.read)
        n.map.history = cls("history", n.map.history)
        n.map.other = cls("other", n.map.other)
        map.finish()
        m.finish()
        return n
    }

    func rateLimits(_ m: MappingCursor) -> RateLimitConfig {
        var r = RateLimitConfig()
        r.restPublicPerMinute = m.int("rest_public_per_minute", default: r.restPublicPerMinute, range: 1...1_000_000)
        r.restAuthPerMinute = m.int("rest_auth_per_minute", default: r.restAuthPerMinute, range: 1...1_000_000)
        r.wsConnectPublicPerMinute = m.int("ws_connect_public_per_minute", default: r.wsConnectPublicPerMinute, range: 1...1000)
        r.wsConnectAuthPer15s = m.int("ws_connect_auth_per_15s", default: r.wsConnectAuthPer15s, range: 1...1000)
        r.endpoints = endpointRateLimits(m)
        m.finish()
        return r
    }

    /// `rate_limits.endpoints[]`: `{path: <endpoint name or prefix*>, per_minute: N}`, unique paths.
    func endpointRateLimits(_ m: MappingCursor) -> [EndpointRateLimitConfig] {
        let items = m.sequence("endpoints")
        if !m.has("endpoints") {
            for key in ["path", "per_minute"] { reader.noteKnown(m.path.key("endpoints").index(0).key(key)) }
        }
        var result: [EndpointRateLimitConfig] = []
        var seen: Set<String> = []
        for (path, node) in items {
            let e = reader.mapping(node, path)
            let raw = e.requiredString("path", hint: "an endpoint such as auth/r/orders/hist, or a prefix such as ticker*")
            let perMinute = e.optionalInt("per_minute", range: 1...1_000_000)
            if !e.has("per_minute") { e.missing("per_minute", hint: "requests per minute, 1–1000000") }
            e.finish()
            guard let raw else { continue }  // the path is still checked when per_minute is bad
            let pathNode = e.value("path")
            var name = Substring(raw)
            while name.hasPrefix("/") { name = name.dropFirst() }
            if name.hasPrefix("v2/") { name = name.dropFirst(3) }
            let trimmed = String(name)
            let stem = trimmed.hasSuffix("*") ? String(trimmed.dropLast()) : trimmed
            if trimmed.isEmpty || trimmed == "*" {
                reader.report(pathNode, path.key("path"), .invalidValue, "empty endpoint path",
                              hint: "e.g. auth/r/orders/hist or ticker*; use rest_public_per_minute / rest_auth_per_minute for every endpoint")
                continue
            }
            if stem.contains("*") || stem.contains("?") || stem.contains(" ") {
                reader.report(pathNode, path.key("path"), .invalidValue, "'\(raw)' is not an endpoint path ('*' is allowed only at the end, no query)",
                              hint: "e.g. ticker* or auth/r/orders/hist")
                continue
            }
            let endpoint = RESTRateLimits.endpointName(forPath: stem)
            // A prefix may end in '/' (`auth/r/*`); endpoint names never do.
            if endpoint != (trimmed.hasSuffix("*") && stem.hasSuffix("/") ? String(stem.dropLast()) : stem) {
                reader.report(pathNode, path.key("path"), .invalidValue,
                              "'\(raw)' contains a symbol; limits apply per endpoint for every symbol",
                              hint: "use '\(endpoint)\(trimmed.hasSuffix("*") ? "*" : "")'")
                continue
            }
            if !seen.insert(trimmed).inserted {
                reader.report(pathNode, path.key("path"), .duplicateKey, "endpoint '\(trimmed)' is limited twice",
                              hint: "keep one entry per path")
                continue
            }
            if let perMinute { result.append(EndpointRateLimitConfig(path: trimmed, perMinute: perMinute)) }
        }
        return result
    }

    func alerts(_ m: MappingCursor) -> [AlertRuleConfig] {
        var result: [AlertRuleConfig] = []
        var alertNames = Set<String>()  // duplicate check in O(1) per rule
        for (path, node) in m.sequence("alerts") {
            let a = reader.mapping(node, path)
            let name = a.requiredString("name") ?? "alert\(result.count)"
            if !alertNames.insert(name).inserted { reader.report(a.value("name"), path.key("name"), .duplicateKey, "alert name '\(name)' is used twice") }
            let kind = a.optionalChoice("kind", as: AlertRuleConfig.Kind.self)
            if !a.has("kind") { a.missing("kind", hint: AlertRuleConfig.Kind.allCases.map(\.rawValue).joined(separator: ", ")) }
            let threshold = a.optionalDouble("threshold", range: 0...1e12)
            if !a.has("threshold") { a.missing("threshold") }
            var rule = AlertRuleConfig(name: name, kind: kind ?? .reconnects, threshold: threshold ?? 0)
            rule.window = a.duration("window", default: rule.window, range: .seconds(1)...(.seconds(86_400)))
            rule.clear = a.optionalDouble("clear", range: 0...1e12)
            rule.clearAfter = a.duration("clear_after", default: rule.clearAfter, range: .seconds(0)...(.seconds(86_400)))
            if a.has("actions") {
                rule.actions = []
                for (actionPath, actionNode) in a.sequence("actions") {
                    if let raw = reader.choice(actionNode, actionPath, allowed: AlertRuleConfig.Action.allCases.map(\.rawValue)),
                       let action = AlertRuleConfig.Action(rawValue: raw) { rule.actions.append(action) }
                }
            } else {
                _ = a.value("actions")
            }
            if let urlNode = a.value("webhook_url") {
                if case .scalar(let scalar) = urlNode, let url = reader.string(urlNode, path.key("webhook_url")) {
                    rule.webhookURL = SensitiveString(value: url.text, written: scalar.string)
                    if !(url.text.hasPrefix("http://") || url.text.hasPrefix("https://")) {
                        reader.report(urlNode, path.key("webhook_url"), .invalidValue, "webhook_url must be an http(s) URL")
                    }
                } else if urlNode.scalar == nil {
                    reader.report(urlNode, path.key("webhook_url"), .wrongType, "expected a URL string")
                }
            }
            rule.exitCode = a.int("exit_code", default: rule.exitCode, range: 1...125)
            if rule.actions.contains(.webhook), rule.webhookURL == nil, !a.has("webhook_url") {
                a.missing("webhook_url", hint: "the webhook action needs a URL")
            }
            a.finish()
            result.append(rule)
        }
        return result
    }

    func logging(_ m: MappingCursor) -> LoggingConfig {
        var l = LoggingConfig()
        l.level = m.choice("level", default: l.level)
        l.format = m.choice("format", default: l.format)
        m.finish()
        return l
    }

    func metrics(_ m: MappingCursor) -> MetricsConfig {
        var c = MetricsConfig()
        c.enabled = m.bool("enabled", default: c.enabled)
        c.dashboard = m.bool("dashboard", default: c.dashboard)
        c.allowRemote = m.bool("allow_remote", default: c.allowRemote)
        c.historySeconds = m.int("history_seconds", default: c.historySeconds, range: 10...86_400)
        if let node = m.value("listen"), let text = reader.string(node, m.path.key("listen"))?.text {
            if let (host, _) = MetricsConfig.split(text) {
                c.listen = text
                if !MetricsConfig.isLoopback(host) && !c.allowRemote {
                    reader.report(node, m.path.key("listen"), .invalidValue, "'\(host)' is not a loopback address",
                                  hint: "use 127.0.0.1 or [::1], or set metrics.allow_remote: true to expose it")
                }
            } else {
                reader.report(node, m.path.key("listen"), .invalidValue, "'\(text)' is not HOST:PORT", hint: "e.g. 127.0.0.1:9464 (port 0 = any free port)")
            }
        }
        m.finish()
        return c
    }

    func simulator(_ m: MappingCursor) -> SimulatorConfig {
        var s = SimulatorConfig()
        s.seed = UInt64(m.int("seed", default: Int(s.seed), range: 0...Int.max))
        s.rate = m.double("rate", default: s.rate, range: 0.1...10_000)
        s.latency = m.duration("latency", default: s.latency, range: .seconds(0)...(.seconds(60)))
        for (path, node) in m.sequence("faults") {
            let f = reader.mapping(node, path)
            let at = f.optionalDuration("at", range: .seconds(0)...(.seconds(86_400)))
            if !f.has("at") { f.missing("at", hint: "time after start, e.g. 5s") }
            let fault = f.optionalChoice("fault", as: FaultName.self)
            if !f.has("fault") { f.missing("fault", hint: FaultName.names.joined(separator: ", ")) }
            let duration = f.optionalDuration("duration", range: .seconds(0)...(.seconds(3600)))
            let count = f.optionalInt("count", range: 1...1_000_000)
            let symbol = f.optionalString("symbol")
            f.finish()
            if let at, let fault {
                let step = FaultStep(at: at, fault: fault, duration: duration, count: count, symbol: symbol)
                do {
                    _ = try step.makeFault()
                    s.faults.append(step)
                } catch {
                    reader.report(f.value("fault") ?? node, path.key("fault"), .invalidValue, error.message)
                }
            }
        }
        let variants = m.mapping("variants")
        var check = ProtocolVariants()
        for (name, _) in ProtocolVariants.names {
            guard let value = variants.optionalString(name) else { continue }
            do {
                try check.set(name, value)
                s.variants[name] = value
            } catch {
                reader.report(variants.value(name), ConfigPath.root.key("simulator").key("variants").key(name), .invalidValue,
                              "\(error)")
            }
        }
        variants.finish()
        m.finish()
        return s
    }

    func startup(_ m: MappingCursor) -> [StartupAction] {
        var result: [StartupAction] = []
        for (path, node) in m.sequence("startup") {
            let a = reader.mapping(node, path)
            let rawPath = a.requiredString("path", hint: "e.g. auth/r/wallets") ?? ""
            let trimmed = rawPath.hasPrefix("/") ? String(rawPath.dropFirst()) : rawPath
            let method = a.optionalChoice("method", as: StartupAction.Method.self) ?? (trimmed.hasPrefix("auth/") ? .POST : .GET)
            var action = StartupAction(method: method, path: trimmed)
            action.body = a.optionalString("body")
            action.key = a.optionalString("key")
            action.priority = a.optionalString("priority")
            action.every = a.optionalDuration("every", range: ConfigDuration(milliseconds: 10)...(.seconds(86_400)))
            action.count = a.int("count", default: action.every == nil ? 1 : 0, range: 0...1_000_000)
            a.finish()
            if !rawPath.isEmpty { result.append(action) }
        }
        return result
    }

    func output(_ m: MappingCursor) -> OutputConfig {
        var o = OutputConfig()
        o.summaryInterval = m.duration("summary_interval", default: o.summaryInterval, range: .seconds(0)...(.seconds(86_400)))
        o.bookDepth = m.int("book_depth", default: o.bookDepth, range: 1...25)
        o.trades = m.int("trades", default: o.trades, range: 0...100)
        m.finish()
        return o
    }

    func shutdown(_ m: MappingCursor) -> ShutdownConfig {
        var s = ShutdownConfig()
        s.drainTimeout = m.duration("drain_timeout", default: s.drainTimeout, range: .seconds(0)...(.seconds(600)))
        s.stepTimeout = m.duration("step_timeout", default: s.stepTimeout, range: ConfigDuration(milliseconds: 100)...(.seconds(600)))
        m.finish()
        return s
    }

    // MARK: cross references

    func crossCheck(_ config: RuntimeConfig, root: MappingCursor) {
        let keyNames = config.keys.map(\.name)  // ordered, for did-you-mean suggestions
        let knownKeys = Set(keyNames)           // membership in O(1) per reference
        for (index, connection) in config.connections.enumerated() {
            guard let key = connection.key, !knownKeys.contains(key) else { continue }
            let path = ConfigPath.root.key("connections").index(index).key("key")
            reader.report(node(at: root, "connections", index, "key"), path, .invalidValue, "no key named '\(key)'",
                          hint: Suggest.closest(to: key, in: keyNames).map { "did you mean '\($0)'?" } ?? "declare it under keys:")
        }
        // One user-data stream per key: every connection naming the key must agree on user_data.
        var userDataModes: [String: ConnectionConfig.UserDataMode] = [:]
        for (index, connection) in config.connections.enumerated() {
            guard let key = connection.key else { continue }
            if let first = userDataModes[key], first != connection.userData {
                reader.report(node(at: root, "connections", index, "key"), ConfigPath.root.key("connections").index(index).key("user_data"),
                              .invalidValue, "key '\(key)' is used with user_data \(first.rawValue) and \(connection.userData.rawValue)",
                              hint: "a key has one user-data stream; use the same user_data on every connection naming it")
            } else {
                userDataModes[key] = connection.userData
            }
        }
        for (index, action) in config.startup.enumerated() {
            if let key = action.key, !knownKeys.contains(key) {
                reader.report(node(at: root, "startup", index, "key"), ConfigPath.root.key("startup").index(index).key("key"), .invalidValue, "no key named '\(key)'",
                              hint: Suggest.closest(to: key, in: keyNames).map { "did you mean '\($0)'?" } ?? "declare it under keys:")
            }
            if action.path.hasPrefix("auth/"), keyNames.isEmpty {
                reader.report(node(at: root, "startup", index, "path"), ConfigPath.root.key("startup").index(index).key("path"), .invalidValue,
                              "signed call '\(action.path)' but no keys are declared", hint: "add a key under keys:")
            }
            if let priority = action.priority, config.nonce.rank(of: priority) == nil {
                let names = config.nonce.classes.map(\.name)
                reader.report(node(at: root, "startup", index, "priority"), ConfigPath.root.key("startup").index(index).key("priority"), .invalidValue,
                              "no priority class '\(priority)'", hint: (Suggest.closest(to: priority, in: names).map { "did you mean '\($0)'? " } ?? "") + "classes: \(names.joined(separator: ", "))")
            }
        }
        if config.endpoint != .simulator {
            for (index, key) in config.keys.enumerated() where key.apiKey == nil && key.apiSecret == nil {
                let isReported = reader.issues.contains { $0.path.hasPrefix("keys[\(index)]") }
                if !isReported {
                    reader.report(node(at: root, "keys", index, nil), ConfigPath.root.key("keys").index(index), .missingKey,
                                  "api_key and api_secret are required unless endpoint is simulator", hint: "api_key: ${BFX_API_KEY}")
                }
            }
        }
        if config.endpoint != .simulator, !config.simulator.faults.isEmpty {
            reader.report(root.value("simulator"), ConfigPath.root.key("simulator").key("faults"), .invalidValue,
                          "simulator.faults only apply with endpoint: simulator")
        }
    }

    /// The node at `section[index].key` (for positions of cross-reference errors).
    func node(at root: MappingCursor, _ section: String, _ index: Int, _ key: String?) -> Node? {
        guard let list = root.node?.mapping?[section]?.sequence, index < list.count else { return root.node }
        let element = list[index]
        guard let key else { return element }
        return element.mapping?[key] ?? element
    }
}
