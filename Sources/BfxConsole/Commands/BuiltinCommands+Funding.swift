extension BuiltinCommands {
    /// Funding offer types (`fon` TYPE).
    static let fundingOfferTypes = ["LIMIT", "FRRDELTAVAR", "FRRDELTAFIX"]

    static let funding = ConsoleCommand(
        name: "funding",
        category: "Account",
        usage: [
            "funding offer new SYMBOL AMOUNT RATE PERIOD [--type TYPE] [--flags N]",
            "funding offer cancel ID",
        ],
        summary: "Creates or cancels funding offers (WebSocket fon/foc when the key's stream is ready, else signed REST).",
        details: """
            SYMBOL is a funding symbol (fUSD, fBTC). AMOUNT is positive to offer (lend) and negative to \
            bid (borrow); RATE is the daily rate (0.0002 = 0.02 % a day); PERIOD is 2 to 120 days. TYPE is \
            LIMIT (default), FRRDELTAVAR or FRRDELTAFIX. Against a live endpoint both commands ask for \
            confirmation; pass --yes to skip it (required in scripts, which cannot answer).
            """,
        subcommands: ["offer"],
        options: ["--type TYPE", "--flags N", "--yes"],
        examples: ["funding offer new fUSD 100 0.0002 2", "funding offer cancel 1234567"],
        complete: { previous, environment in
            if let values = optionValues(previous, ["--type": fundingOfferTypes.map { $0.lowercased() }]) { return values }
            let words = positionals(previous, valueOptions: ["--type", "--flags"])
            switch words.count {
            case 0: return ["offer"]
            case 1 where words[0] == "offer": return ["cancel", "new"]
            case 2 where words[1] == "new": return environment.data.symbols.filter { $0.hasPrefix("f") }
            default: return []
            }
        }
    ) { context in
        var reader = context.reader()
        let command = context.command
        guard let area = try reader.optional() else { throw command.usageError("missing subcommand (offer)") }
        guard area == "offer" else {
            throw command.usageError("unknown subcommand '\(TerminalText.sanitized(String(area.prefix(32))))' (offer)")
        }
        guard let sub = try reader.optional() else { throw command.usageError("missing subcommand (offer new, offer cancel)") }
        switch sub {
        case "new":
            let typeText = try reader.option("--type")
            let flags = try reader.intOption("--flags", in: 0...Int(Int32.max)) ?? 0
            let sym = try symbol(try reader.required("SYMBOL"), command: command)
            guard sym.hasPrefix("f") else { throw command.usageError("funding offers need a funding symbol (fUSD, fBTC), got '\(sym)'") }
            let amount = try decimal(try reader.required("AMOUNT"), name: "AMOUNT", allowNegative: true, command: command)
            let rate = try decimal(try reader.required("RATE"), name: "RATE", allowNegative: false, command: command)
            let periodText = try reader.required("PERIOD")
            guard let period = Int(periodText), (2...120).contains(period) else {
                throw command.usageError("PERIOD must be 2 to 120 days, got '\(TerminalText.sanitized(String(periodText.prefix(32))))'")
            }
            try reader.finish()
            let type = typeText?.uppercased() ?? "LIMIT"
            guard fundingOfferTypes.contains(type) else {
                throw command.usageError("unknown offer type '\(TerminalText.sanitized(String((typeText ?? "").prefix(40))))' (one of: \(fundingOfferTypes.joined(separator: ", ")))")
            }
            let request = ConsoleFundingOfferRequest(symbol: sym, amount: amount, rate: rate, period: period, type: type, flags: flags)
            try await context.confirmLiveOrder("funding \(type) \(sym) amount \(amount) at \(rate)/day for \(period) days")
            return .value(try await context.call { try await context.backend.submitFundingOffer(request) })
        case "cancel":
            let id = try identifier(try reader.required("ID"), name: "ID", command: command)
            try reader.finish()
            try await context.confirmLiveOrder("cancel funding offer \(id)")
            return .value(try await context.call { try await context.backend.cancelFundingOffer(id: id) })
        default:
            throw command.usageError("unknown subcommand 'offer \(TerminalText.sanitized(String(sub.prefix(32))))' (offer new, offer cancel)")
        }
    }
}
