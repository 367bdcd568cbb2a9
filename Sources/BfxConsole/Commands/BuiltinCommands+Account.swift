import BfxProtocol

extension BuiltinCommands {
    static var account: [ConsoleCommand] {
        [wallets, orders, positions, order, funding]
    }

    static let wallets = ConsoleCommand(
        name: "wallets",
        category: "Account",
        usage: ["wallets"],
        summary: "Wallet balances from the authenticated stream (empty without an API key)."
    ) { context in
        try context.reader().finish()
        return .records(try await context.call { try await context.backend.wallets() })
    }

    static let orders = ConsoleCommand(
        name: "orders",
        category: "Account",
        usage: ["orders"],
        summary: "Open orders from the authenticated stream."
    ) { context in
        try context.reader().finish()
        return .records(try await context.call { try await context.backend.orders() })
    }

    static let positions = ConsoleCommand(
        name: "positions",
        category: "Account",
        usage: ["positions"],
        summary: "Open positions from the authenticated stream."
    ) { context in
        try context.reader().finish()
        return .records(try await context.call { try await context.backend.positions() })
    }

    static let order = ConsoleCommand(
        name: "order",
        category: "Account",
        usage: [
            "order new SYMBOL AMOUNT [PRICE] [--type TYPE] [--cid N] [--flags N] [--lev N]",
            "order update ID [--price P] [--amount A] [--delta D]",
            "order cancel ID",
            "order cancel-all",
            "order cancel-multi (--ids ID,… | --cids CID:YYYY-MM-DD,… | --gids GID,… | --all)",
        ],
        summary: "Submits, updates or cancels orders (signed through the nonce queue).",
        details: """
            AMOUNT is positive to buy and negative to sell. Without --type, an order with PRICE is \
            EXCHANGE LIMIT and one without is EXCHANGE MARKET; TYPE may be written exchange-limit. \
            Against a live endpoint every order command asks for confirmation; pass --yes to skip it \
            (required in scripts, which cannot answer). cancel-multi cancels several orders with one \
            oc_multi: by order ids, by client ids with their creation date (UTC), by group ids, or all.
            """,
        subcommands: ["new", "update", "cancel", "cancel-all", "cancel-multi"],
        options: ["--type TYPE", "--cid N", "--flags N", "--lev N", "--price P", "--amount A", "--delta D",
                  "--ids ID,…", "--cids CID:DATE,…", "--gids GID,…", "--all", "--yes"],
        examples: ["order new tBTCUSD 0.01 30000", "order new tBTCUSD -0.5 --type exchange-market --yes", "order cancel 1234567",
                   "order cancel-multi --ids 1234567,1234568"],
        complete: { previous, environment in
            if let values = optionValues(previous, ["--type": orderTypes.map { $0.lowercased().replacingSpaces() }]) { return values }
            if previous.isEmpty { return ["new", "update", "cancel", "cancel-all", "cancel-multi"] }
            let words = positionals(previous, valueOptions: ["--type", "--cid", "--flags", "--lev", "--price", "--amount", "--delta", "--ids", "--cids", "--gids"])
            if words.first == "cancel-multi" { return ["--ids", "--cids", "--gids", "--all"] }
            if words.first == "new", words.count == 1 { return environment.data.symbols }
            return []
        }
    ) { context in
        var reader = context.reader()
        let command = context.command
        guard let sub = try reader.optional() else { throw command.usageError("missing subcommand (new, update, cancel, cancel-all, cancel-multi)") }
        switch sub {
        case "new":
            let typeText = try reader.option("--type")
            let cid = try reader.option("--cid").map { (text: String) throws(ConsoleError) in try identifier(text, name: "--cid", command: command) }
            let flags = try reader.intOption("--flags", in: 0...Int(Int32.max))
            let leverage = try reader.intOption("--lev", in: 1...100)
            let sym = try symbol(try reader.required("SYMBOL"), command: command)
            let amount = try decimal(try reader.required("AMOUNT"), name: "AMOUNT", allowNegative: true, command: command)
            let price = try reader.optional().map { (text: String) throws(ConsoleError) in try decimal(text, name: "PRICE", allowNegative: false, command: command) }
            try reader.finish()
            let type: String
            if let typeText {
                let normalized = typeText.uppercased().replacingDashes()
                guard orderTypes.contains(normalized) else {
                    throw command.usageError("unknown order type '\(TerminalText.sanitized(String(typeText.prefix(40))))' (one of: \(orderTypes.joined(separator: ", ")))")
                }
                type = normalized
            } else {
                type = price == nil ? "EXCHANGE MARKET" : "EXCHANGE LIMIT"
            }
            if type.hasSuffix("MARKET"), price != nil {
                throw command.usageError("a \(type) order takes no PRICE")
            }
            if !type.hasSuffix("MARKET"), price == nil {
                throw command.usageError("a \(type) order needs a PRICE")
            }
            let request = ConsoleOrderRequest(symbol: sym, type: type, amount: amount, price: price, cid: cid, flags: flags, leverage: leverage)
            try await context.confirmLiveOrder("\(type) \(sym) amount \(amount)" + (price.map { " @ \($0)" } ?? ""))
            return .value(try await context.call { try await context.backend.submitOrder(request) })
        case "update":
            let price = try reader.option("--price").map { (text: String) throws(ConsoleError) in try decimal(text, name: "--price", allowNegative: false, command: command) }
            let amount = try reader.option("--amount").map { (text: String) throws(ConsoleError) in try decimal(text, name: "--amount", allowNegative: true, command: command) }
            let delta = try reader.option("--delta").map { (text: String) throws(ConsoleError) in try decimal(text, name: "--delta", allowNegative: true, command: command) }
            let id = try identifier(try reader.required("ID"), name: "ID", command: command)
            try reader.finish()
            guard price != nil || amount != nil || delta != nil else {
                throw command.usageError("order update needs at least one of --price, --amount, --delta")
            }
            try await context.confirmLiveOrder("update order \(id)")
            return .value(try await context.call { try await context.backend.updateOrder(id: id, price: price, amount: amount, delta: delta) })
        case "cancel":
            let id = try identifier(try reader.required("ID"), name: "ID", command: command)
            try reader.finish()
            try await context.confirmLiveOrder("cancel order \(id)")
            return .value(try await context.call { try await context.backend.cancelOrder(id: id) })
        case "cancel-all":
            try reader.finish()
            try await context.confirmLiveOrder("cancel ALL open orders")
            return .value(try await context.call { try await context.backend.cancelAllOrders() })
        case "cancel-multi":
            let selection = try cancelSelection(&reader, command: command)
            try reader.finish()
            try await context.confirmLiveOrder("cancel \(selection.summary)")
            return .value(try await context.call { try await context.backend.cancelOrders(selection.value) })
        default:
            throw command.usageError("unknown subcommand '\(TerminalText.sanitized(String(sub.prefix(32))))' (new, update, cancel, cancel-all, cancel-multi)")
        }
    }
}

