/// One record of a bfxkit session recording (docs/recording.md): a line
/// `t=<micros> c=<conn> d=<dir> <payload>` where `micros` is the wall-clock receive (or send)
/// time in microseconds since the UNIX epoch, `conn` the recorder's connection id and `dir` one
/// of ``Direction``. Pure encoding and parsing; the compressed file around it lives in
/// `BfxClient` (`FrameRecorder`, `RecordingReader`).
public struct RecordLine: Sendable, Hashable {
    /// What a record says about its connection.
    public enum Direction: String, Sendable, Hashable {
        /// A frame received from the server.
        case inbound = "in"
        /// A frame sent by the client.
        case outbound = "out"
        /// The connection was opened; the payload is its URL.
        case open
        /// The connection was closed; no payload.
        case close
    }

    /// The payload that replaces a frame that must never be written (authentication requests,
    /// anything carrying an API key or signature). A frame never starts with `!`.
    public static let redactionMarker = "!redacted"
    /// The first line of every file segment (a comment: readers skip lines starting with `#`).
    public static let header = "#bfxrec 1"

    /// Wall-clock microseconds since the UNIX epoch.
    public var micros: UInt64
    /// The connection id (unique within one recorder).
    public var connection: Int
    /// What the record is.
    public var direction: Direction
    /// The frame text (or URL for `open`); `\n` and `\r` are stored as spaces.
    public var payload: [UInt8]

    /// A record; `payload` is the frame's bytes.
    public init(micros: UInt64, connection: Int, direction: Direction, payload: [UInt8]) {
        self.micros = micros
        self.connection = connection
        self.direction = direction
        self.payload = payload
    }

    /// Whether the payload is the redaction marker.
    public var isRedacted: Bool { payload.withUnsafeBytes { Self.isRedacted($0) } }

    /// Whether a record's payload bytes are the redaction marker. JSON frames start with `[` or
    /// `{`, the marker with `!`: one byte decides for nearly every frame (the replay check calls
    /// this per record).
    @inline(__always)
    public static func isRedacted(_ payload: UnsafeRawBufferPointer) -> Bool {
        payload.first == UInt8(ascii: "!") && payload.starts(with: redactionMarker.utf8)
    }

    /// Appends the record's line (with its trailing `\n`) to `out`. Line breaks inside the
    /// payload become spaces: in JSON they can only be whitespace between tokens.
    public static func append(micros: UInt64, connection: Int, direction: Direction,
                              payload: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(contentsOf: "t=".utf8)
        appendDecimal(micros, to: &out)
        out.append(contentsOf: " c=".utf8)
        appendDecimal(UInt64(clamping: connection), to: &out)
        out.append(contentsOf: " d=".utf8)
        out.append(contentsOf: direction.rawValue.utf8)
        if direction != .close {
            out.append(UInt8(ascii: " "))
            let start = out.count
            out.append(contentsOf: payload)
            for i in start..<out.count where out[i] == 0x0A || out[i] == 0x0D { out[i] = 0x20 }
        }
        out.append(0x0A)
    }

    /// Appends this record's line to `out`.
    public func append(to out: inout [UInt8]) {
        payload.withUnsafeBytes { Self.append(micros: micros, connection: connection, direction: direction, payload: $0, to: &out) }
    }

    @inline(__always)
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        if value == 0 { out.append(UInt8(ascii: "0")); return }
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes, enough for 20 digits
        var n = value
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buf in
            while n > 0 && count < 32 {
                buf[31 - count] = UInt8(ascii: "0") + UInt8(n % 10)
                n /= 10
                count += 1
            }
            out.append(contentsOf: buf[(32 - count)...])
        }
    }
}

