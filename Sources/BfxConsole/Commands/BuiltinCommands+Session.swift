import BfxProtocol
import Foundation

extension BuiltinCommands {
    static var session: [ConsoleCommand] {
        [config, dump, log, watch, format, help, quit]
    }

    static let config = ConsoleCommand(
        name: "config",
        category: "Session and diagnostics",
        usage: ["config [KEY.PATH]"],
        summary: "Shows the effective configuration (secrets masked), or one key of it.",
        examples: ["config", "config nonce.queue"],
        complete: { previous, environment in previous.isEmpty ? environment.data.configKeys : [] }
    ) { context in
        var reader = context.reader()
        let path = try reader.optional()
        try reader.finish()
        let bundle = try await context.call { try await context.backend.diagnostics() }
        let redactor = DiagnosticsRedactor(secrets: await context.backend.knownSecrets())
        var value = redactor.redact(bundle["config"] ?? .null)
        if let path {
            for component in path.split(separator: ".") {
                guard let next = value[String(component)] else {
                    throw ConsoleError.failed("no config key \(TerminalText.sanitized(String(path.prefix(80)))) (Tab completes keys)")
                }
                value = next
            }
        }
        return .value(value)
    }

    static let dump = ConsoleCommand(
        name: "dump",
        category: "Session and diagnostics",
        usage: ["dump [FILE]"],
        summary: "Writes a diagnostics bundle (JSON) to FILE or stdout: masked config, state, metrics, recent events, nonce history, version.",
        details: "Secrets are masked twice: by the runtime, then by the console (secret-looking keys and every known key/secret value). The file is created with mode 0600.",
        examples: ["dump", "dump /tmp/bfx-diag.json"]
    ) { context in
        var reader = context.reader()
        let file = try reader.optional()
        try reader.finish()
        let bundle = try await context.call { try await context.backend.diagnostics() }
        let secrets = await context.backend.knownSecrets()
        let configuration = context.session.configuration
        var fields: [JSONObject.Member] = [
            JSONObject.Member("bfxkit_version", .string(configuration.version)),
            JSONObject.Member("generated_at_ms", .int(configuration.now())),
        ]
        if case .object(let parts) = bundle {
            fields += parts
        } else {
            fields.append(JSONObject.Member("runtime", bundle))
        }
        let redacted = DiagnosticsRedactor(secrets: secrets).redact(.fields(fields))
        guard let file else {
            return ConsoleOutput(json: redacted, human: .text(redacted.prettyText))
        }
        let text = redacted.prettyText + "\n"
        do {
            let url = URL(fileURLWithPath: file)
            guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ConsoleError.failed("cannot write \(TerminalText.sanitized(file))")
            }
        }
        return ConsoleOutput(
            json: .fields([JSONObject.Member("file", .string(file)), JSONObject.Member("bytes", .int(text.utf8.count))]),
            human: .text("wrote diagnostics bundle to \(TerminalText.sanitized(file)) (\(text.utf8.count) bytes)")
        )
    }

    static let log = ConsoleCommand(
        name: "log",
        category: "Session and diagnostics",
        usage: ["log level [LEVEL]"],
        summary: "Shows or sets the runtime log level (trace, debug, info, notice, warning, error, critical).",
        subcommands: ["level"],
        complete: { previous, _ in
            if previous.isEmpty { return ["level"] }
            return previous.count == 1 ? logLevels : []
        }
    ) { context in
        var reader = context.reader()
        guard try reader.required("level") == "level" else { throw context.command.usageError("the only subcommand is `level`") }
        let level = try reader.optional()
        try reader.finish()
        guard let level else {
            let status = try await context.call { try await context.backend.status() }
            return ConsoleOutput(json: .fields([JSONObject.Member("log_level", .string(status.logLevel))]), human: .text(status.logLevel))
        }
        let lower = level.lowercased()
        guard logLevels.contains(lower) else {
            throw context.command.usageError("unknown level '\(TerminalText.sanitized(String(level.prefix(20))))' (one of \(logLevels.joined(separator: ", ")))")
        }
        try await context.call { try await context.backend.setLogLevel(lower) }
        return .message("log level set to \(lower)")
    }

    static let watch = ConsoleCommand(
        name: "watch",
        category: "Session and diagnostics",
        usage: ["watch [-n SECONDS] [-c COUNT] COMMAND [ARGS...]"],
        summary: "Re-runs a command every SECONDS (default 2) until Ctrl-C, or COUNT times.",
        details: "In table format on a terminal the screen is redrawn; otherwise each result is appended (with --ndjson this is a stream of JSON lines). A failing iteration stops the watch with its error. In scripts give -c, or the watch runs until interrupted.",
        options: ["-n SECONDS", "-c COUNT"],
        examples: ["watch connections", "watch -n 0.5 -c 10 book tBTCUSD 5 --ndjson"],
        complete: { previous, environment in
            if let last = previous.last, last == "-n" || last == "-c" { return [] }
            return environment.commandNames.filter { $0 != "watch" }
        }
    ) { context in
        let command = context.command
        var words = context.arguments
        var interval = 2.0
        var count: Int?
        var guardCount = 0
        while let first = words.first, first == "-n" || first == "-c", guardCount < 8 {
            guardCount += 1
            guard words.count >= 2 else { throw command.usageError("option \(first) needs a value") }
            if first == "-n" {
                guard let seconds = Double(words[1]), seconds >= 0.05, seconds <= 86_400 else {
                    throw command.usageError("-n must be a number of seconds in 0.05...86400")
                }
                interval = seconds
            } else {
                count = try ArgumentReader.integer(words[1], name: "-c", in: 1...1_000_000, command: command)
            }
            words.removeFirst(2)
        }
        guard let inner = words.first else { throw command.usageError("missing COMMAND") }
        guard inner != "watch", inner != "quit", context.session.registry.command(named: inner)?.name != "quit" else {
            throw command.usageError("cannot watch `\(inner)`")
        }
        guard context.session.registry.command(named: inner) != nil else {
            throw ConsoleError.unknownCommand(inner, suggestion: context.session.registry.suggestion(for: inner))
        }
        let configuration = context.session.configuration
        let iterations = count ?? configuration.maxWatchIterations
        // Keep the format chosen for the watch itself (e.g. `watch --ndjson book …`).
        let formatFlag = "--\(context.format.rawValue)"
        let redraw = configuration.outputIsTerminal && context.format == .table
        let sink = context.session.sink
        for iteration in 1...iterations {
            try Task.checkCancellation()
            let (output, format) = try await context.session.run(words: words + [formatFlag])
            try Task.checkCancellation()
            var text = ""
            if context.format == .table {
                if redraw { text += "\u{1B}[H\u{1B}[2J" }
                let progress = count.map { " (\(iteration)/\($0))" } ?? ""
                text += "Every \(formatSeconds(interval)): \(words.joined(separator: " "))\(progress)\n\n"
            }
            text += OutputRenderer.render(output, format: format)
            sink.write(text)
            if iteration < iterations {
                try await configuration.sleep(.milliseconds(Int64(interval * 1000)))
            }
        }
        return .empty
    }

    private static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }

    static let format = ConsoleCommand(
        name: "format",
        category: "Session and diagnostics",
        usage: ["format [table|plain|json|ndjson]"],
        summary: "Shows or sets the default output format of this session.",
        details: "table: aligned columns (default on a terminal); plain: tab-separated with a header line (default when stdout is not a terminal); json: one JSON document per command; ndjson: one compact JSON object per row. Any command also accepts --table, --plain, --json, --ndjson for one run.",
        complete: { previous, _ in previous.isEmpty ? OutputFormat.allCases.map(\.rawValue) : [] }
    ) { context in
        var reader = context.reader()
        let requested = try reader.optional()
        try reader.finish()
        guard let requested else {
            let current = await context.session.format
            return ConsoleOutput(json: .fields([JSONObject.Member("format", .string(current.rawValue))]), human: .text(current.rawValue))
        }
        guard let chosen = OutputFormat(rawValue: requested.lowercased()) else {
            throw context.command.usageError("unknown format '\(TerminalText.sanitized(String(requested.prefix(20))))' (table, plain, json, ndjson)")
        }
        await context.session.setFormat(chosen)
        return .empty
    }

    static let help = ConsoleCommand(
        name: "help",
        aliases: ["?"],
        category: "Session and diagnostics",
        usage: ["help [COMMAND]"],
        summary: "Lists commands, or shows one command's usage, options and examples.",
        complete: { previous, environment in previous.isEmpty ? environment.commandNames : [] }
    ) { context in
        var reader = context.reader()
        let topic = try reader.optional()
        try reader.finish()
        let registry = context.session.registry
        guard let topic else {
            let json = JSONValue.array(registry.commands.map { command in
                .fields([
                    JSONObject.Member("name", .string(command.name)),
                    JSONObject.Member("category", .string(command.category)),
                    JSONObject.Member("usage", .array(command.usage.map { .string($0) })),
                    JSONObject.Member("summary", .string(command.summary)),
                ])
            })
            return ConsoleOutput(json: json, human: .text(registry.overview()))
        }
        guard let command = registry.command(named: topic) else {
            throw ConsoleError.unknownCommand(topic, suggestion: registry.suggestion(for: topic))
        }
        let json = JSONValue.fields([
            JSONObject.Member("name", .string(command.name)),
            JSONObject.Member("aliases", .array(command.aliases.map { .string($0) })),
            JSONObject.Member("category", .string(command.category)),
            JSONObject.Member("usage", .array(command.usage.map { .string($0) })),
            JSONObject.Member("summary", .string(command.summary)),
            JSONObject.Member("details", .string(command.details)),
            JSONObject.Member("options", .array(command.options.map { .string($0) })),
            JSONObject.Member("examples", .array(command.examples.map { .string($0) })),
        ])
        return ConsoleOutput(json: json, human: .text(registry.help(for: command)))
    }

    static let quit = ConsoleCommand(
        name: "quit",
        aliases: ["exit"],
        category: "Session and diagnostics",
        usage: ["quit"],
        summary: "Leaves the console; the runtime shuts down gracefully (same as Ctrl-D)."
    ) { context in
        try context.reader().finish()
        await context.session.requestQuit()
        return .empty
    }
}
