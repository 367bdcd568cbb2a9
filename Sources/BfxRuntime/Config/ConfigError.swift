/// Why a configuration could not be loaded. Every case carries enough context to fix the file.
public enum ConfigError: Error, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file is larger than `limit` bytes (`ConfigLoader.maxFileSize`) and was not parsed.
    /// `size` is its size in bytes, or nil when that could not be known in advance (a pipe, or a
    /// file that grew while being read): then it is only known to exceed the limit.
    case tooLarge(file: String, size: Int?, limit: Int)
    /// The YAML is not well-formed.
    case syntax(file: String, line: Int, column: Int, message: String)
    /// The YAML is well-formed but violates the schema; every problem found, sorted by position.
    case invalid([ConfigIssue])
    /// Like `invalid`, but more than `ConfigLoader.maxReportedIssues` problems were found: `first`
    /// holds the earliest ones by position (sorted), `total` counts all of them. The others were
    /// only counted, not described, so that a huge broken file is still rejected quickly.
    case tooManyIssues(first: [ConfigIssue], total: Int)

    /// The issues of `.invalid`; the reported (earliest) ones of `.tooManyIssues`; a single
    /// synthesized issue otherwise. `issueCount` is the number of problems found.
    public var issues: [ConfigIssue] {
        switch self {
        case .invalid(let issues): return issues
        case .tooManyIssues(let first, _): return first
        case .syntax(let file, let line, let column, let message):
            return [ConfigIssue(file: file, line: line, column: column, path: "", kind: .invalidValue, message: "YAML syntax error: \(message)")]
        case .unreadable(let file, let reason):
            return [ConfigIssue(file: file, line: 0, column: 0, path: "", kind: .invalidValue, message: "cannot read file: \(reason)")]
        case .tooLarge(let file, let size, let limit):
            return [ConfigIssue(file: file, line: 0, column: 0, path: "", kind: .invalidValue, message: Self.sizeMessage(size: size, limit: limit))]
        }
    }

    /// How many problems were found in total; larger than `issues.count` only for `.tooManyIssues`.
    public var issueCount: Int {
        if case .tooManyIssues(_, let total) = self { return total }
        return issues.count
    }

    /// One line per reported problem, compiler style, then `N errors in configuration`; for
    /// `.tooManyIssues` a line `… and M more errors (not shown)` comes before the count.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): error: cannot read configuration: \(reason)"
        case .tooLarge(let file, let size, let limit):
            return "\(file): error: \(Self.sizeMessage(size: size, limit: limit))"
        case .syntax(let file, let line, let column, let message):
            return "\(file):\(line):\(column): error: YAML syntax: \(message)"
        case .invalid(let issues):
            return Self.render(issues, total: issues.count)
        case .tooManyIssues(let first, let total):
            return Self.render(first, total: total)
        }
    }

    private static func render(_ issues: [ConfigIssue], total: Int) -> String {
        var lines = issues.map(\.description)
        let hidden = total - issues.count
        if hidden > 0 { lines.append("… and \(hidden) more error\(hidden == 1 ? "" : "s") (not shown)") }
        lines.append("\(total) error\(total == 1 ? "" : "s") in configuration")
        return lines.joined(separator: "\n")
    }

    private static func sizeMessage(size: Int?, limit: Int) -> String {
        let actual = size.map { "is \(formatBytes($0)) (\($0) bytes)" } ?? "is larger than \(formatBytes(limit))"
        return "configuration file \(actual); the limit is \(formatBytes(limit)) (\(limit) bytes), checked before parsing"
    }

    /// `1 MiB`, `4.6 MiB`, `512 KiB`, `900 bytes`: binary units, at most one decimal.
    static func formatBytes(_ bytes: Int) -> String {
        let units: [(name: String, size: Int)] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        for unit in units where bytes >= unit.size {
            // Rounded to tenths; the guard only matters for absurd sizes, where it avoids overflow.
            let tenths = bytes > (Int.max - unit.size) / 10 ? bytes / unit.size * 10 : (bytes * 10 + unit.size / 2) / unit.size
            return tenths % 10 == 0 ? "\(tenths / 10) \(unit.name)" : "\(tenths / 10).\(tenths % 10) \(unit.name)"
        }
        return "\(bytes) byte\(bytes == 1 ? "" : "s")"
    }
}
