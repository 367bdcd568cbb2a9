import Foundation
import Yams

/// Loads and validates configuration files. Reports every problem at once; never traps.
public enum ConfigLoader {
    /// The largest configuration accepted, in bytes (1 MiB; a complete configuration is a few KiB).
    /// A larger file is refused with `ConfigError.tooLarge` before it is read or parsed, so a wrong
    /// or hostile file cannot make `bfxrun check`, start-up or a SIGHUP reload slow.
    public static let maxFileSize = 1 << 20

    /// The most problems described in a `ConfigError`: the earliest 50 by position. Beyond that
    /// they are only counted (`ConfigError.tooManyIssues(first:total:)`), at O(1) each.
    public static let maxReportedIssues = 50

    /// Reads and validates `path`, resolving `${VAR}` from `environment`. Files larger than
    /// `maxFileSize` are refused with `ConfigError.tooLarge` without being parsed.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> LoadedConfig {
        try load(yaml: readLimited(path: path), file: path, environment: environment)
    }

    /// Validates YAML text. `file` is used in messages. Text longer than `maxFileSize` UTF-8 bytes
    /// is refused with `ConfigError.tooLarge` before parsing.
    public static func load(yaml text: String, file: String = "<config>", environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> LoadedConfig {
        let size = text.utf8.count
        guard size <= maxFileSize else { throw .tooLarge(file: file, size: size, limit: maxFileSize) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw .syntax(file: file, line: 1, column: 1, message: String(describing: error))
        }
        let reader = ConfigReader(file: file, environment: environment, root: root)
        let config = ConfigDecoder(reader: reader).decodeRoot(root)
        if reader.issueCount > 0 {
            let sorted = reader.issues.sorted { ($0.line, $0.column, $0.path) < ($1.line, $1.column, $1.path) }
            throw reader.issueCount > sorted.count ? .tooManyIssues(first: sorted, total: reader.issueCount) : .invalid(sorted)
        }
        return LoadedConfig(config: config, file: file, maskedYAML: render(config), knownKeyPaths: reader.knownPaths)
    }

    /// The file's text, refusing more than `maxFileSize` bytes: a regular file by its size before
    /// reading anything, anything else (a pipe, a file still growing) after `maxFileSize + 1` bytes.
    static func readLimited(path: String) throws(ConfigError) -> String {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if attributes?[.type] as? FileAttributeType == .typeRegular, let size = (attributes?[.size] as? NSNumber)?.intValue, size > maxFileSize {
            throw .tooLarge(file: path, size: size, limit: maxFileSize)
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maxFileSize + 1) ?? Data()
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        guard data.count <= maxFileSize else { throw .tooLarge(file: path, size: nil, limit: maxFileSize) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: path, reason: "the file is not valid UTF-8 text")
        }
        return text
    }

    /// The effective config as YAML, secrets masked.
    public static func render(_ config: RuntimeConfig) -> String {
        do {
            return try YAMLEncoder().encode(config)
        } catch {
            return "# could not render effective config: \(error)\n"
        }
    }

    static func syntaxError(_ error: YamlError, file: String) -> ConfigError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            let message = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return .syntax(file: file, line: mark.line, column: mark.column, message: message)
        case .reader(let problem, let offset, _, _):
            return .syntax(file: file, line: 1, column: (offset ?? 0) + 1, message: problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Bounded like the issue list: a mapping may repeat thousands of keys.
            let shown = duplicates.prefix(maxReportedIssues).joined(separator: ", ")
            let more = duplicates.count > maxReportedIssues ? " … and \(duplicates.count - maxReportedIssues) more" : ""
            return .syntax(file: file, line: context.mark.line, column: context.mark.column, message: "duplicate keys: \(shown)\(more)")
        default:
            return .syntax(file: file, line: 1, column: 1, message: String(describing: error))
        }
    }

    /// The commented default configuration printed by `bfxrun init`.
    public static var defaultTemplate: String { DefaultConfigTemplate.text }
}
