import ArgumentParser
import BfxClient
import BfxGateway
import Foundation
import Logging

/// `bfxrun replay FILE`: serve a recording as a Bitfinex server on loopback, or (`--check`) feed
/// it through the decoder, books, checksums and sequence audit and report (docs/recording.md).
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Serve a recording as a Bitfinex server on loopback, or check it (--check).",
        discussion: """
        Without --check: serves FILE on ws://HOST:PORT/ws/2 (printed on stdout). Each connection gets
        the recorded `info`; each subscribe is matched to a recorded channel, whose frames are played
        from its snapshot on with the connection's own chanIds, SEQ_ALL numbers and `cs` flag, at the
        recorded timing (--speed X scales it, --fast sends as fast as the socket takes them). Runs
        until SIGINT/SIGTERM or --duration.
        With --check the recording is fed straight through the decoder, order books, checksum
        comparison and SEQ_ALL audit (no sockets) and a report is printed: frames, decode errors,
        checksum and sequence results per channel, the final books (--json for scripts). A
        crash-truncated file is read up to its last complete record. Exit code 0 when the
        recording is clean, 2 when it shows decode errors, checksum mismatches or sequence
        problems, 1 when it cannot be read.
        """
    )

    @Argument(help: "The recording file (rotated segments FILE.1, FILE.2 … are read first).")
    var file: String

    @Flag(help: "Feed the recording through the decoder and books and print a report.")
    var check = false

    @Option(help: "Serve: listen address HOST:PORT, loopback only (port 0 = any free port).")
    var listen = "127.0.0.1:0"

    @Option(help: "Serve: play X times faster than recorded (1 = recorded timing).")
    var speed: Double = 1

    @Flag(help: "Serve: send every frame as fast as possible (no timing).")
    var fast = false

    @Option(help: "Serve: stop after this many seconds.")
    var duration: Double?

    @Flag(help: "With --check: print the report as JSON.")
    var json = false

    @Option(help: "With --check: book levels per side shown in the text report.")
    var depth = 3

    func validate() throws {
        if json && !check { throw ValidationError("--json only applies with --check") }
        if speed <= 0 { throw ValidationError("--speed must be > 0 (use --fast for no timing), got \(speed)") }
        if let duration, duration <= 0 { throw ValidationError("--duration must be > 0 seconds, got \(duration)") }
        if Self.split(listen) == nil { throw ValidationError("--listen must be HOST:PORT on loopback, e.g. 127.0.0.1:0, got '\(listen)'") }
        if depth < 0 { throw ValidationError("--depth must be >= 0") }
    }

    func run() async throws {
        if check { try runCheck() } else { try await serve() }
    }

    static func split(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
        let host = String(text[..<colon])
        return host.isEmpty ? nil : (host, port)
    }

    private func serve() async throws {
        let tape: ReplayTape
        do {
            tape = try ReplayTape(path: file)
        } catch {
            FileHandle.standardError.write(Data("bfxrun replay: \(error)\n".utf8))
            throw ExitCode(1)
        }
        guard let (host, port) = Self.split(listen) else { throw ExitCode(64) }
        var logger = Logger(label: "bfxkit.replay")
        logger.logLevel = .warning
        let server: ReplayServer
        do {
            server = try await ReplayServer.start(tape, options: .init(host: host, port: port, speed: fast ? 0 : speed), logger: logger)
        } catch {
            FileHandle.standardError.write(Data("bfxrun replay: \(error)\n".utf8))
            throw ExitCode(1)
        }
        let names = Set(tape.channels.map(\.name)).sorted()
        let banner = "ws:      \(server.wsURL)\nrest:    \(server.restURL)\nchannels: \(names.joined(separator: ", "))\n"
        FileHandle.standardOutput.write(Data(banner.utf8))
        await SimulateCommand.waitForStop(duration: duration)
        let stats = server.statistics
        await server.shutdown()
        print("replay stopped: \(stats.connections) connections, \(stats.subscribes) subscribes (\(stats.unmatched) not in the recording), \(stats.framesSent) frames")
    }

    private func runCheck() throws {
        let report: ReplayCheck.Report
        do {
            report = try ReplayCheck.run(path: file)
        } catch {
            FileHandle.standardError.write(Data("bfxrun replay: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let data = try encoder.encode(report)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(ReplayReportText.render(report, file: file, depth: depth))
        }
        let mismatches = report.channels.reduce(0) { $0 + $1.checksumMismatches }
        if report.decodeErrors > 0 || report.sequenceProblems > 0 || mismatches > 0 { throw ExitCode(2) }
    }
}

/// The human-readable report of `bfxrun replay --check`.
enum ReplayReportText {
    static func render(_ r: ReplayCheck.Report, file: String, depth: Int) -> String {
        var lines: [String] = []
        lines.append("recording \(file)")
        lines.append("  records \(r.records)  in \(r.inboundFrames)  out \(r.outboundFrames)  redacted \(r.redactedFrames)  connections \(r.connections)")
        lines.append("  decode errors \(r.decodeErrors)  sequence problems \(r.sequenceProblems)  truncated segments \(r.truncatedSegments)  malformed lines \(r.malformedLines)")
        lines.append("")
        let header = ["channel", "conn", "chanId", "frames", "cs ok", "cs bad", "seq", "decode"]
        var rows = [header]
        for c in r.channels {
            rows.append([c.channel, "\(c.connection)", "\(c.chanId)", "\(c.frames)", "\(c.checksumsVerified)",
                         "\(c.checksumMismatches)", "\(c.sequenceProblems)", "\(c.decodeErrors)"])
        }
        lines.append(contentsOf: table(rows))
        if !r.books.isEmpty {
            lines.append("")
            lines.append("final books")
            for b in r.books {
                lines.append("  \(b.channel)  checksum \(b.checksum)  bids \(b.bids.count)  asks \(b.asks.count)")
                for i in 0..<min(depth, max(b.bids.count, b.asks.count)) {
                    let bid = i < b.bids.count ? b.bids[i].joined(separator: " ") : ""
                    let ask = i < b.asks.count ? b.asks[i].joined(separator: " ") : ""
                    lines.append("    \(bid.padding(toLength: 36, withPad: " ", startingAt: 0)) | \(ask)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func table(_ rows: [[String]]) -> [String] {
        guard let first = rows.first else { return [] }
        var widths = first.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            "  " + row.enumerated().map { i, cell in i == 0 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[i] - cell.count) + cell }
                .joined(separator: "  ")
        }
    }
}
