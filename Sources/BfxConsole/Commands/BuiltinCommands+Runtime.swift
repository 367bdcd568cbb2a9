import BfxProtocol

extension BuiltinCommands {
    static var runtime: [ConsoleCommand] {
        [status, connections, channels, subscribe, unsubscribe, reconnect, alerts, fault, gateway]
    }

    static let status = ConsoleCommand(
        name: "status",
        category: "Runtime",
        usage: ["status"],
        summary: "Runtime phase, endpoint, uptime, connection and channel counts, firing alerts.",
        examples: ["status", "status --json"]
    ) { context in
        try context.reader().finish()
        return .record(try await context.call { try await context.backend.status() })
    }

    static let connections = ConsoleCommand(
        name: "connections",
        aliases: ["conns"],
        category: "Runtime",
        usage: ["connections"],
        summary: "WebSocket connections: kind, state, channels, reconnects, messages, last message age."
    ) { context in
        try context.reader().finish()
        return .records(try await context.call { try await context.backend.connections() })
    }

    static let channels = ConsoleCommand(
        name: "channels",
        category: "Runtime",
        usage: ["channels"],
        summary: "Subscriptions with their runtime id, connection, server chanId, state and integrity counters.",
        details: "The ID column is what `unsubscribe` takes; it is stable across reconnects (chanId is not)."
    ) { context in
        try context.reader().finish()
        return .records(try await context.call { try await context.backend.channels() })
    }

    static let subscribe = ConsoleCommand(
        name: "subscribe",
        aliases: ["sub"],
        category: "Runtime",
        usage: [
            "subscribe ticker|trades SYMBOL [--conn GROUP]",
            "subscribe book SYMBOL [--prec P0..P4] [--freq F0|F1] [--len N] [--conn GROUP]",
            "subscribe rawbook SYMBOL [--len N] [--conn GROUP]",
            "subscribe candles KEY [--conn GROUP]",
            "subscribe status KEY [--conn GROUP]",
            "subscribe SPEC [--conn GROUP]",
        ],
        summary: "Adds a channel; the pool picks (or opens) a connection. --conn names the config connection group (default: the first).",
        details: "SPEC is the short form used in the config and by `channels`, e.g. book:tBTCUSD:P0:F0:25, candles:trade:1m:tBTCUSD, status:deriv:tBTCF0:USTF0.",
        options: ["--prec P0..P4", "--freq F0|F1", "--len N", "--conn GROUP"],
        examples: ["subscribe ticker tETHUSD", "subscribe book tBTCUSD --prec P1 --len 100", "subscribe candles trade:5m:tBTCUSD"],
        complete: { previous, environment in
            if let values = optionValues(previous, [
                "--prec": precisions, "--freq": frequencies, "--len": bookLengths, "--conn": environment.data.groups,
            ]) { return values }
            let words = positionals(previous, valueOptions: ["--prec", "--freq", "--len", "--conn"])
            switch words.count {
            case 0: return channelKinds
            case 1:
                if words[0] == "candles" { return environment.data.symbols.map { "trade:1m:\($0)" } }
                if words[0] == "status" { return ["deriv:tBTCF0:USTF0", "liq:global"] }
                return environment.data.symbols
            default: return []
            }
        }
    ) { context in
        var reader = context.reader()
        let command = context.command
        let prec = try reader.option("--prec")
        let freq = try reader.option("--freq")
        let len = try reader.intOption("--len", in: 1...250)
        let connection = try reader.option("--conn").map { (text: String) throws(ConsoleError) in try name(text, what: "connection group", command: command) }
        let first = try reader.required("CHANNEL")
        let spec: String
        switch first {
        case "ticker", "trades":
            spec = "\(first):\(try symbol(try reader.required("SYMBOL"), command: command))"
        case "book":
            let sym = try symbol(try reader.required("SYMBOL"), command: command)
            let precision = (prec ?? "P0").uppercased()
            guard precisions.dropLast().contains(precision) else { throw command.usageError("--prec must be one of P0 P1 P2 P3 P4 (use `subscribe rawbook` for R0)") }
            let frequency = (freq ?? "F0").uppercased()
            guard frequencies.contains(frequency) else { throw command.usageError("--freq must be F0 or F1") }
            spec = "book:\(sym):\(precision):\(frequency):\(len ?? 25)"
        case "rawbook":
            spec = "rawbook:\(try symbol(try reader.required("SYMBOL"), command: command)):\(len ?? 25)"
        case "candles", "status":
            let key = try name(try reader.required("KEY"), what: "key", command: command)
            spec = "\(first):\(key)"
        default:
            guard first.contains(":"), channelKinds.contains(where: { first.hasPrefix($0 + ":") }) else {
                throw command.usageError("unknown channel '\(TerminalText.sanitized(String(first.prefix(40))))' (one of \(channelKinds.joined(separator: ", ")) or a SPEC like book:tBTCUSD:P0:F0:25)")
            }
            spec = try name(first, what: "spec", command: command)
        }
        if first != "book", prec != nil || freq != nil {
            throw command.usageError("--prec and --freq only apply to `subscribe book`")
        }
        try reader.finish()
        return .record(try await context.call { try await context.backend.subscribe(spec: spec, connection: connection) })
    }

