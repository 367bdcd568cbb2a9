/// One titled part of a `HumanView.sections` result.
public struct HumanSection: Sendable, Equatable {
    /// Title printed above the view.
    public var title: String
    /// The table, key/value list or text rendered under ``title``.
    public var view: HumanView

    /// A titled part of a multi-part view: `title` is printed as a heading above `view`.
    public init(_ title: String, _ view: HumanView) {
        self.title = title
        self.view = view
    }
}
