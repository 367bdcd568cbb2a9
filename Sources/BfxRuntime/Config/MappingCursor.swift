import Yams

/// Reads the keys of one YAML mapping. Every key asked for is remembered; `finish()` reports the
/// keys nobody asked for as unknown, with a did-you-mean among the asked ones.
///
/// Linear in the number of keys: lookups go through a dictionary and the asked keys through a
/// set, so a mapping with a huge number of (unknown) keys costs O(1) per key.
final class MappingCursor {
    let reader: ConfigReader
    let node: Node?
    let path: ConfigPath
    private let pairs: [(key: String, keyNode: Node, value: Node)]
    /// Key → index in `pairs` (keys are unique: `ConfigReader.mapping` drops duplicates).
    private let index: [String: Int]
    /// The keys asked for, in first-asked order (for the "known keys" hint) and as a set.
    private var asked: [String] = []
    private var askedSet: Set<String> = []

    init(reader: ConfigReader, node: Node?, path: ConfigPath, pairs: [(key: String, keyNode: Node, value: Node)]) {
        self.reader = reader
        self.node = node
        self.path = path
        self.pairs = pairs
        self.index = Dictionary(pairs.enumerated().map { ($0.element.key, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether the mapping was present in the file.
    var isPresent: Bool { node != nil }

    /// The raw value node for `key` (nil when absent or null), remembering the key as known.
    func value(_ key: String) -> Node? {
        if askedSet.insert(key).inserted {
            asked.append(key)
            reader.noteKnown(path.key(key))
        }
        guard let position = index[key] else { return nil }
        let node = pairs[position].value
        return reader.isNull(node) ? nil : node
    }

    /// Whether `key` is present (does not mark it as asked).
    func has(_ key: String) -> Bool { index[key] != nil }

    /// Reports a required key that is missing.
    func missing(_ key: String, hint: String? = nil) {
        reader.report(node, path.key(key), .missingKey, "required key '\(key)' is missing", hint: hint)
    }

    func string(_ key: String, default fallback: String) -> String {
        guard let node = value(key) else { return fallback }
        return reader.string(node, path.key(key))?.text ?? fallback
    }

    func optionalString(_ key: String) -> String? {
        guard let node = value(key) else { return nil }
        return reader.string(node, path.key(key))?.text
    }

    func requiredString(_ key: String, hint: String? = nil) -> String? {
        guard let node = value(key) else { missing(key, hint: hint); return nil }
        return reader.string(node, path.key(key))?.text
    }

    func int(_ key: String, default fallback: Int, range: ClosedRange<Int>? = nil) -> Int {
        guard let node = value(key) else { return fallback }
        return reader.int(node, path.key(key), range: range) ?? fallback
    }

    func optionalInt(_ key: String, range: ClosedRange<Int>? = nil) -> Int? {
        guard let node = value(key) else { return nil }
        return reader.int(node, path.key(key), range: range)
    }

    func double(_ key: String, default fallback: Double, range: ClosedRange<Double>? = nil) -> Double {
        guard let node = value(key) else { return fallback }
        return reader.double(node, path.key(key), range: range) ?? fallback
    }

    func optionalDouble(_ key: String, range: ClosedRange<Double>? = nil) -> Double? {
        guard let node = value(key) else { return nil }
        return reader.double(node, path.key(key), range: range)
    }

    func bool(_ key: String, default fallback: Bool) -> Bool {
        guard let node = value(key) else { return fallback }
        return reader.bool(node, path.key(key)) ?? fallback
    }

    func duration(_ key: String, default fallback: ConfigDuration, range: ClosedRange<ConfigDuration>? = nil) -> ConfigDuration {
        guard let node = value(key) else { return fallback }
        return reader.duration(node, path.key(key), range: range) ?? fallback
    }

    func optionalDuration(_ key: String, range: ClosedRange<ConfigDuration>? = nil) -> ConfigDuration? {
        guard let node = value(key) else { return nil }
        return reader.duration(node, path.key(key), range: range)
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) -> T where T.RawValue == String {
        guard let node = value(key) else { return fallback }
        let allowed = T.allCases.map(\.rawValue)
        guard let raw = reader.choice(node, path.key(key), allowed: allowed) else { return fallback }
        return T(rawValue: raw) ?? fallback
    }

    func optionalChoice<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) -> T? where T.RawValue == String {
        guard let node = value(key) else { return nil }
        let allowed = T.allCases.map(\.rawValue)
        guard let raw = reader.choice(node, path.key(key), allowed: allowed) else { return nil }
        return T(rawValue: raw)
    }

    func secret(_ key: String) -> SecretValue? {
        guard let node = value(key) else { return nil }
        return reader.secret(node, path.key(key))
    }

    func mapping(_ key: String) -> MappingCursor {
        reader.mapping(value(key), path.key(key))
    }

    func sequence(_ key: String) -> [(ConfigPath, Node)] {
        let base = path.key(key)
        return reader.sequence(value(key), base).enumerated().map { (base.index($0.offset), $0.element) }
    }

    /// Reports every key that was never asked for. O(1) per key once the reader has described
    /// `issueLimit` issues: the path, message and did-you-mean are autoclosures that `report`
    /// only evaluates for an issue it keeps.
    func finish() {
        for pair in pairs where !askedSet.contains(pair.key) {
            reader.report(pair.keyNode, path.key(pair.key), .unknownKey, "unknown key '\(pair.key)'", hint: unknownKeyHint(pair.key))
        }
    }

    private func unknownKeyHint(_ key: String) -> String {
        Suggest.closest(to: key, in: asked).map { "did you mean '\($0)'?" } ?? "known keys: \(asked.joined(separator: ", "))"
    }
}
