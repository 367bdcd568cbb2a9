import ArgumentParser
import BfxRuntime
import Foundation
import Logging

/// `bfxrun doctor CONFIG`: a short read-only session against the configured endpoint, recorded
/// and checked (docs/recording.md).
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Run a short read-only session against the configured endpoint and check it.",
        discussion: """
        Connects to CONFIG's endpoint for --seconds, reads the platform status and measures the clock
        offset (HTTP Date), subscribes every configured channel, authenticates every keyed user-data
        stream and makes one read-only signed call (auth/r/wallets) per key (startup actions, alerts
        and the gateway of CONFIG are not run), records the session to --out and checks the
        recording: connection, conf, subscriptions, data on every channel, checksums, sequence
        numbers, decoding, authentication, and the protocol variants the server used. Against `live`
        or explicit URLs it needs --yes (consent to connect) and, unless --no-compare, also runs a
        short session against the embedded simulator and lists where the two differ. Exit code 0
        when every check passed, 2 when one failed, 1 when the session could not run.
        """
    )

    @Argument(help: "The YAML configuration file (see docs/configuration.md).")
    var config: String

    @Option(help: "How long the session runs, in seconds.")
    var seconds: Double = 10

    @Option(help: "Where the recording of the session goes.")
    var out = "bfx-doctor.bfxrec.gz"

    @Flag(help: "Consent to connect to a non-simulator endpoint (live Bitfinex or explicit URLs).")
    var yes = false

    @Flag(help: "Do not compare a non-simulator session with a session against the embedded simulator.")
    var noCompare = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if seconds <= 0 || seconds > 600 { throw ValidationError("--seconds must be in 0<…≤600, got \(seconds)") }
    }

    func run() async throws {
        let loaded: LoadedConfig
        do { loaded = try ConfigLoader.load(path: config) } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(1)
        }
        if case .simulator = loaded.config.endpoint {} else if !yes {
            FileHandle.standardError.write(Data("bfxrun doctor: \(config) connects to a real endpoint; run again with --yes to consent (read-only session)\n".utf8))
            throw ExitCode(64)
        }
        var logger = Logger(label: "bfx.doctor")
        logger.logLevel = .error
        var sessionConfig = loaded.config
        sessionConfig.logging.level = .error  // the report is the output; problems show in it
        let report: Doctor.Report
        do {
            report = try await Doctor.run(config: sessionConfig, options: .init(seconds: seconds, compareWithSimulator: !noCompare),
                                          recording: out, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("bfxrun doctor: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Doctor.render(report))
        }
        if !report.passed { throw ExitCode(2) }
    }
}
