import ArgumentParser
import BfxRuntime
import Foundation

/// `bfxrun check CONFIG`: validate and print the effective configuration with secrets masked.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration and print the effective config (secrets masked).",
        discussion: """
        Every problem is reported at once as FILE:LINE:COLUMN: error: KEY.PATH: message (hint), up to the first 50 \
        by position, then "… and N more errors (not shown)". Files over 1 MiB are refused before parsing. \
        Exit 0 when valid, 1 when not.
        """
    )

    @Argument(help: "The YAML configuration file.")
    var config: String

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    @Flag(help: "Print problems as JSON (an array of issues) on stdout.")
    var json = false

    func run() throws {
        do {
            let loaded = try ConfigLoader.load(path: config)
            if !quiet {
                print("# \(config): valid. Effective configuration (defaults filled in, secrets masked):")
                print(loaded.maskedYAML, terminator: "")
            }
        } catch {
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                if let data = try? encoder.encode(error.issues), let text = String(data: data, encoding: .utf8) { print(text) }
                // The JSON stays an array of issues; the count of the ones left out goes to stderr.
                let hidden = error.issueCount - error.issues.count
                if hidden > 0 {
                    FileHandle.standardError.write(Data("… and \(hidden) more errors (not shown); \(error.issueCount) errors in configuration\n".utf8))
                }
            } else {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
            }
            throw ExitCode(RuntimeExitCode.configInvalid)
        }
    }
}
