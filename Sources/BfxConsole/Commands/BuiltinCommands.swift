import BfxProtocol

/// The standard console commands, grouped by area in the `BuiltinCommands+*.swift` files.
public enum BuiltinCommands {
    /// Every standard command in help order.
    public static var all: [ConsoleCommand] {
        runtime + market + account + calls + session
    }

    // MARK: - Shared vocabularies (completion and validation)

    /// Channel kinds accepted by `subscribe`.
    static let channelKinds = ["ticker", "trades", "book", "rawbook", "candles", "status"]
    /// Book precisions.
    static let precisions = ["P0", "P1", "P2", "P3", "P4", "R0"]
    /// Book frequencies.
    static let frequencies = ["F0", "F1"]
    /// Book lengths.
    static let bookLengths = ["1", "25", "100", "250"]
    /// Candle timeframes.
    static let timeframes = ["1m", "5m", "15m", "30m", "1h", "3h", "6h", "12h", "1D", "7D", "14D", "1M"]
    /// Order types (protocol reference §7.1).
    static let orderTypes = [
        "LIMIT", "MARKET", "STOP", "STOP LIMIT", "TRAILING STOP", "EXCHANGE MARKET", "EXCHANGE LIMIT",
        "EXCHANGE STOP", "EXCHANGE STOP LIMIT", "EXCHANGE TRAILING STOP", "FOK", "EXCHANGE FOK", "IOC", "EXCHANGE IOC",
    ]
    /// Log levels (swift-log).
    static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    /// Fault kinds offered when the runtime does not list its own.
    static let defaultFaultKinds = [
        "drop", "stall", "restart", "maintenance", "checksum", "sequence_gap", "malformed", "slow_consumer", "nonce",
        "rate_limit", "rest_error", "latency", "clear",
    ]
    /// REST paths offered by `call` completion (protocol reference §8.2 plus public endpoints).
    static let restPaths = [
        "platform/status", "tickers", "ticker/", "trades/", "book/", "candles/", "conf/", "status/deriv", "liquidations/hist",
        "auth/r/wallets", "auth/r/orders", "auth/r/orders/hist", "auth/r/positions", "auth/r/trades/hist",
        "auth/r/ledgers/hist", "auth/r/info/margin/base", "auth/r/info/user", "auth/r/permissions",
        "auth/w/order/submit", "auth/w/order/update", "auth/w/order/cancel", "auth/w/order/cancel/multi",
        "auth/w/order/multi", "auth/calc/order/avail",
    ]

    // MARK: - Validation helpers

    /// Validates a Bitfinex symbol (`tBTCUSD`, `fUSD`, `tTESTBTC:TESTUSD`).
    static func symbol(_ text: String, command: ConsoleCommand) throws(ConsoleError) -> String {
        let scalars = Array(text.unicodeScalars)
        let validBody = scalars.dropFirst().allSatisfy { ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || $0 == ":" }
        guard scalars.count >= 2, scalars.count <= 40, scalars[0] == "t" || scalars[0] == "f", validBody else {
            throw command.usageError("invalid symbol '\(TerminalText.sanitized(String(text.prefix(40))))' (expected tPAIR or fCCY, e.g. tBTCUSD, fUSD)")
        }
        return text
    }

    /// Validates a decimal amount or price (`0.5`, `-1.25`, `30000`), returned as typed.
    static func decimal(_ text: String, name: String, allowNegative: Bool, command: ConsoleCommand) throws(ConsoleError) -> String {
        var body = Substring(text)
        if allowNegative, body.hasPrefix("-") { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        let valid = text.count <= 40 && (1...2).contains(parts.count)
            && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard valid else {
            let sign = allowNegative ? " (negative to sell)" : ""
            throw command.usageError("\(name) must be a decimal number\(sign), got '\(TerminalText.sanitized(String(text.prefix(40))))'")
        }
        guard body.contains(where: { $0 != "0" && $0 != "." }) else {
            throw command.usageError("\(name) must not be zero")
        }
        return text
    }

    /// Validates a positive integer id.
    static func identifier(_ text: String, name: String, command: ConsoleCommand) throws(ConsoleError) -> Int64 {
        guard let value = Int64(text), value > 0 else {
            throw command.usageError("\(name) must be a positive integer, got '\(TerminalText.sanitized(String(text.prefix(32))))'")
        }
        return value
    }

    /// Validates a plain name (connection, key, priority, channel id): printable, no spaces.
    static func name(_ text: String, what: String, command: ConsoleCommand) throws(ConsoleError) -> String {
        guard !text.isEmpty, text.count <= 128, text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw command.usageError("invalid \(what) '\(TerminalText.sanitized(String(text.prefix(40))))'")
        }
        return text
    }

    /// Parses JSON text or throws a usage error with the parser's position.
    static func json(_ text: String, what: String, command: ConsoleCommand) throws(ConsoleError) -> JSONValue {
        do {
            return try JSONValue.parseConsole(text)
        } catch {
            throw command.usageError("\(what): \(error.consoleMessage) (quote JSON with single quotes: '{\"a\":1}')")
        }
    }

    // MARK: - Completion helpers

    /// Completion for an option's value, if `previous.last` is an option with known values.
    static func optionValues(_ previous: [String], _ values: [String: [String]]) -> [String]? {
        guard let last = previous.last, last.hasPrefix("-") else { return nil }
        return values[last]
    }

    /// Positional words typed so far (options and their values removed).
    static func positionals(_ previous: [String], valueOptions: Set<String>) -> [String] {
        var result: [String] = []
        var skipNext = false
        for word in previous {
            if skipNext { skipNext = false; continue }
            if valueOptions.contains(word) { skipNext = true; continue }
            if word.hasPrefix("-") && word.count > 1 && Double(word) == nil { continue }
            result.append(word)
        }
        return result
    }
}
