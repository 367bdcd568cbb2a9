import BfxClient
import BfxProtocol
import Foundation
import Logging

/// `bfxrun doctor CONFIG`: a short, read-only session against the configured endpoint, recorded,
/// then checked — platform status, clock offset, connection, `conf`, every configured channel
/// subscribed and receiving, checksums, sequence numbers, decoding, authentication and one
/// read-only signed call per key, and the protocol variants the server used compared with a
/// short session against the embedded simulator — with a verdict per check and the recording to
/// attach to a bug report (docs/recording.md). Startup actions, alerts and the gateway of the
/// configuration are not run: nothing is written to the account.
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
        /// Platform status and clock offset from the REST server.
        public var clock: ClockProbe
        /// The protocol variants the session showed.
        public var dialect: ProtocolDialect
        /// Where they differ from the embedded simulator's (empty when the session ran against the
        /// simulator, or the comparison was switched off).
        public var differences: [ProtocolDialect.Difference]
        /// True when every check passed.
        public var passed: Bool { checks.allSatisfy(\.passed) }
    }

    /// Why the session could not run.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    /// Options of a doctor session.
    public struct Options: Sendable {
        /// How long the session receives, in seconds.
        public var seconds: Double
        /// Whether a non-simulator session is compared with a session against the embedded
        /// simulator (same configuration, at most `comparisonSeconds`).
        public var compareWithSimulator: Bool
        /// The length of the simulator session used for the comparison.
        public var comparisonSeconds: Double
        /// Beyond this proven clock offset (milliseconds) the clock check fails.
        public var maxClockOffsetMillis: Int64

        /// Options for a `seconds`-long session.
        public init(seconds: Double, compareWithSimulator: Bool = true, comparisonSeconds: Double = 3, maxClockOffsetMillis: Int64 = 2000) {
            self.seconds = seconds
            self.compareWithSimulator = compareWithSimulator
            self.comparisonSeconds = comparisonSeconds
            self.maxClockOffsetMillis = maxClockOffsetMillis
        }
    }

    /// Runs the session for `seconds` against `config`'s endpoint, recording to `recording`.
    /// - Throws: ``Failure`` when the runtime cannot start or the recording cannot be read.
    public static func run(config loaded: RuntimeConfig, seconds: Double, recording: String,
                           logger: Logger = Logger(label: "bfx.doctor")) async throws -> Report {
        try await run(config: loaded, options: Options(seconds: seconds), recording: recording, logger: logger)
    }

    /// Runs the session with `options` against `config`'s endpoint, recording to `recording`.
    /// - Throws: ``Failure`` when the runtime cannot start or the recording cannot be read.
    public static func run(config loaded: RuntimeConfig, options: Options, recording: String,
                           logger: Logger = Logger(label: "bfx.doctor")) async throws -> Report {
        let config = sessionConfiguration(loaded, recording: recording)
        let session = try await Session.run(config: config, seconds: options.seconds, logger: logger)
        let replay: ReplayCheck.Report
        let dialect: ProtocolDialect
        do {
            replay = try ReplayCheck.run(path: recording)
            dialect = try ProtocolDialect.observe(recording: recording)
        } catch {
            throw Failure(description: "cannot read the recording: \(error)")
        }
        var differences: [ProtocolDialect.Difference] = []
        var compared = false
        if options.compareWithSimulator, endpointName(config) != "simulator" {
            let baseline = try await simulatorDialect(loaded, seconds: min(options.seconds, options.comparisonSeconds), logger: logger)
            differences = dialect.differences(from: baseline)
            compared = true
        }
        var checks = checks(config: config, channels: session.channels, streams: session.streams, replay: replay)
        checks.insert(contentsOf: probeChecks(session.clock, dialect: dialect, limit: options.maxClockOffsetMillis), at: 0)
        checks.append(contentsOf: session.readOnlyCalls)
        checks.append(confCheck(dialect))
        checks.append(dialectCheck(dialect, differences: differences, compared: compared))
        return Report(endpoint: endpointName(config), recording: recording, checks: checks, replay: replay,
                      clock: session.clock, dialect: dialect, differences: differences)
    }

    /// What a running session yields besides its recording.
    struct Session {
        var channels: [ChannelInfo]
        var streams: [UserDataView]
        var clock: ClockProbe
        var readOnlyCalls: [Check]

        static func run(config: RuntimeConfig, seconds: Double, logger: Logger, probe: Bool = true) async throws -> Session {
            let runtime = Runtime(config: config, options: RuntimeOptions(logger: logger, serveHTTP: false))
            do {
                try await runtime.start()
            } catch {
                throw Failure(description: "cannot start a session: \(error)")
            }
            let started = ContinuousClock.now
            var clock = ClockProbe()
            var calls: [Check] = []
            if probe {
                clock = await ClockProbe.measure(restPublic: await runtime.urls.restPublic, client: runtime.options.httpClient)
                calls = await readOnlyCalls(runtime, keys: config.keys.map(\.name))
            }
            let remaining = Duration.milliseconds(Int64(max(0.5, seconds) * 1000)) - (ContinuousClock.now - started)
            if remaining > .zero { try? await Task.sleep(for: remaining) }
            let channels = await runtime.channels()
            let streams = await runtime.userDataStreams()
            await runtime.stop()
            return Session(channels: channels, streams: streams, clock: clock, readOnlyCalls: calls)
        }

        /// One read-only signed call per key (`auth/r/wallets`): signing, nonce and permissions work.
        static func readOnlyCalls(_ runtime: Runtime, keys: [String]) async -> [Check] {
            var checks: [Check] = []
            for key in keys {
                do {
                    let answer = try await runtime.restCall(path: "auth/r/wallets", key: key)
                    let rows = (try? JSONValue.parse(answer))?.array?.count
                    checks.append(Check(name: "signed call \(key)", passed: rows != nil,
                                        detail: rows.map { "auth/r/wallets: \($0) wallets" } ?? "auth/r/wallets: unexpected answer \(answer.prefix(80))"))
                } catch {
                    checks.append(Check(name: "signed call \(key)", passed: false, detail: "auth/r/wallets: \(error)"))
                }
            }
            return checks
        }
    }

    /// The dialect of a short session against the embedded simulator with `loaded`'s channels
    /// and keys (the comparison baseline).
    static func simulatorDialect(_ loaded: RuntimeConfig, seconds: Double, logger: Logger) async throws -> ProtocolDialect {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("bfx-doctor-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(description: "cannot create a directory for the simulator comparison: \(error)")
        }
        let path = directory.appendingPathComponent("simulator.bfxrec.gz").path
        var config = sessionConfiguration(loaded, recording: path)
        config.endpoint = .simulator
        _ = try await Session.run(config: config, seconds: seconds, logger: logger, probe: false)
        do { return try ProtocolDialect.observe(recording: path) } catch {
            throw Failure(description: "cannot read the simulator comparison's recording: \(error)")
        }
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
        for difference in report.differences { lines.append("  differs from the simulator: \(difference)") }
        for observation in report.dialect.unknown {
            lines.append("  unknown variant: \(observation.point) = \(observation.variant) (\(observation.count)×)")
        }
        lines.append("recording: \(report.recording) (check it: bfxrun replay FILE --check; attach it to a bug report)")
        lines.append(report.passed ? "RESULT: PASS" : "RESULT: FAIL")
        return lines.joined(separator: "\n")
    }

    /// Platform status and clock offset (HTTP `Date` probes, and the lag of live trades).
    static func probeChecks(_ clock: ClockProbe, dialect: ProtocolDialect, limit: Int64) -> [Check] {
        var checks: [Check] = []
        if let status = clock.platformStatus {
            checks.append(Check(name: "platform", passed: status == 1, detail: status == 1 ? "operative (platform/status [1])" : "maintenance (platform/status [\(status)])"))
        } else {
            checks.append(Check(name: "platform", passed: false, detail: clock.failure ?? "platform/status not answered"))
        }
        var parts: [String] = []
        var passed = true
        if let offset = clock.offsetMillis, let uncertainty = clock.uncertaintyMillis {
            let side = offset > 0 ? "behind" : "ahead of"
            parts.append("this clock is \(abs(offset)) ms \(side) the server's (±\(uncertainty) ms, HTTP Date, round trip \(clock.roundTripMillis ?? 0) ms)")
            if clock.provesSkew(beyond: limit) { passed = false }
        } else {
            parts.append("no HTTP Date header to compare")
        }
        if let lag = dialect.minimumTradeLagMillis {
            parts.append("trades arrive ≥ \(lag) ms after their MTS")
            if lag < -limit { passed = false }
        }
        if !passed { parts.append("beyond \(limit) ms: wall-clock nonces and MTS comparisons are off (docs/troubleshooting.md)") }
        checks.append(Check(name: "clock", passed: passed, detail: parts.joined(separator: "; ")))
        return checks
    }

    /// The `conf` the client sent was acknowledged (or none was sent).
    static func confCheck(_ dialect: ProtocolDialect) -> Check {
        let variants = dialect.variants(of: "conf.ack")
        if variants.isEmpty { return Check(name: "conf", passed: true, detail: "no conf sent (no flags configured)") }
        let ok = variants.allSatisfy { $0.hasPrefix("OK") }
        return Check(name: "conf", passed: ok, detail: "acknowledged: \(variants.joined(separator: ", "))")
    }

    /// Every variant seen is one bfxkit knows; the differences from the simulator are listed.
    static func dialectCheck(_ dialect: ProtocolDialect, differences: [ProtocolDialect.Difference], compared: Bool) -> Check {
        let points = Set(dialect.observations.map(\.point)).count
        var detail = "\(points) protocol points observed, \(dialect.unknown.count) unknown variants"
        if compared { detail += ", \(differences.count) differ from the simulator" }
        return Check(name: "dialect", passed: dialect.unknown.isEmpty, detail: detail)
    }
}
