import Testing
import BfxConsole

@Suite struct ConsoleCompleterTests {
    let completer = ConsoleCompleter(
        registry: .standard,
        data: ConsoleCompletionData(
            symbols: ["tBTCUSD", "tETHUSD", "fUSD"], channelIDs: ["s1", "s2"], connectionIDs: ["public-1", "auth"],
            nonceKeys: ["main", "backup"], priorities: ["critical", "high", "normal", "low"],
            configKeys: ["endpoint", "nonce.queue", "nonce.store"], faultKinds: ["drop", "stall"]
        )
    )

    @Test func commandNames() {
        #expect(completer.candidates(forLinePrefix: "st") == ["status"])
        #expect(completer.candidates(forLinePrefix: "c") == ["call", "candles", "channels", "config", "connections", "conns"])
        #expect(completer.candidates(forLinePrefix: "").contains("watch"))
        #expect(completer.candidates(forLinePrefix: "xyz").isEmpty)
    }

    @Test func subcommandsAndSymbols() {
        #expect(completer.candidates(forLinePrefix: "order ") == ["cancel", "cancel-all", "cancel-multi", "new", "update"])
        #expect(completer.candidates(forLinePrefix: "order new t") == ["tBTCUSD", "tETHUSD"])
        #expect(completer.candidates(forLinePrefix: "book tE") == ["tETHUSD"])
        #expect(completer.candidates(forLinePrefix: "book tBTCUSD ").isEmpty)
        #expect(completer.candidates(forLinePrefix: "subscribe ") == ["book", "candles", "rawbook", "status", "ticker", "trades"])
        #expect(completer.candidates(forLinePrefix: "subscribe book --prec P") == ["P0", "P1", "P2", "P3", "P4"])
        #expect(completer.candidates(forLinePrefix: "subscribe candles trade:1m:tB") == ["trade:1m:tBTCUSD"])
        #expect(completer.candidates(forLinePrefix: "log level w") == ["warning"])
        #expect(completer.candidates(forLinePrefix: "format n") == ["ndjson"])
    }

    @Test func runtimeNames() {
        #expect(completer.candidates(forLinePrefix: "unsubscribe ") == ["s1", "s2"])
        #expect(completer.candidates(forLinePrefix: "reconnect a") == ["auth"])
        #expect(completer.candidates(forLinePrefix: "nonce ") == ["backup", "main"])
        #expect(completer.candidates(forLinePrefix: "fault ") == ["drop", "list", "stall"])
        #expect(completer.candidates(forLinePrefix: "config nonce.") == ["nonce.queue", "nonce.store"])
        #expect(completer.candidates(forLinePrefix: "ws send {} --conn ") == ["auth", "public-1"])
    }

    @Test func restPathsAndPriorities() {
        #expect(completer.candidates(forLinePrefix: "call ") == ["GET", "POST"])
        #expect(completer.candidates(forLinePrefix: "call POST auth/r/w") == ["auth/r/wallets"])
        #expect(completer.candidates(forLinePrefix: "call POST auth/w/order/c") == ["auth/w/order/cancel", "auth/w/order/cancel/multi"])
        #expect(completer.candidates(forLinePrefix: "call POST auth/r/wallets --priority h") == ["high"])
        #expect(completer.candidates(forLinePrefix: "call POST auth/r/wallets --pr") == ["--priority"])
    }

    @Test func watchCompletesTheInnerCommand() {
        #expect(completer.candidates(forLinePrefix: "watch -n 1 bo") == ["book"])
        #expect(completer.candidates(forLinePrefix: "watch book t") == ["tBTCUSD", "tETHUSD"])
        #expect(completer.candidates(forLinePrefix: "watch -n ").isEmpty)
        #expect(completer.candidates(forLinePrefix: "help wa") == ["wallets", "watch"])
    }

    @Test func globalFlagsAndStatements() {
        #expect(completer.candidates(forLinePrefix: "status --j") == ["--json"])
        #expect(completer.candidates(forLinePrefix: "status; tick") == ["ticker"])
        #expect(completer.candidates(forLinePrefix: "book --json tB") == ["tBTCUSD"])
    }

    @Test func commonPrefix() {
        #expect(ConsoleCompleter.commonPrefix(["auth/w/order/cancel", "auth/w/order/cancel/multi"]) == "auth/w/order/cancel")
        #expect(ConsoleCompleter.commonPrefix([]) == "")
    }
}
