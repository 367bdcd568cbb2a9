import Yams

/// Walks a composed YAML tree, converting values and collecting every problem instead of stopping
/// at the first one. Yams' `Decodable` support stops at the first error and has no positions for
/// "unknown key", which the spec requires, hence this small hand-written reader (see ADR 0010).
///
/// Not thread-safe by design: one reader is used synchronously by one load.
///
/// Bounded: at most `issueLimit` issues are described (the earliest by position); the others are
/// only counted in `issueCount`. `report` takes its path, message and hint as autoclosures, so a
/// problem that is only counted costs O(1): no path string, message or did-you-mean is built.
final class ConfigReader {
    let file: String
    let environment: [String: String]
    /// The described issues: at most `issueLimit`, the earliest by (line, column), kept in that
    /// order.
    private(set) var issues: [ConfigIssue] = []
    /// Every problem reported, including the ones beyond `issueLimit` that were only counted.
    private(set) var issueCount = 0
    /// How many issues are described at most (`ConfigLoader.maxReportedIssues`).
    let issueLimit: Int
    /// Schema paths (`connections[].channels[].prec`) of every key the decoder asked for.
    private(set) var knownPaths: Set<String> = []
    private let fallbackLine: Int
    private let fallbackColumn: Int

    init(file: String, environment: [String: String], root: Node?, issueLimit: Int = ConfigLoader.maxReportedIssues) {
        self.file = file
        self.environment = environment
        self.issueLimit = max(1, issueLimit)
        self.fallbackLine = root?.mark?.line ?? 1
        self.fallbackColumn = root?.mark?.column ?? 1
    }

    func report(_ node: Node?, _ path: @autoclosure () -> ConfigPath, _ kind: ConfigIssue.Kind, _ message: @autoclosure () -> String,
                hint: @autoclosure () -> String? = nil) {
        report(mark: node?.mark, path(), kind, message(), hint: hint())
    }

    func report(mark: Mark?, _ path: @autoclosure () -> ConfigPath, _ kind: ConfigIssue.Kind, _ message: @autoclosure () -> String,
                hint: @autoclosure () -> String? = nil) {
        issueCount += 1
        let line = mark?.line ?? fallbackLine
        let column = mark?.column ?? fallbackColumn
        if issues.count >= issueLimit {
            // Full: a problem at or after the last described one is only counted (the common
            // case, since problems are mostly found in file order); an earlier one replaces it.
            guard let last = issues.last, (line, column) < (last.line, last.column) else { return }
            issues.removeLast()
        }
        let issue = ConfigIssue(file: file, line: line, column: column, path: path().display, kind: kind, message: message(), hint: hint())
        // At most `issueLimit` elements: a linear search from the end is cheap and keeps ties in
        // report order.
        let index = issues.lastIndex { ($0.line, $0.column) <= (line, column) }.map { $0 + 1 } ?? 0
        issues.insert(issue, at: index)
    }

    func noteKnown(_ path: ConfigPath) { knownPaths.insert(path.schema) }

