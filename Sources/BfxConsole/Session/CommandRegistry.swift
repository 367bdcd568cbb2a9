/// The one list of console commands; help, completion and docs are generated from it.
public struct CommandRegistry: Sendable {
    /// Commands in help order.
    public let commands: [ConsoleCommand]
    private let index: [String: Int]

    /// Creates a registry; later duplicates of a name or alias are ignored.
    public init(_ commands: [ConsoleCommand]) {
        self.commands = commands
        var index: [String: Int] = [:]
        for (position, command) in commands.enumerated() {
            for name in [command.name] + command.aliases where index[name] == nil {
                index[name] = position
            }
        }
        self.index = index
    }

    /// All standard commands.
    public static let standard = CommandRegistry(BuiltinCommands.all)

    /// Looks a command up by name or alias (case-sensitive, like the shell).
    public func command(named name: String) -> ConsoleCommand? {
        index[name].map { commands[$0] }
    }

    /// Command names (no aliases), in help order.
    public var names: [String] {
        commands.map(\.name)
    }

    /// Names and aliases, sorted (for completion).
    package var allNames: [String] {
        index.keys.sorted()
    }

    /// The closest command name within edit distance 2, for "did you mean".
    public func suggestion(for word: String) -> String? {
        guard word.count <= 32 else { return nil }
        let scored = allNames.map { ($0, Self.editDistance(word, $0)) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
    }

    /// `help`: every command grouped by category, one line each.
    public func overview() -> String {
        var out = "Commands (help CMD for details; add --json or --ndjson to any command):\n"
        var categories: [String] = []
        for command in commands where !categories.contains(command.category) {
            categories.append(command.category)
        }
        let width = commands.map { ($0.usage.first ?? $0.name).count }.max() ?? 0
        for category in categories {
            out += "\n\(category):\n"
            for command in commands where command.category == category {
                let usage = command.usage.first ?? command.name
                out += "  " + usage + String(repeating: " ", count: max(1, width - usage.count + 2)) + command.summary + "\n"
            }
        }
        out += "\nKeys: Tab completes, Ctrl-C cancels the running command, Ctrl-D or `quit` exits.\n"
        return out
    }

    /// `help CMD`: usage, summary, details, options, aliases and examples.
    public func help(for command: ConsoleCommand) -> String {
        var out = "usage: " + command.usage.joined(separator: "\n       ") + "\n\n" + command.summary + "\n"
        if !command.details.isEmpty {
            out += "\n" + command.details + "\n"
        }
        if !command.options.isEmpty {
            out += "\noptions:\n" + command.options.map { "  \($0)\n" }.joined()
        }
        if !command.aliases.isEmpty {
            out += "\naliases: " + command.aliases.joined(separator: ", ") + "\n"
        }
        if !command.examples.isEmpty {
            out += "\nexamples:\n" + command.examples.map { "  \($0)\n" }.joined()
        }
        return out
    }

    /// The command reference of docs/console.md, generated (a test keeps the file in sync).
    package func markdownReference() -> String {
        var out = ""
        var categories: [String] = []
        for command in commands where !categories.contains(command.category) {
            categories.append(command.category)
        }
        for category in categories {
            out += "### \(category)\n\n"
            for command in commands where command.category == category {
                out += "#### `\(command.name)`\n\n"
                out += "```\n" + command.usage.joined(separator: "\n") + "\n```\n\n"
                out += command.summary + "\n\n"
                if !command.details.isEmpty { out += command.details + "\n\n" }
                if !command.options.isEmpty {
                    out += "Options: " + command.options.map { "`\($0)`" }.joined(separator: ", ") + "\n\n"
                }
                if !command.aliases.isEmpty {
                    out += "Aliases: " + command.aliases.map { "`\($0)`" }.joined(separator: ", ") + "\n\n"
                }
                if !command.examples.isEmpty {
                    out += "Examples:\n\n```\n" + command.examples.joined(separator: "\n") + "\n```\n\n"
                }
            }
        }
        return out
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
