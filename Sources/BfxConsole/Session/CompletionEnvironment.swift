/// What a command's completer may look at: the runtime's names plus the registry.
public struct CompletionEnvironment: Sendable {
    /// Names from the runtime (symbols, channel ids, keys, …).
    public var data: ConsoleCompletionData
    /// All command names (for `help CMD` and `watch CMD`).
    public var commandNames: [String]

    /// `data` are the backend's current names, `commandNames` every command name and alias of the
    /// registry.
    public init(data: ConsoleCompletionData, commandNames: [String]) {
        self.data = data
        self.commandNames = commandNames
    }
}
