/// A rule changing state: it fired (new episode) or resolved.
public struct AlertTransition: Sendable, Hashable {
    /// Fired or resolved.
    public enum Change: String, Sendable, Hashable { case fired, resolved }
    /// The change.
    public var change: Change
    /// The rule.
    public var rule: AlertRuleConfig
    /// The rule's state after the change.
    public var view: AlertView
}
