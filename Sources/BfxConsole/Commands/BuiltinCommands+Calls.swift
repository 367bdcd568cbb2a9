import BfxProtocol

extension BuiltinCommands {
    static var calls: [ConsoleCommand] {
        [call, ws, nonce, queue]
    }

    static let call = ConsoleCommand(
        name: "call",
        category: "Requests and nonces",
        usage: ["call METHOD PATH [JSON] [--priority CLASS]"],
        summary: "Calls any REST v2 endpoint; auth/... paths are signed through the key's nonce queue.",
        details: """
            METHOD is GET or POST; PATH is relative to /v2 (e.g. auth/r/wallets, platform/status). \
            JSON is the request body (POST only); a word starting with { or [ needs no quotes. \
            --priority picks the dispatch-queue class declared in the config (default: the \
            config's mapping for the endpoint). Writes (auth/w/...) against a live endpoint ask \
            for confirmation unless --yes.
            """,
        options: ["--priority CLASS"],
        examples: ["call GET platform/status", "call POST auth/r/wallets", "call POST auth/r/orders {\"id\":[1,2]} --priority high"],
        complete: { previous, environment in
            if let values = optionValues(previous, ["--priority": environment.data.priorities]) { return values }
            let words = positionals(previous, valueOptions: ["--priority"])
            switch words.count {
            case 0: return ["GET", "POST"]
            case 1: return restPaths
            default: return []
            }
        }
    ) { context in
        var reader = context.reader()
        let command = context.command
        let priority = try reader.option("--priority").map { (text: String) throws(ConsoleError) in try name(text, what: "priority class", command: command) }
        let method = try reader.required("METHOD").uppercased()
        guard method == "GET" || method == "POST" else { throw command.usageError("METHOD must be GET or POST") }
        var path = try reader.required("PATH")
        if path.hasPrefix("/") { path.removeFirst() }
        if path.hasPrefix("v2/") { path.removeFirst(3) }
        let pathOK = !path.isEmpty && path.count <= 512 && !path.contains("..")
            && path.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "/_:.-?=&,%".unicodeScalars.contains($0)) }
        guard pathOK else { throw command.usageError("invalid PATH '\(TerminalText.sanitized(String(path.prefix(64))))'") }
        let bodyText = try reader.optional()
        try reader.finish()
        if let bodyText {
            guard method == "POST" else { throw command.usageError("a GET request takes no JSON body") }
            _ = try json(bodyText, what: "JSON body", command: command)
        }
        if path.hasPrefix("auth/w/") {
            try await context.confirmLiveOrder("\(method) \(path)")
        }
        let response = try await context.call {
            try await context.backend.restCall(method: method, path: path, body: bodyText, priority: priority)
        }
        if let parsed = try? JSONValue.parseConsole(response) {
            return .value(parsed)
        }
        return ConsoleOutput(json: .fields([JSONObject.Member("raw", .string(response))]), human: .text(TerminalText.sanitized(response)))
    }

    static let ws = ConsoleCommand(
        name: "ws",
        category: "Requests and nonces",
        usage: ["ws send JSON [--conn NAME]"],
        summary: "Sends a raw JSON frame on a connection (the first authenticated one by default).",
        details: "For protocol experiments: the frame is validated as JSON but otherwise sent as typed. Against a live endpoint it asks for confirmation unless --yes.",
        subcommands: ["send"],
        options: ["--conn NAME"],
        examples: ["ws send {\"event\":\"ping\",\"cid\":42}", "ws send '[0,\"calc\",null,[[\"balance\"]]]' --conn auth"],
        complete: { previous, environment in
            if let values = optionValues(previous, ["--conn": environment.data.connectionIDs]) { return values }
            return previous.isEmpty ? ["send"] : []
        }
    ) { context in
        var reader = context.reader()
        let command = context.command
        let connection = try reader.option("--conn").map { (text: String) throws(ConsoleError) in try name(text, what: "connection", command: command) }
        guard try reader.required("send") == "send" else { throw command.usageError("the only subcommand is `send`") }
        let frame = try reader.required("JSON")
        try reader.finish()
        _ = try json(frame, what: "frame", command: command)
        try await context.confirmLiveOrder("raw frame \(String(frame.prefix(60)))")
        try await context.call { try await context.backend.sendRaw(frame, connection: connection) }
        return .message("sent \(frame.utf8.count) bytes" + (connection.map { " on \($0)" } ?? ""))
    }

    static let nonce = ConsoleCommand(
        name: "nonce",
        aliases: ["nonces"],
        category: "Requests and nonces",
        usage: ["nonce [KEY] [--limit N]"],
        summary: "Nonce stats per API key (store, last nonce, issued, errors, queue) and recent issues.",
        details: "Without KEY: one row per key plus the latest issues of all keys. With KEY: that key's stats and its last N issues (default 20).",
        options: ["--limit N"],
        complete: { previous, environment in previous.isEmpty ? environment.data.nonceKeys : [] }
    ) { context in
        var reader = context.reader()
        let limit = try reader.intOption("--limit", in: 1...10_000)
        let key = try reader.optional().map { (text: String) throws(ConsoleError) in try name(text, what: "key", command: context.command) }
        try reader.finish()
        let stats = try await context.call { try await context.backend.nonceStats() }
        let recent = try await context.call { try await context.backend.recentNonces(key: key, limit: limit ?? (key == nil ? 10 : 20)) }
        if let key {
            guard let keyStats = stats.first(where: { $0.key == key }) else {
                throw ConsoleError.failed("no API key named \(key) (keys: \(stats.map(\.key).joined(separator: ", ")))")
            }
            return ConsoleOutput(
                json: .fields([JSONObject.Member("key", keyStats.consoleValue), JSONObject.Member("recent", .array(recent.map(\.consoleValue)))]),
                human: .sections([
                    HumanSection("key \(key)", .keyValue(keyStats.consoleFields)),
                    HumanSection("recent issues (newest first)", .table(columns: ConsoleNonceIssue.columns, rows: recent.map { $0.consoleFields.map(\.value) })),
                ])
            )
        }
        return ConsoleOutput(
            json: .fields([JSONObject.Member("keys", .array(stats.map(\.consoleValue))), JSONObject.Member("recent", .array(recent.map(\.consoleValue)))]),
            human: .sections([
                HumanSection("keys", .table(columns: ConsoleNonceStats.columns, rows: stats.map { $0.consoleFields.map(\.value) })),
                HumanSection("recent issues (newest first)", .table(columns: ConsoleNonceIssue.columns, rows: recent.map { $0.consoleFields.map(\.value) })),
            ])
        )
    }

    static let queue = ConsoleCommand(
        name: "queue",
        aliases: ["queues"],
        category: "Requests and nonces",
        usage: ["queue"],
        summary: "Dispatch queues per API key and priority class: depth, limit, oldest wait."
    ) { context in
        try context.reader().finish()
        return .records(try await context.call { try await context.backend.queues() })
    }
}