    /// A mapping cursor; an absent node gives an empty cursor so that defaults apply.
    func mapping(_ node: Node?, _ path: ConfigPath) -> MappingCursor {
        guard let node else { return MappingCursor(reader: self, node: nil, path: path, pairs: []) }
        if case .scalar(let scalar) = node, scalar.tag == Tag(.null) || scalar.string.isEmpty && scalar.style == .plain {
            return MappingCursor(reader: self, node: node, path: path, pairs: [])
        }
        guard let mapping = node.mapping else {
            report(node, path, .wrongType, "expected a mapping (key: value), found \(describe(node))")
            return MappingCursor(reader: self, node: node, path: path, pairs: [])
        }
        var pairs: [(key: String, keyNode: Node, value: Node)] = []
        var seen: Set<String> = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                report(keyNode, path, .wrongType, "mapping keys must be plain strings")
                continue
            }
            if !seen.insert(key).inserted {
                report(keyNode, path.key(key), .duplicateKey, "key '\(key)' appears more than once")
                continue
            }
            pairs.append((key, keyNode, value))
        }
        return MappingCursor(reader: self, node: node, path: path, pairs: pairs)
    }

    /// The elements of a sequence; absent or null → empty. A wrong type is reported.
    func sequence(_ node: Node?, _ path: ConfigPath) -> [Node] {
        guard let node else { return [] }
        if isNull(node) { return [] }
        guard let sequence = node.sequence else {
            report(node, path, .wrongType, "expected a list, found \(describe(node))")
            return []
        }
        return Array(sequence)
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar(let scalar) = node { return scalar.tag == Tag(.null) || (scalar.style == .plain && ["~", "null", "Null", "NULL", ""].contains(scalar.string)) }
        return false
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar): return "'\(scalar.string)'"
        }
    }

    // MARK: scalars

    /// A string scalar with `${VAR}` / `${VAR:?msg}` / `${VAR:-default}` interpolation applied.
    /// Returns the interpolated text and the referenced variables.
    func string(_ node: Node, _ path: ConfigPath) -> (text: String, variables: [String])? {
        guard case .scalar(let scalar) = node else {
            report(node, path, .wrongType, "expected a string, found \(describe(node))")
            return nil
        }
        return interpolate(scalar.string, node: node, path: path)
    }

    func interpolate(_ raw: String, node: Node, path: ConfigPath) -> (text: String, variables: [String])? {
        guard raw.contains("${") else { return (raw, []) }
        var output = ""
        var variables: [String] = []
        var rest = Substring(raw)
        var failed = false
        while let start = rest.range(of: "${") {
            output += rest[rest.startIndex..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                report(node, path, .invalidValue, "unterminated '${' in value", hint: "write ${VAR_NAME}")
                return nil
            }
            let body = String(rest[start.upperBound..<end])
            rest = rest[rest.index(after: end)...]
            guard let reference = EnvReference(body: body) else {
                report(node, path, .invalidValue, "malformed environment reference '${\(body)}'", hint: "use ${VAR}, ${VAR:?message} or ${VAR:-default}")
                failed = true
                continue
            }
            variables.append(reference.name)
            if let value = environment[reference.name], !value.isEmpty {
                output += value
            } else if let fallback = reference.fallback {
                output += fallback
            } else {
                let message = reference.requiredMessage.map { "environment variable \(reference.name) is not set: \($0)" }
                    ?? "environment variable \(reference.name) is not set"
                report(node, path, .missingEnv, message, hint: "export \(reference.name)=... before starting")
                failed = true
            }
        }
        output += rest
        return failed ? nil : (output, variables)
    }

    func int(_ node: Node, _ path: ConfigPath, range: ClosedRange<Int>?) -> Int? {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string.replacingOccurrences(of: "_", with: "")) else {
            report(node, path, .wrongType, "expected an integer, found \(describe(node))")
            return nil
        }
        if let range, !range.contains(value) {
            report(node, path, .outOfRange, "\(value) is out of range", hint: "allowed: \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    func double(_ node: Node, _ path: ConfigPath, range: ClosedRange<Double>?) -> Double? {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else {
            report(node, path, .wrongType, "expected a number, found \(describe(node))")
            return nil
        }
        if let range, !range.contains(value) {
            report(node, path, .outOfRange, "\(scalar.string) is out of range", hint: "allowed: \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    func bool(_ node: Node, _ path: ConfigPath) -> Bool? {
        guard case .scalar(let scalar) = node else {
            report(node, path, .wrongType, "expected true or false, found \(describe(node))")
            return nil
        }
        switch scalar.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            report(node, path, .wrongType, "expected true or false, found \(describe(node))")
            return nil
        }
    }

    func duration(_ node: Node, _ path: ConfigPath, range: ClosedRange<ConfigDuration>?) -> ConfigDuration? {
        guard case .scalar(let scalar) = node, let value = ConfigDuration.parse(scalar.string) else {
            report(node, path, .wrongType, "expected a duration, found \(describe(node))", hint: "e.g. 500ms, 20s, 2m, 1h")
            return nil
        }
        if let range, !range.contains(value) {
            report(node, path, .outOfRange, "\(scalar.string) is out of range", hint: "allowed: \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    func choice(_ node: Node, _ path: ConfigPath, allowed: [String]) -> String? {
        guard case .scalar(let scalar) = node else {
            report(node, path, .wrongType, "expected one of \(allowed.joined(separator: ", ")), found \(describe(node))")
            return nil
        }
        guard allowed.contains(scalar.string) else {
            let suggestion = Suggest.closest(to: scalar.string, in: allowed)
            report(node, path, .invalidValue, "'\(scalar.string)' is not allowed",
                   hint: (suggestion.map { "did you mean '\($0)'? " } ?? "") + "allowed: \(allowed.joined(separator: ", "))")
            return nil
        }
        return scalar.string
    }

    /// A credential: must be exactly one `${VAR}` / `${VAR:?message}` reference.
    func secret(_ node: Node, _ path: ConfigPath) -> SecretValue? {
        guard case .scalar(let scalar) = node else {
            report(node, path, .wrongType, "expected an environment reference like ${BFX_API_KEY}, found \(describe(node))")
            return nil
        }
        let raw = scalar.string.trimmingCharacters(in: .whitespaces)
        guard raw.hasPrefix("${"), raw.hasSuffix("}"), raw.filter({ $0 == "$" }).count == 1,
              let reference = EnvReference(body: String(raw.dropFirst(2).dropLast())), reference.fallback == nil else {
            // Never echo the literal: it may be a real secret.
            report(node, path, .literalSecret, "credentials must come from the environment, not be written in the file",
                   hint: "write ${BFX_API_KEY} (or ${BFX_API_KEY:?message}) and export the variable")
            return nil
        }
        guard let value = environment[reference.name], !value.isEmpty else {
            let message = reference.requiredMessage.map { "environment variable \(reference.name) is not set: \($0)" }
                ?? "environment variable \(reference.name) is not set"
            report(node, path, .missingEnv, message, hint: "export \(reference.name)=... before starting")
            return nil
        }
        return SecretValue(variable: reference.name, reference: raw, value: value)
    }
}

/// One `${...}` body: `NAME`, `NAME:?message` or `NAME:-default`.
struct EnvReference {
    let name: String
    let requiredMessage: String?
    let fallback: String?

    init?(body: String) {
        var name = body
        var required: String?
        var fallback: String?
        if let range = body.range(of: ":?") {
            name = String(body[..<range.lowerBound])
            required = String(body[range.upperBound...])
        } else if let range = body.range(of: ":-") {
            name = String(body[..<range.lowerBound])
            fallback = String(body[range.upperBound...])
        }
        guard let first = name.unicodeScalars.first, first == "_" || (first.properties.isAlphabetic && first.isASCII),
              name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }) else {
            return nil
        }
        self.name = name
        self.requiredMessage = required
        self.fallback = fallback
    }
}
