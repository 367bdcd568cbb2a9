import BfxClient
import BfxProtocol

/// `recording:` — record every WebSocket frame of the runtime's clients (docs/recording.md).
/// API keys and secrets of `keys:` are added to the recorder's redaction list.
public struct RecordingConfig: Sendable, Hashable, Encodable {
    /// The active file; rotated segments are `path.1`, `path.2`, ….
    public var path = "bfxkit-recording.bfxrec.gz"
    /// Rotate when the active file reaches this many compressed bytes.
    public var maxBytes = 64 << 20
    /// Files kept, the active one included.
    public var maxFiles = 8
    /// Longest time a frame stays buffered before it is flushed to disk.
    public var flushInterval = ConfigDuration.seconds(1)
    /// zlib level, 1 (fastest) to 9 (smallest).
    public var level = 6

    /// The defaults of an empty `recording:` section.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case path, maxBytes = "max_bytes", maxFiles = "max_files", flushInterval = "flush_interval", level
    }

    /// The recorder options for this section with `secrets` redacted.
    public func options(secrets: [BfxSecret]) -> FrameRecorder.Options {
        FrameRecorder.Options(path: path, maxBytes: maxBytes, maxSegments: maxFiles, flushInterval: flushInterval.duration,
                              level: level, secrets: secrets)
    }
}