extension BuiltinCommands {
    /// Most orders one `order cancel-multi` names (a sanity bound on the command line).
    static let maxCancelMulti = 1000

    /// Reads exactly one of `--ids`, `--cids`, `--gids`, `--all` for `order cancel-multi`.
    static func cancelSelection(_ reader: inout ArgumentReader, command: ConsoleCommand) throws(ConsoleError) -> (value: OrderCancelMulti, summary: String) {
        let ids = try reader.option("--ids")
        let cids = try reader.option("--cids")
        let gids = try reader.option("--gids")
        let all = reader.flag("--all")
        let given = [ids != nil, cids != nil, gids != nil, all].filter { $0 }.count
        guard given == 1 else { throw command.usageError("order cancel-multi needs exactly one of --ids, --cids, --gids, --all") }
        if all { return (.all, "ALL open orders") }
        let (name, text) = ids.map { ("--ids", $0) } ?? gids.map { ("--gids", $0) } ?? ("--cids", cids ?? "")
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !items.isEmpty, items.count <= maxCancelMulti else {
            throw command.usageError("\(name) takes 1 to \(maxCancelMulti) comma-separated values")
        }
        // The confirmation names at most 10 values (a long list would flood the prompt).
        let listed = items.prefix(10).joined(separator: ", ") + (items.count > 10 ? " … (\(items.count) in all)" : "")
        if name == "--cids" {
            var pairs: [(cid: Int64, date: String)] = []
            for item in items {
                let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, isISODate(parts[1]) else {
                    throw command.usageError("--cids values are CID:YYYY-MM-DD, got '\(TerminalText.sanitized(String(item.prefix(40))))'")
                }
                pairs.append((try identifier(parts[0], name: "CID", command: command), parts[1]))
            }
            return (.cids(pairs), "orders with cid \(listed)")
        }
        var values: [Int64] = []
        for item in items { values.append(try identifier(item, name: name, command: command)) }
        return name == "--ids" ? (.ids(values), "orders \(listed)") : (.gids(values), "orders of group \(listed)")
    }

    /// `YYYY-MM-DD` with plausible month and day (the server checks the real calendar).
    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return false }
        return year >= 2000 && (1...12).contains(month) && (1...31).contains(day)
    }
}

extension String {
    func replacingSpaces() -> String {
        String(map { $0 == " " ? "-" : $0 })
    }

    func replacingDashes() -> String {
        String(map { $0 == "-" || $0 == "_" ? " " : $0 })
    }
}
