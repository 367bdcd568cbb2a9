import BfxProtocol
import Foundation
import Testing
@testable import BfxClient
import BfxTestSupport

/// The recording file on its own: line format, compression, rotation, truncation (crash) and
/// redaction — no sockets.
@Suite struct RecordingFileTests {
    static func temporaryPath(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bfxrec-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    static func records(_ path: String) throws -> (lines: [String], reader: RecordingReader) {
        var reader = try RecordingReader(path: path)
        var lines: [String] = []
        try reader.forEachRecord { _, line in lines.append(String(decoding: line, as: UTF8.self)) }
        return (lines, reader)
    }

    static func record(_ recorder: FrameRecorder, _ direction: RecordLine.Direction, _ connection: Int, _ text: String) {
        var text = text
        text.withUTF8 { recorder.record(direction, connection: connection, payload: UnsafeRawBufferPointer($0)) }
    }

    @Test func linesRoundTripThroughTheCompressedFile() throws {
        let path = Self.temporaryPath("a.bfxrec.gz")
        let clock = ManualClock()
        let recorder = try FrameRecorder(options: .init(path: path), clock: clock)
        let conn = recorder.connectionOpened(url: "ws://127.0.0.1:1/ws/2")
        Self.record(recorder, .inbound, conn, #"{"event":"info","version":2}"#)
        Self.record(recorder, .outbound, conn, "{\"event\":\"subscribe\",\n\"channel\":\"book\"}")
        Self.record(recorder, .inbound, conn, #"[17,[[100.5,2,1.25]]]"#)
        Self.record(recorder, .close, conn, "")
        recorder.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.prefix(2) == Data([0x1F, 0x8B]))  // gzip
        let (lines, reader) = try Self.records(path)
        #expect(reader.truncatedSegments == 0)
        #expect(lines.count == 5)
        #expect(lines[0].hasSuffix("d=open ws://127.0.0.1:1/ws/2"))
        #expect(lines[1].hasSuffix(#"c=1 d=in {"event":"info","version":2}"#))
        #expect(lines[2].hasSuffix(#"d=out {"event":"subscribe", "channel":"book"}"#))
        #expect(lines[3].hasSuffix("d=in [17,[[100.5,2,1.25]]]"))
        #expect(lines[4].hasSuffix("c=1 d=close"))
        #expect(lines.allSatisfy { $0.hasPrefix("t=") })
    }

    @Test func parsesEveryDirectionAndRejectsMalformedLines() {
        func parse(_ s: String) -> RecordLineView? {
            var s = s
            return s.withUTF8 { RecordLineView.parse(UnsafeRawBufferPointer($0)) }
        }
        #expect(parse("t=12 c=3 d=in [1,\"hb\"]")?.direction == .inbound)
        #expect(parse("t=12 c=3 d=in [1,\"hb\"]")?.payloadOffset == 14)
        #expect(parse("t=12 c=3 d=out {}")?.direction == .outbound)
        #expect(parse("t=12 c=3 d=open ws://x")?.direction == .open)
        #expect(parse("t=12 c=3 d=close")?.direction == .close)
        #expect(parse("t=12 c=3 d=close")?.connection == 3)
        #expect(parse("#bfxrec 1") == nil)
        #expect(parse("t=12 c=3 d=sideways x") == nil)
        #expect(parse("t= c=3 d=in x") == nil)
        #expect(parse("") == nil)
    }

    @Test func rotatesBySizeAndReadsSegmentsOldestFirst() throws {
        let path = Self.temporaryPath("r.bfxrec.gz")
        let recorder = try FrameRecorder(options: .init(path: path, maxBytes: 4096, maxSegments: 50, flushBytes: 1024, level: 1),
                                         clock: ManualClock())
        let conn = recorder.connectionOpened(url: "ws://x/ws/2")
        var rng = SplitMix64(seed: 9)
        for i in 0..<5_000 {
            // incompressible enough that 4 KiB segments fill up
            Self.record(recorder, .inbound, conn, "[\(i),\(rng.next()),\(rng.next())]")
        }
        recorder.close()
        #expect(recorder.statistics.segments > 3)
        #expect(FileManager.default.fileExists(atPath: path + ".1"))
        let (lines, reader) = try Self.records(path)
        #expect(reader.truncatedSegments == 0)
        #expect(lines.count == 5_001)
        let numbers = lines.dropFirst().compactMap { line -> Int? in
            guard let r = line.range(of: "d=in [") else { return nil }
            return Int(line[r.upperBound...].prefix { $0.isNumber })
        }
        #expect(numbers == Array(0..<5_000))
    }

    @Test func rotationKeepsAtMostMaxSegments() throws {
        let path = Self.temporaryPath("k.bfxrec.gz")
        let recorder = try FrameRecorder(options: .init(path: path, maxBytes: 4096, maxSegments: 3, flushBytes: 1024, level: 1),
                                         clock: ManualClock())
        var rng = SplitMix64(seed: 3)
        for i in 0..<5_000 { Self.record(recorder, .inbound, 1, "[\(i),\(rng.next())]") }
        recorder.close()
        #expect(FileManager.default.fileExists(atPath: path + ".2"))
        #expect(!FileManager.default.fileExists(atPath: path + ".3"))
        let (lines, reader) = try Self.records(path)
        #expect(reader.segments.count == 3)
        #expect(!lines.isEmpty && lines.count < 5_000)
    }

    /// A crash leaves the file cut anywhere: every prefix of the file reads as a prefix of the
    /// records (never garbage, never a trap), the last one complete.
    @Test func truncatedFilesReadUpToTheLastCompleteRecord() throws {
        let path = Self.temporaryPath("t.bfxrec.gz")
        let recorder = try FrameRecorder(options: .init(path: path, flushBytes: 512), clock: ManualClock())
        for i in 0..<2_000 { Self.record(recorder, .inbound, 1, "[\(i),\"hb\"]") }
        recorder.flush()  // what a crash leaves: flushed data, no gzip trailer
        let full = try Data(contentsOf: URL(fileURLWithPath: path))
        let (all, _) = try Self.records(path)
        recorder.close()
        #expect(all.count == 2_000)
        let cut = path + ".cut"
        var lengths = Array(stride(from: 0, to: full.count, by: max(1, full.count / 40)))
        lengths.append(full.count - 1)
        for length in lengths {
            try full.prefix(length).write(to: URL(fileURLWithPath: cut))
            let (lines, reader) = try Self.records(cut)
            #expect(lines == Array(all.prefix(lines.count)), "cut at \(length)")
            if length < full.count { #expect(reader.truncatedSegments <= 1) }
        }
        // The unfinished member as written (no trailer) reads completely.
        try full.write(to: URL(fileURLWithPath: cut))
        #expect(try Self.records(cut).lines.count == 2_000)
    }

    /// A consumer that stops early (its body throws) stops the decompression thread too.
    @Test func aThrowingConsumerStopsTheReader() throws {
        struct Stop: Error {}
        let path = Self.temporaryPath("e.bfxrec.gz")
        let recorder = try FrameRecorder(options: .init(path: path, level: 1), clock: ManualClock())
        var rng = SplitMix64(seed: 5)
        for i in 0..<200_000 { Self.record(recorder, .inbound, 1, "[\(i),\(rng.next()),\(rng.next())]") }
        recorder.close()
        for _ in 0..<3 {
            var reader = try RecordingReader(path: path)
            var seen = 0
            #expect(throws: Stop.self) {
                try reader.forEachRecord { _, _ in
                    seen += 1
                    if seen == 10 { throw Stop() }
                }
            }
            #expect(seen == 10)
        }
        #expect(try Self.records(path).lines.count == 200_000)
    }

    @Test func credentialsAreRedacted() throws {
        let path = Self.temporaryPath("s.bfxrec.gz")
        let key = "KNOWNKEY-7c1f9e0a4b"
        let secret = "KNOWNSECRET-b55e21d0f3"
        let recorder = try FrameRecorder(options: .init(path: path, secrets: [BfxSecret(key), BfxSecret(secret)]), clock: ManualClock())
        let auth = try BfxSignature.wsAuth(apiKey: key, secret: BfxSecret(secret), nonce: 1_700_000_000_000_000)
        Self.record(recorder, .outbound, 1, auth.request.text)
        Self.record(recorder, .inbound, 1, #"{"event":"auth","status":"OK","chanId":0,"userId":1}"#)
        Self.record(recorder, .inbound, 1, "[0,\"n\",[0,\"x\",null,null,[\"\(key)\"]]]")
        Self.record(recorder, .inbound, 1, "[5,\"hb\"]")
        recorder.close()
        #expect(recorder.statistics.redacted == 3)
        let raw = try Data(contentsOf: URL(fileURLWithPath: path))
        let (lines, _) = try Self.records(path)
        let text = Data(lines.joined(separator: "\n").utf8)
        for needle in [key, secret, auth.signature, auth.payload] {
            #expect(raw.range(of: Data(needle.utf8)) == nil)
            #expect(text.range(of: Data(needle.utf8)) == nil, "\(needle.prefix(4))… in the decompressed recording")
        }
        #expect(lines.filter { $0.hasSuffix(RecordLine.redactionMarker) }.count == 3)
        #expect(lines.last?.hasSuffix("[5,\"hb\"]") == true)
    }
}
