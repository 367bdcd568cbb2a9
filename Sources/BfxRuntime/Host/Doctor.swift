import BfxClient
import Foundation
import Logging

/// `bfxrun doctor CONFIG`: a short, read-only session against the configured endpoint, recorded,
/// then checked — connection, every configured channel subscribed and receiving, checksums,
/// sequence numbers, decoding, authentication of every keyed stream — with a verdict per check
/// and the recording to attach to a bug report (docs/recording.md). Startup actions, alerts and
/// the gateway of the configuration are not run: nothing is written to the account.
public enum Doctor {
    /// One check and its outcome.
    public struct Check: Sendable, Hashable, Codable {
        /// What was checked.
        public var name: String
        /// Whether it passed.
        public var passed: Bool
        /// What was seen.
        public var detail: String
    }

    /// Every check, the recording and the overall verdict.
    public struct Report: Sendable, Hashable, Codable {
        /// The endpoint the session ran against (`simulator`, `live` or the WebSocket URL).
        public var endpoint: String
        /// The recording of the session.
        public var recording: String
        /// The checks in order.
        public var checks: [Check]
        /// The replay check of the recording (per channel results, final books).
        public var replay: ReplayCheck.Report
        /// True when every check passed.
        public var passed: Bool { checks.allSatisfy(\.passed) }
    }

    /// Why the session could not run.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Runs the session for `seconds` against `config`'s endpoint, recording to `recording`.
    /// - Throws: ``Failure`` when the runtime cannot start or the recording cannot be read.
    public static func run(config loaded: RuntimeConfig, seconds: Double, recording: String,
                           logger: Logger = Logger(label: "bfx.doctor")) async throws -> Report {
        let config = sessionConfiguration(loaded, recording: recording)
        let runtime = Runtime(config: config, options: RuntimeOptions(logger: logger, serveHTTP: false))
        do {
            try await runtime.start()
        } catch {
            throw Failure(description: "cannot start a session: \(error)")
        }
        try? await Task.sleep(for: .milliseconds(Int64(max(0.5, seconds) * 1000)))
        let channels = await runtime.channels()
        let streams = await runtime.userDataStreams()
        await runtime.stop()
        let replay: ReplayCheck.Report
        do { replay = try ReplayCheck.run(path: recording) } catch {
            throw Failure(description: "cannot read the recording: \(error)")
        }
        return Report(endpoint: endpointName(config), recording: recording,
                      checks: checks(config: config, channels: channels, streams: streams, replay: replay), replay: replay)
    }

    /// The configuration the session runs: `loaded` without startup actions, alerts and
    /// gateway (read only), recording to `recording`.
    static func sessionConfiguration(_ loaded: RuntimeConfig, recording: String) -> RuntimeConfig {
        var config = loaded
        config.startup = []
        config.alerts = []
        config.gateway = nil
        var recordingConfig = config.recording ?? RecordingConfig()
        recordingConfig.path = recording
        recordingConfig.flushInterval = ConfigDuration(milliseconds: 100)
        config.recording = recordingConfig
        return config
    }

    static func endpointName(_ config: RuntimeConfig) -> String {
        switch config.endpoint {
        case .simulator: "simulator"
        case .live: "live"
        case .custom(let urls): urls.wsPublic
        }
    }

    static func checks(config: RuntimeConfig, channels: [ChannelInfo], streams: [UserDataView], replay: ReplayCheck.Report) -> [Check] {
        var checks: [Check] = []
        checks.append(Check(name: "connect", passed: replay.connections > 0 && replay.inboundFrames > 0,
                            detail: "\(replay.connections) connections, \(replay.inboundFrames) frames received"))
        let unsubscribed = channels.filter { $0.chanId == nil }.map(\.name)
        checks.append(Check(name: "subscribe", passed: unsubscribed.isEmpty,
                            detail: unsubscribed.isEmpty ? "\(channels.count) channels subscribed" : "not subscribed: \(unsubscribed.joined(separator: ", "))"))
        let silent = replay.channels.filter { $0.frames == 0 }.map(\.channel)
        checks.append(Check(name: "data", passed: silent.isEmpty && !replay.channels.isEmpty,
                            detail: silent.isEmpty ? "every channel received data" : "no data on: \(silent.joined(separator: ", "))"))
        let books = replay.channels.filter { $0.channel.hasPrefix("book ") }
        let trading = books.filter { !$0.channel.hasPrefix("book f") }
        let funding = books.filter { $0.channel.hasPrefix("book f") }
        let verified = trading.reduce(0) { $0 + $1.checksumsVerified }
        let mismatched = trading.reduce(0) { $0 + $1.checksumMismatches }
        let fundingMismatched = funding.reduce(0) { $0 + $1.checksumMismatches }
        checks.append(Check(name: "checksums", passed: mismatched == 0 && (trading.isEmpty || verified > 0),
                            detail: "trading books: \(verified) verified, \(mismatched) mismatched; funding books: \(fundingMismatched) mismatched (observed: the server's funding checksums are unreliable)"))
        checks.append(Check(name: "sequence", passed: replay.sequenceProblems == 0, detail: "\(replay.sequenceProblems) gaps or duplicates"))
        checks.append(Check(name: "decode", passed: replay.decodeErrors == 0, detail: "\(replay.decodeErrors) frames did not decode"))
        for stream in streams {
            checks.append(Check(name: "auth \(stream.key)", passed: stream.phase == "ready", detail: "user-data stream \(stream.connection): \(stream.phase)"))
        }
        return checks
    }

    /// The human-readable verdict.
    public static func render(_ report: Report) -> String {
        var lines = ["doctor: \(report.endpoint)"]
        let width = report.checks.map(\.name.count).max() ?? 8
        for check in report.checks {
            lines.append("  \(check.passed ? "ok  " : "FAIL")  \(check.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(check.detail)")
        }
        lines.append("recording: \(report.recording) (check it: bfxrun replay FILE --check; attach it to a bug report)")
        lines.append(report.passed ? "RESULT: PASS" : "RESULT: FAIL")
        return lines.joined(separator: "\n")
    }
}
