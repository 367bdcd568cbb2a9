import BfxProtocol

extension BuiltinCommands {
    static var market: [ConsoleCommand] {
        [ticker, trades, book, candles]
    }

    private static let symbolCompletion: @Sendable ([String], CompletionEnvironment) -> [String] = { previous, environment in
        previous.isEmpty ? environment.data.symbols : []
    }

    static let ticker = ConsoleCommand(
        name: "ticker",
        category: "Market data",
        usage: ["ticker SYMBOL"],
        summary: "Latest ticker of a subscribed symbol: bid/ask with sizes, last, daily change, volume, high, low.",
        examples: ["ticker tBTCUSD", "watch -n 1 ticker tBTCUSD"],
        complete: symbolCompletion
    ) { context in
        var reader = context.reader()
        let sym = try symbol(try reader.required("SYMBOL"), command: context.command)
        try reader.finish()
        return .record(try await context.call { try await context.backend.ticker(symbol: sym) })
    }

    static let trades = ConsoleCommand(
        name: "trades",
        category: "Market data",
        usage: ["trades SYMBOL [LIMIT]"],
        summary: "Recent public trades of a subscribed symbol, newest first (LIMIT 1..1000, default 20).",
        complete: symbolCompletion
    ) { context in
        var reader = context.reader()
        let sym = try symbol(try reader.required("SYMBOL"), command: context.command)
        let limit = try reader.optionalInt("LIMIT", in: 1...1000) ?? 20
        try reader.finish()
        return .records(try await context.call { try await context.backend.trades(symbol: sym, limit: limit) })
    }

    static let book = ConsoleCommand(
        name: "book",
        category: "Market data",
        usage: ["book SYMBOL [DEPTH]"],
        summary: "Top of the local order book (DEPTH 1..250 levels per side, default 10) and checksum state.",
        details: "Bids and asks are shown side by side, best first. Amounts are positive on both sides (the side is the column, or the bids/asks list in JSON), as in the run summary and `run --once --json`. The book is the runtime's verified copy, rebuilt from a fresh snapshot after any checksum mismatch or sequence gap.",
        examples: ["book tBTCUSD", "book tETHUSD 25 --json"],
        complete: symbolCompletion
    ) { context in
        var reader = context.reader()
        let sym = try symbol(try reader.required("SYMBOL"), command: context.command)
        let depth = try reader.optionalInt("DEPTH", in: 1...250) ?? 10
        try reader.finish()
        let view = try await context.call { try await context.backend.book(symbol: sym, depth: depth) }
        let rowCount = min(depth, max(view.bids.count, view.asks.count))
        var rows: [[JSONValue]] = []
        for index in 0..<rowCount {
            let bid = index < view.bids.count ? view.bids[index] : nil
            let ask = index < view.asks.count ? view.asks[index] : nil
            rows.append([
                bid.map { .int($0.count) } ?? .null,
                bid.map { .decimal($0.amount) } ?? .null,
                bid.map { .decimal($0.price) } ?? .null,
                ask.map { .decimal($0.price) } ?? .null,
                ask.map { .decimal($0.amount) } ?? .null,
                ask.map { .int($0.count) } ?? .null,
            ])
        }
        let checksum = view.checksumOK.map { $0 ? "ok" : "MISMATCH, book being rebuilt" } ?? "pending"
        let title = "\(view.symbol) \(view.precision)  checksum: \(checksum) (\(view.checksumMismatches) mismatches)"
        return ConsoleOutput(
            json: view.consoleValue,
            human: .sections([HumanSection(title, .table(columns: ["count", "bid_amount", "bid", "ask", "ask_amount", "count"], rows: rows))])
        )
    }

    static let candles = ConsoleCommand(
        name: "candles",
        category: "Market data",
        usage: ["candles KEY [LIMIT]", "candles SYMBOL TIMEFRAME [LIMIT]"],
        summary: "Recent candles of a subscribed candles channel, newest first (LIMIT default 20).",
        details: "KEY is the channel key, e.g. trade:1m:tBTCUSD; `candles tBTCUSD 1m` is the same. Timeframes: 1m 5m 15m 30m 1h 3h 6h 12h 1D 7D 14D 1M.",
        examples: ["candles trade:1m:tBTCUSD 5", "candles tBTCUSD 1m"],
        complete: { previous, environment in
            switch previous.count {
            case 0: return environment.data.symbols + environment.data.symbols.map { "trade:1m:\($0)" }
            case 1 where !previous[0].hasPrefix("trade:"): return timeframes
            default: return []
            }
        }
    ) { context in
        var reader = context.reader()
        let command = context.command
        let first = try reader.required("KEY")
        let key: String
        if first.hasPrefix("trade:") {
            key = try name(first, what: "candle key", command: command)
        } else {
            let sym = try symbol(first, command: command)
            let frame = try reader.required("TIMEFRAME")
            guard timeframes.contains(frame) else {
                throw command.usageError("unknown timeframe '\(TerminalText.sanitized(String(frame.prefix(16))))' (one of \(timeframes.joined(separator: " ")))")
            }
            key = "trade:\(frame):\(sym)"
        }
        let limit = try reader.optionalInt("LIMIT", in: 1...10_000) ?? 20
        try reader.finish()
        return .records(try await context.call { try await context.backend.candles(key: key, limit: limit) })
    }
}
