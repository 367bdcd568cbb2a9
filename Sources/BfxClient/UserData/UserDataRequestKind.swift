/// The order/funding inputs the client correlates with server responses.
public enum UserDataRequestKind: String, Sendable, Equatable, Hashable, CaseIterable {
    /// New order (`on`, answered by `n on-req` keyed by CID).
    case submit = "on"
    /// Order update (`ou`, answered by `n ou-req` keyed by order ID).
    case update = "ou"
    /// Order cancel (`oc`, answered by `n oc-req` keyed by order ID or CID).
    case cancel = "oc"
    /// New funding offer (`fon`, answered by `n fon-req`).
    case fundingOffer = "fon"
    /// Funding offer cancel (`foc`, answered by `n foc-req` keyed by offer ID).
    case fundingCancel = "foc"
    /// On-demand calculation (`calc`): not answered by a notification; complete once written
    /// (results arrive as `miu`/`pu`/`wu`/`bu`/`fiu`). Appears in buffering outcomes only.
    case calc = "calc"

    /// The notification type that acknowledges this request, e.g. `on-req`.
    public var notificationType: String { rawValue + "-req" }
}
