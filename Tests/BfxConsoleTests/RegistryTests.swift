import Foundation
import Testing
@testable import BfxConsole

@Suite struct RegistryTests {
    let registry = CommandRegistry.standard

    @Test func everyRequiredCommandExistsOnce() {
        let required = [
            "help", "status", "connections", "channels", "subscribe", "unsubscribe", "ticker", "trades", "book", "candles",
            "wallets", "orders", "positions", "order", "call", "ws", "nonce", "queue", "alerts", "reconnect", "fault",
            "watch", "dump", "log", "format", "quit", "config", "gateway",
        ]
        for name in required {
            #expect(registry.command(named: name) != nil, "missing \(name)")
        }
        let allNames = registry.commands.flatMap { [$0.name] + $0.aliases }
        #expect(Set(allNames).count == allNames.count, "duplicate names or aliases")
        for command in registry.commands {
            #expect(!command.usage.isEmpty && !command.summary.isEmpty, "\(command.name) lacks help")
            #expect(command.usage.allSatisfy { $0.hasPrefix(command.name) }, "\(command.name) usage must start with its name")
        }
    }

    @Test func helpOverviewListsEveryCommand() async {
        let harness = ConsoleHarness()
        let result = await harness.run("help")
        #expect(result.status == 0)
        for command in registry.commands {
            #expect(result.out.contains(command.usage[0]), "help lacks \(command.name)")
        }
    }

    @Test func helpForOneCommandShowsUsageOptionsExamples() async throws {
        let harness = ConsoleHarness()
        let result = await harness.run("help call")
        #expect(result.out.hasPrefix("usage: call METHOD PATH [JSON] [--priority CLASS]"))
        #expect(result.out.contains("--priority CLASS"))
        #expect(result.out.contains("examples:"))
        let json = try await harness.json("help book")
        #expect(json["usage"] == .array([.string("book SYMBOL [DEPTH]")]))
        let alias = await harness.run("help exit")
        #expect(alias.out.hasPrefix("usage: quit"))
    }

    @Test func unknownCommandsSuggestTheClosest() async {
        let harness = ConsoleHarness()
        let result = await harness.run("stauts")
        #expect(result.status == 2)
        #expect(result.err.contains("did you mean 'status'"))
        let help = await harness.run("help bok")
        #expect(help.status == 2)
        #expect(help.err.contains("'book'"))
        #expect(registry.suggestion(for: "zzzzzzzz") == nil)
    }

    /// docs/console.md embeds the generated reference between markers; this keeps them equal.
    /// Set BFX_WRITE_CONSOLE_DOCS=1 to regenerate the section.
    @Test func docsReferenceMatchesRegistry() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/console.md")
        let begin = "<!-- BEGIN GENERATED COMMAND REFERENCE -->\n"
        let end = "<!-- END GENERATED COMMAND REFERENCE -->"
        let text = try String(contentsOf: docs, encoding: .utf8)
        guard let start = text.range(of: begin), let stop = text.range(of: end) else {
            Issue.record("docs/console.md lacks the generated reference markers")
            return
        }
        let generated = registry.markdownReference()
        if ProcessInfo.processInfo.environment["BFX_WRITE_CONSOLE_DOCS"] == "1" {
            let updated = String(text[..<start.upperBound]) + generated + String(text[stop.lowerBound...])
            try updated.write(to: docs, atomically: true, encoding: .utf8)
            return
        }
        #expect(String(text[start.upperBound..<stop.lowerBound]) == generated, "docs/console.md is stale: run the tests with BFX_WRITE_CONSOLE_DOCS=1")
    }
}