/// The fields of one parsed record line, with the payload as a range of the line's bytes (no
/// copy: the replay check decodes frames in place).
public struct RecordLineView: Sendable, Hashable {
    /// Wall-clock microseconds since the UNIX epoch.
    public var micros: UInt64
    /// The connection id.
    public var connection: Int
    /// What the record is.
    public var direction: RecordLine.Direction
    /// Where the payload starts in the line (its end is the line's end).
    public var payloadOffset: Int

    /// Parses a line without its `\n`; `nil` for a comment, an empty line or a malformed line.
    public static func parse(_ line: UnsafeRawBufferPointer) -> RecordLineView? {
        var i = 0
        let n = line.count
        @inline(__always) func expect(_ a: UInt8, _ b: UInt8) -> Bool {
            guard i + 1 < n, line[i] == a, line[i + 1] == b else { return false }
            i += 2
            return true
        }
        @inline(__always) func number() -> UInt64? {
            var value: UInt64 = 0
            var digits = 0
            while i < n, line[i] >= 0x30, line[i] <= 0x39, digits < 19 {
                value = value * 10 + UInt64(line[i] - 0x30)
                digits += 1
                i += 1
            }
            return digits > 0 ? value : nil
        }
        guard expect(UInt8(ascii: "t"), UInt8(ascii: "=")), let micros = number() else { return nil }
        guard i < n, line[i] == 0x20 else { return nil }
        i += 1
        guard expect(UInt8(ascii: "c"), UInt8(ascii: "=")), let conn = number() else { return nil }
        guard i < n, line[i] == 0x20 else { return nil }
        i += 1
        guard expect(UInt8(ascii: "d"), UInt8(ascii: "=")), i < n else { return nil }
        let direction: RecordLine.Direction
        switch line[i] {
        case UInt8(ascii: "i"):
            guard i + 1 < n, line[i + 1] == UInt8(ascii: "n") else { return nil }
            direction = .inbound; i += 2
        case UInt8(ascii: "o"):
            if i + 2 < n, line[i + 1] == UInt8(ascii: "u"), line[i + 2] == UInt8(ascii: "t") {
                direction = .outbound; i += 3
            } else if i + 3 < n, line[i + 1] == UInt8(ascii: "p"), line[i + 2] == UInt8(ascii: "e"), line[i + 3] == UInt8(ascii: "n") {
                direction = .open; i += 4
            } else { return nil }
        case UInt8(ascii: "c"):
            guard i + 4 < n, line[i + 4] == UInt8(ascii: "e") else { return nil }
            direction = .close; i += 5
        default:
            return nil
        }
        if i < n {
            guard line[i] == 0x20 else { return nil }
            i += 1
        }
        return RecordLineView(micros: micros, connection: Int(conn), direction: direction, payloadOffset: i)
    }
}

/// Which frames a recording must never contain: authentication requests and answers that echo
/// credentials, and any frame naming an API key, a signature or an auth payload.
public enum RecordRedaction {
    private static let needles: [[UInt8]] = ["\"auth".utf8, "apiKey".utf8, "authSig".utf8, "authPayload".utf8].map { Array($0) }

    /// Whether `frame` must be replaced by ``RecordLine/redactionMarker``. Scans the whole
    /// frame (callers apply it to every outbound frame and to inbound event objects, not to
    /// inbound data arrays, which never carry credentials).
    public static func mustRedact(_ frame: UnsafeRawBufferPointer, secrets: [[UInt8]] = []) -> Bool {
        for needle in needles where contains(frame, needle) { return true }
        for secret in secrets where !secret.isEmpty && contains(frame, secret) { return true }
        return false
    }

    /// Whether `needle` occurs in `haystack` (plain byte search).
    package static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8]) -> Bool {
        let n = haystack.count, m = needle.count
        guard m > 0, n >= m else { return false }
        let first = needle[0]
        var i = 0
        while i <= n - m {
            if haystack[i] == first {
                var j = 1
                while j < m, haystack[i + j] == needle[j] { j += 1 }
                if j == m { return true }
            }
            i += 1
        }
        return false
    }
}
