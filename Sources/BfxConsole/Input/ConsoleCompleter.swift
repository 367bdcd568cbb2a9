/// Pure tab-completion logic: given the text before the cursor, the words that could follow.
///
/// The libedit callback only forwards the line buffer here, so all completion behaviour is
/// unit-tested without a terminal.
package struct ConsoleCompleter: Sendable {
    private let registry: CommandRegistry
    private let data: ConsoleCompletionData
    private let tokenizer: CommandTokenizer

    /// Creates a completer over a registry and the runtime's current names.
    package init(registry: CommandRegistry, data: ConsoleCompletionData, tokenizer: CommandTokenizer = CommandTokenizer()) {
        self.registry = registry
        self.data = data
        self.tokenizer = tokenizer
    }

    /// Candidates for the word being typed at the end of `linePrefix`, sorted and de-duplicated.
    package func candidates(forLinePrefix linePrefix: String) -> [String] {
        let (words, partial) = tokenizer.completionState(linePrefix)
        let options = candidates(words: words, partial: partial)
        var seen = Set<String>()
        return options.filter { $0.hasPrefix(partial) && seen.insert($0).inserted }.sorted()
    }

    /// The longest common prefix of `candidates` (what Tab inserts when ambiguous).
    package static func commonPrefix(_ candidates: [String]) -> String {
        guard var prefix = candidates.first else { return "" }
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(prefix) { prefix.removeLast() }
        }
        return prefix
    }

    private func candidates(words: [String], partial: String) -> [String] {
        let environment = CompletionEnvironment(data: data, commandNames: registry.names)
        let globalFlags = ConsoleSession.globalFlags.keys.filter { $0.hasPrefix("--") }
        guard let name = words.first else {
            return registry.allNames.filter { !$0.hasPrefix("\\") && $0 != "?" }
        }
        guard let command = registry.command(named: name) else { return [] }
        var previous = Array(words.dropFirst())
        previous.removeAll { ConsoleSession.globalFlags[$0] != nil }
        if command.name == "watch" {
            // Skip watch's own options, then complete the inner command.
            var index = 0
            while index < previous.count, previous[index] == "-n" || previous[index] == "-c" {
                index += 2
            }
            if index < previous.count {
                let inner = previous[index...].joined(separator: " ")
                let (innerWords, _) = tokenizer.completionState(inner + " ")
                return candidates(words: innerWords, partial: partial)
            }
            if previous.last == "-n" || previous.last == "-c" { return [] }
        }
        if partial.hasPrefix("-") {
            return command.optionNames + globalFlags
        }
        return command.complete(previous, environment)
    }
}