    static let unsubscribe = ConsoleCommand(
        name: "unsubscribe",
        aliases: ["unsub"],
        category: "Runtime",
        usage: ["unsubscribe ID"],
        summary: "Removes a subscription by the runtime id shown in `channels`.",
        complete: { previous, environment in previous.isEmpty ? environment.data.channelIDs : [] }
    ) { context in
        var reader = context.reader()
        let id = try name(try reader.required("ID"), what: "channel id", command: context.command)
        try reader.finish()
        try await context.call { try await context.backend.unsubscribe(id: id) }
        return .message("unsubscribed \(id)")
    }

    static let reconnect = ConsoleCommand(
        name: "reconnect",
        category: "Runtime",
        usage: ["reconnect [CONN]"],
        summary: "Forces a reconnect of one connection (or all): re-auth, resubscribe, fresh book snapshots.",
        complete: { previous, environment in previous.isEmpty ? environment.data.connectionIDs : [] }
    ) { context in
        var reader = context.reader()
        let connection = try reader.optional().map { (text: String) throws(ConsoleError) in try name(text, what: "connection", command: context.command) }
        try reader.finish()
        let names = try await context.call { try await context.backend.reconnect(connection: connection) }
        return ConsoleOutput(
            json: .fields([JSONObject.Member("reconnecting", .array(names.map { .string($0) }))]),
            human: .text("reconnecting: " + (names.isEmpty ? "(none)" : names.joined(separator: ", ")))
        )
    }

    static let alerts = ConsoleCommand(
        name: "alerts",
        category: "Runtime",
        usage: ["alerts"],
        summary: "Alert rules with state (ok/firing), current value, threshold and episode count."
    ) { context in
        try context.reader().finish()
        return .records(try await context.call { try await context.backend.alerts() })
    }

    static let fault = ConsoleCommand(
        name: "fault",
        category: "Runtime",
        usage: ["fault list", "fault KIND [ARGS...]"],
        summary: "Injects a fault into the embedded simulator (simulator only).",
        details: """
            Kinds (the one fault vocabulary, FaultName; see docs/simulator.md): drop, drop_connection ID, \
            stall [SECONDS], restart (info 20051), maintenance [SECONDS] (20060 then 20061), checksum, \
            funding_checksum (funding-book cs wrong until clear, as on live Bitfinex), sequence_gap, \
            malformed, latency [MS], slow_consumer [SECONDS], nonce [COUNT] (10114), rest_error [COUNT] (HTTP 500), \
            rate_limit [COUNT] (429), refuse_connections [SECONDS], reject_subscribe [COUNT], \
            reject_unsubscribe [COUNT], clear. \
            Against a real endpoint the command fails without sending anything.
            """,
        subcommands: ["list"],
        examples: ["fault drop", "fault stall 20", "fault checksum", "fault nonce 2"],
        complete: { previous, environment in
            let kinds = environment.data.faultKinds.isEmpty ? defaultFaultKinds : environment.data.faultKinds
            if previous.isEmpty { return ["list"] + kinds }
            if previous.count == 1, previous[0] == "checksum" { return environment.data.symbols }
            return []
        }
    ) { context in
        var reader = context.reader()
        let words = reader.remaining()
        guard let kind = words.first else { throw context.command.usageError("missing KIND (try `fault list`)") }
        for word in words { _ = try name(word, what: "fault argument", command: context.command) }
        let status = try await context.call { try await context.backend.status() }
        guard status.isSimulator else {
            throw ConsoleError.failed("fault injection needs the embedded simulator (endpoint: simulator); this runtime uses \(status.endpoint)")
        }
        if kind == "list" {
            let data = await context.backend.completionData()
            let kinds = data.faultKinds.isEmpty ? defaultFaultKinds : data.faultKinds
            return ConsoleOutput(
                json: .array(kinds.map { .string($0) }),
                human: .table(columns: ["kind"], rows: kinds.map { [.string($0)] })
            )
        }
        let result = try await context.call { try await context.backend.injectFault(words) }
        return .message(result)
    }

    static let gateway = ConsoleCommand(
        name: "gateway",
        category: "Runtime",
        usage: ["gateway clients", "gateway kick ID", "gateway log [--limit N]"],
        summary: "Local clients of the gateway (frames out, drops, queue, lag), close one, or its signed-call audit log.",
        details: """
            Needs a `gateway:` section (bfxrun gateway / docs/gateway.md). `gateway clients` lists every \
            local WebSocket client; `gateway kick ID` closes one with code 1000 (the program may reconnect); \
            `gateway log` lists the newest signed REST calls (local key, path, upstream nonce, status, outcome, latency; no secrets).
            """,
        subcommands: ["clients", "kick", "log"],
        examples: ["gateway clients", "gateway kick 3", "gateway log --limit 20"]
    ) { context in
        var reader = context.reader()
        let action = try reader.required("clients|kick")
        switch action {
        case "clients":
            try reader.finish()
            return .records(try await context.call { try await context.backend.gatewayClients() })
        case "kick":
            let text = try reader.required("ID")
            try reader.finish()
            let id = try ArgumentReader.integer(text, name: "ID", in: 1...Int(Int32.max), command: context.command)
            try await context.call { try await context.backend.kickGatewayClient(id: id) }
            return .message("gateway client \(id) closed")
        case "log":
            let limit = try reader.intOption("--limit", in: 1...2_000) ?? 50
            try reader.finish()
            return .records(try await context.call { try await context.backend.gatewayLog(limit: limit) })
        default:
            throw context.command.usageError("unknown action '\(action)'; use clients, kick or log")
        }
    }
}
