/// One titled part of a `HumanView.sections` result.
public struct HumanSection: Sendable, Equatable {
    /// Title printed above the view.
    public var title: String
    /// The table, key/value list or text rendered under ``title``.
    public var view: HumanView

    /// Creates a section.
    public init(_ title: String, _ view: HumanView) {
        self.title = title
        self.view = view
    }
}
