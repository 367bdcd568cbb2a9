/// Builds wire rows (arrays with `null` placeholders) for models; used by the simulator.
internal struct RowWriter {
    var row: [JSONValue]
    init(count: Int) { row = [JSONValue](repeating: .null, count: count) }
    mutating func set(_ index: Int, _ v: Int64?) { row[index] = v.map { .number(WireNumber($0)) } ?? .null }
    mutating func set(_ index: Int, _ v: WireNumber?) { row[index] = v.map { .number($0) } ?? .null }
    mutating func set(_ index: Int, _ v: String?) { row[index] = v.map { .string($0) } ?? .null }
    mutating func set(_ index: Int, _ v: JSONValue?) { row[index] = v ?? .null }
    var value: JSONValue { .array(row) }
}
