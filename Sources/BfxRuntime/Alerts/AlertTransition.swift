/// A rule changing state: it fired (new episode) or resolved.
public struct AlertTransition: Sendable, Hashable {
    /// Fired or resolved.
    public enum Change: String, Sendable, Hashable {
        /// The value crossed the threshold: a new episode started and the rule's actions ran.
        case fired
        /// The value stayed back past `clear` for `clear_after`: the episode ended.
        case resolved
    }
    /// Whether this transition opened a new episode (`fired`) or closed one (`resolved`).
    public var change: Change
    /// The configured rule that changed state (name, kind, threshold, actions).
    public var rule: AlertRuleConfig
    /// The rule's state after the change.
    public var view: AlertView
}
