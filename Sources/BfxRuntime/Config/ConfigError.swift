/// Why a configuration could not be loaded. Every case carries enough context to fix the file.
public enum ConfigError: Error, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The YAML is not well-formed.
    case syntax(file: String, line: Int, column: Int, message: String)
    /// The YAML is well-formed but violates the schema; every problem found, sorted by position.
    case invalid([ConfigIssue])

    /// The issues, when the error is `.invalid`; a single synthesized issue otherwise.
    public var issues: [ConfigIssue] {
        switch self {
        case .invalid(let issues): return issues
        case .syntax(let file, let line, let column, let message):
            return [ConfigIssue(file: file, line: line, column: column, path: "", kind: .invalidValue, message: "YAML syntax error: \(message)")]
        case .unreadable(let file, let reason):
            return [ConfigIssue(file: file, line: 0, column: 0, path: "", kind: .invalidValue, message: "cannot read file: \(reason)")]
        }
    }

    /// One line per problem, compiler style.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): error: cannot read configuration: \(reason)"
        case .syntax(let file, let line, let column, let message):
            return "\(file):\(line):\(column): error: YAML syntax: \(message)"
        case .invalid(let issues):
            let lines = issues.map(\.description)
            return lines.joined(separator: "\n") + "\n\(issues.count) error\(issues.count == 1 ? "" : "s") in configuration"
        }
    }
}
