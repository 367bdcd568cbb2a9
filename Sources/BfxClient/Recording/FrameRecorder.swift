import BfxProtocol
import Synchronization

/// Records every WebSocket frame a client sends and receives to a compressed, append-only,
/// rotating file (format: docs/recording.md; decisions: ADR 0025).
///
/// Give one recorder to ``BfxClientConfiguration/recorder`` (market data and authenticated
/// connections of that client) and to ``WebSocketUserDataTransport`` (user data); each socket
/// gets its own connection id and an `open` record with its URL. Frames are stamped with the
/// wall-clock time they were read, buffered in memory and handed to zlib in chunks; a sync
/// flush every `flushBytes` of text or `flushInterval`, and on ``close()``, makes them readable
/// on disk. Authentication frames and any frame carrying an API key, signature or one of the
/// given `secrets` are replaced by `RecordLine.redactionMarker` before they reach
/// the buffer: no byte of a credential is ever written.
///
/// Without a recorder the client installs no recording handler at all (no cost).
public final class FrameRecorder: Sendable {
    /// Where and how to record.
    public struct Options: Sendable {
        /// The active file; rotated segments are `path.1` (newest) … `path.N`.
        public var path: String
        /// Rotate when the active file reaches this many compressed bytes.
        public var maxBytes: Int
        /// Files kept, the active one included (older segments are deleted).
        public var maxSegments: Int
        /// Text buffered before it is handed to zlib and sync-flushed.
        public var flushBytes: Int
        /// Longest time a record stays in memory when frames keep arriving.
        public var flushInterval: Duration
        /// zlib level 1 (fastest) … 9 (smallest).
        public var level: Int
        /// API keys and secrets whose presence redacts a frame, in either direction (wrapped so
        /// no description of the options shows them).
        public var secrets: [BfxSecret]

        /// Options for a recording at `path`; defaults: 64 MiB segments, 8 kept, 64 KiB
        /// flushes at least every second, zlib level 6.
        public init(path: String, maxBytes: Int = 64 << 20, maxSegments: Int = 8, flushBytes: Int = 64 << 10,
                    flushInterval: Duration = .seconds(1), level: Int = 6, secrets: [BfxSecret] = []) {
            self.path = path
            self.maxBytes = maxBytes
            self.maxSegments = maxSegments
            self.flushBytes = flushBytes
            self.flushInterval = flushInterval
            self.level = level
            self.secrets = secrets
        }
    }

    /// Counters of one recorder.
    public struct Statistics: Sendable, Hashable {
        /// Records written (frames, opens and closes).
        public var records = 0
        /// Frames replaced by the redaction marker.
        public var redacted = 0
        /// Segments opened (1 + rotations).
        public var segments = 0
        /// Whether the recorder stopped because the file could not be written.
        public var failed = false
    }

    private struct State {
        var writer: RecordingSegmentWriter?
        var buffer: [UInt8] = []
        var lastFlushMicros: UInt64 = 0
        var stats = Statistics()
    }

    /// The options in force.
    public let options: Options
    private let clock: any BfxClock
    private let secretBytes: [[UInt8]]
    private let flushIntervalMicros: UInt64
    // Mutex: every connection's event loop appends here; the lock is held for a memcpy into the
    // buffer, and for zlib work once per `flushBytes`.
    private let state: Mutex<State>
    private let nextConnection = Atomic<Int>(1)

    /// Opens (appends to) the recording at `options.path`.
    /// - Throws: ``RecordingError`` when the file cannot be opened.
    public init(options: Options, clock: any BfxClock = SystemClock()) throws(RecordingError) {
        self.options = options
        self.clock = clock
        self.secretBytes = options.secrets.filter { !$0.isEmpty }.map(\.rawBytes)
        self.flushIntervalMicros = options.flushInterval.microsecondsClamped
        let writer = try RecordingSegmentWriter(
            path: options.path, maxBytes: max(4096, options.maxBytes), maxSegments: max(1, options.maxSegments), level: options.level
        )
        var initial = State(writer: writer)
        initial.buffer.reserveCapacity(options.flushBytes + 4096)
        initial.lastFlushMicros = clock.wallMicros()
        initial.stats.segments = 1
        self.state = Mutex(initial)
    }

    /// A new connection id, with an `open` record carrying `url`.
    func connectionOpened(url: String) -> Int {
        let id = nextConnection.wrappingAdd(1, ordering: .relaxed).oldValue
        var text = url
        text.withUTF8 { append(.open, connection: id, payload: UnsafeRawBufferPointer($0), redact: false) }
        return id
    }

    /// Records one frame (or the close of `connection`). Outbound frames and inbound event
    /// objects are checked for credentials; inbound data arrays are written as they are.
    func record(_ direction: RecordLine.Direction, connection: Int, payload: UnsafeRawBufferPointer) {
        let check: Bool
        switch direction {
        case .outbound: check = true
        case .inbound: check = payload.first == UInt8(ascii: "{") || !secretBytes.isEmpty
        case .open, .close: check = false
        }
        let redact = check && RecordRedaction.mustRedact(payload, secrets: secretBytes)
        append(direction, connection: connection, payload: payload, redact: redact)
    }

    private func append(_ direction: RecordLine.Direction, connection: Int, payload: UnsafeRawBufferPointer, redact: Bool) {
        let now = clock.wallMicros()
        state.withLock { s in
            guard s.writer != nil else { return }
            if redact {
                s.stats.redacted += 1
                var marker = RecordLine.redactionMarker
                marker.withUTF8 { RecordLine.append(micros: now, connection: connection, direction: direction, payload: UnsafeRawBufferPointer($0), to: &s.buffer) }
            } else {
                RecordLine.append(micros: now, connection: connection, direction: direction, payload: payload, to: &s.buffer)
            }
            s.stats.records += 1
            if s.buffer.count >= options.flushBytes || now &- s.lastFlushMicros >= flushIntervalMicros {
                Self.drain(&s, now: now)
            }
        }
    }

    private static func drain(_ s: inout State, now: UInt64) {
        s.lastFlushMicros = now
        guard var writer = s.writer else { return }
        s.writer = nil
        var ok = writer.write(s.buffer)
        s.buffer.removeAll(keepingCapacity: true)
        if ok {
            do { try writer.flush() } catch { ok = false }
        }
        s.stats.segments = writer.segmentsOpened
        if ok {
            s.writer = writer
        } else {
            writer.finish()
            s.stats.failed = true
        }
    }

    /// Writes everything buffered and sync-flushes it to disk.
    public func flush() {
        let now = clock.wallMicros()
        state.withLock { Self.drain(&$0, now: now) }
    }

    /// Flushes and finishes the file (gzip trailer); later frames are ignored.
    public func close() {
        let now = clock.wallMicros()
        state.withLock { s in
            Self.drain(&s, now: now)
            s.writer?.finish()
            s.writer = nil
        }
    }

    /// The counters so far.
    public var statistics: Statistics { state.withLock { $0.stats } }
}
