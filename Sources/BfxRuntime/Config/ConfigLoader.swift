import Foundation
import Yams

/// Loads and validates configuration files. Reports every problem at once; never traps.
public enum ConfigLoader {
    /// Reads and validates `path`, resolving `${VAR}` from `environment`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> LoadedConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        return try load(yaml: text, file: path, environment: environment)
    }

    /// Validates YAML text. `file` is used in messages.
    public static func load(yaml text: String, file: String = "<config>", environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> LoadedConfig {
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
        if !reader.issues.isEmpty {
            let sorted = reader.issues.sorted { ($0.line, $0.column, $0.path) < ($1.line, $1.column, $1.path) }
            throw .invalid(sorted)
        }
        return LoadedConfig(config: config, file: file, maskedYAML: render(config), knownKeyPaths: reader.knownPaths)
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
            return .syntax(file: file, line: context.mark.line, column: context.mark.column, message: "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return .syntax(file: file, line: 1, column: 1, message: String(describing: error))
        }
    }

    /// The commented default configuration printed by `bfxrun init`.
    public static var defaultTemplate: String { DefaultConfigTemplate.text }
}
