/// Reads positional arguments and `--option VALUE` pairs for one command, with usage errors.
public struct ArgumentReader: Sendable {
    private var words: [String]
    private let command: ConsoleCommand

    /// Creates a reader over `arguments`.
    public init(_ arguments: [String], command: ConsoleCommand) {
        self.words = arguments
        self.command = command
    }

    /// Removes and returns the value of an option (`--name VALUE` or `--name=VALUE`).
    public mutating func option(_ names: String...) throws(ConsoleError) -> String? {
        var index = 0
        var found: String?
        while index < words.count {
            let word = words[index]
            if names.contains(word) {
                guard index + 1 < words.count else { throw command.usageError("option \(word) needs a value") }
                found = words[index + 1]
                words.removeSubrange(index...(index + 1))
                continue
            }
            if let name = names.first(where: { word.hasPrefix($0 + "=") }) {
                found = String(word.dropFirst(name.count + 1))
                words.remove(at: index)
                continue
            }
            index += 1
        }
        return found
    }

    /// Removes a boolean flag; returns whether it was present.
    public mutating func flag(_ names: String...) -> Bool {
        let before = words.count
        words.removeAll { names.contains($0) }
        return words.count != before
    }

    /// Parses an integer option within `range`.
    public mutating func intOption(_ name: String, in range: ClosedRange<Int>) throws(ConsoleError) -> Int? {
        guard let text = try option(name) else { return nil }
        return try Self.integer(text, name: name, in: range, command: command)
    }

    /// Removes and returns the next positional argument, or throws a usage error naming it.
    public mutating func required(_ placeholder: String) throws(ConsoleError) -> String {
        try rejectOption(words.first)
        guard let first = words.first else { throw command.usageError("missing \(placeholder)") }
        words.removeFirst()
        return first
    }

    /// Removes and returns the next positional argument if any.
    public mutating func optional() throws(ConsoleError) -> String? {
        try rejectOption(words.first)
        guard let first = words.first else { return nil }
        words.removeFirst()
        return first
    }

    /// Parses the next positional argument as an integer within `range`, if present.
    public mutating func optionalInt(_ placeholder: String, in range: ClosedRange<Int>) throws(ConsoleError) -> Int? {
        guard let text = try optional() else { return nil }
        return try Self.integer(text, name: placeholder, in: range, command: command)
    }

    /// Everything not consumed yet.
    public mutating func remaining() -> [String] {
        defer { words = [] }
        return words
    }

    /// Throws if arguments are left over.
    public func finish() throws(ConsoleError) {
        try rejectUnknownOptions()
        guard words.isEmpty else {
            throw command.usageError("unexpected argument '\(TerminalText.sanitized(String(words[0].prefix(64))))'")
        }
    }

    private func rejectUnknownOptions() throws(ConsoleError) {
        try rejectOption(words.first(where: { $0.hasPrefix("--") && $0.count > 2 }))
    }

    private func rejectOption(_ word: String?) throws(ConsoleError) {
        if let unknown = word, unknown.hasPrefix("--"), unknown.count > 2 {
            let allowed = command.optionNames.isEmpty ? "none" : command.optionNames.joined(separator: ", ")
            throw command.usageError("unknown option \(TerminalText.sanitized(String(unknown.prefix(64)))) (allowed: \(allowed))")
        }
    }

    /// Parses an integer in `range` or throws a usage error.
    public static func integer(_ text: String, name: String, in range: ClosedRange<Int>, command: ConsoleCommand) throws(ConsoleError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw command.usageError("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(TerminalText.sanitized(String(text.prefix(32))))'")
        }
        return value
    }
}
