/// How one keyed account object (order, position, wallet, funding offer/credit/loan) changed.
public enum ObjectChange<Value: Sendable & Equatable>: Sendable, Equatable {
    /// The object appeared.
    case added(Value)
    /// The object changed from `previous` to `current`.
    case updated(previous: Value, current: Value)
    /// The object disappeared (closed, cancelled, executed, emptied); the value is the last state.
    case removed(Value)

    /// The newest known value (current or, for removals, the last one).
    public var value: Value {
        switch self {
        case let .added(value): return value
        case let .updated(_, current): return current
        case let .removed(value): return value
        }
    }

    /// Differences between two keyed collections, in a deterministic order (removed, updated,
    /// added; each sorted by key description) so reports and tests are stable.
    public static func diff<Key: Hashable & Comparable>(from old: [Key: Value], to new: [Key: Value]) -> [ObjectChange] {
        var removed: [ObjectChange] = []
        var updated: [ObjectChange] = []
        var added: [ObjectChange] = []
        for key in old.keys.sorted() {
            guard let previous = old[key] else { continue }
            if let current = new[key] {
                if current != previous { updated.append(.updated(previous: previous, current: current)) }
            } else {
                removed.append(.removed(previous))
            }
        }
        for key in new.keys.sorted() where old[key] == nil {
            if let value = new[key] { added.append(.added(value)) }
        }
        return removed + updated + added
    }
}
