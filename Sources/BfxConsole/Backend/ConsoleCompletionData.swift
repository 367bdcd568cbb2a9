/// Names the runtime knows, offered by tab completion. Fetched once per prompt, so the libedit
/// callback itself never blocks on the runtime.
public struct ConsoleCompletionData: Sendable, Equatable {
    /// Symbols of subscribed or configured channels (`tBTCUSD`, `fUSD`, …).
    public var symbols: [String]
    /// Subscription ids (for `unsubscribe`).
    public var channelIDs: [String]
    /// Connection names (for `reconnect`, `ws send --conn`).
    public var connectionIDs: [String]
    /// Config connection groups (for `subscribe --conn`).
    public var groups: [String]
    /// API key names (for `nonce`, `call --key`).
    public var nonceKeys: [String]
    /// Priority classes declared in the config (for `--priority`).
    public var priorities: [String]
    /// Config key paths (for `config`-related completion and `dump`).
    public var configKeys: [String]
    /// Fault kinds accepted by `fault` (empty when not on the simulator).
    public var faultKinds: [String]

    /// Every list defaults to empty (no completion offered for that kind of word); a backend fills
    /// the names it knows, refreshed before each prompt.
    public init(symbols: [String] = [], channelIDs: [String] = [], connectionIDs: [String] = [], groups: [String] = [], nonceKeys: [String] = [], priorities: [String] = [], configKeys: [String] = [], faultKinds: [String] = []) {
        self.symbols = symbols
        self.channelIDs = channelIDs
        self.connectionIDs = connectionIDs
        self.groups = groups
        self.nonceKeys = nonceKeys
        self.priorities = priorities
        self.configKeys = configKeys
        self.faultKinds = faultKinds
    }
}
