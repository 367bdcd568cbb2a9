/// A rule changing state: it fired (new episode) or resolved.
package struct AlertTransition: Sendable, Hashable {
    /// Fired or resolved.
    package enum Change: String, Sendable, Hashable {
        /// The value crossed the threshold: a new episode started and the rule's actions ran.
        case fired
        /// The value stayed back past `clear` for `clear_after`: the episode ended.
        case resolved
    }
    /// Whether this transition opened a new episode (`fired`) or closed one (`resolved`).
    package var change: Change
    /// The configured rule that changed state (name, kind, threshold, actions).
    package var rule: AlertRuleConfig
    /// The rule's state after the change.
    package var view: AlertView
}
