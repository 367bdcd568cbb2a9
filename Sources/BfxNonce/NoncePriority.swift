/// A priority class of the signed-call queue, identified by name (e.g. `critical`, `low`).
///
/// The order of the classes is defined by ``NonceManagerConfiguration/priorityClasses``;
/// the four static members are the default set.
public struct NoncePriority: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The class name as written in configuration.
    public let name: String

    /// Creates a priority class reference by name.
    public init(_ name: String) { self.name = name }

    /// Creates a priority class reference from a string literal.
    public init(stringLiteral value: String) { self.name = value }

    /// Cancels and anything that must not wait.
    public static let critical = NoncePriority("critical")
    /// New orders and updates.
    public static let high = NoncePriority("high")
    /// Reads (wallets, positions, orders).
    public static let normal = NoncePriority("normal")
    /// History and bulk reads.
    public static let low = NoncePriority("low")

    /// The class name.
    public var description: String { name }
}
