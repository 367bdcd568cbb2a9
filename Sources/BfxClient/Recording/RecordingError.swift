/// A recording file could not be written or read (the path and zlib's reason say why).
public struct RecordingError: Error, CustomStringConvertible, Sendable {
    /// The file concerned.
    public var path: String
    /// What went wrong.
    public var reason: String

    /// An error about `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// A log-friendly description.
    public var description: String { "recording \(path): \(reason)" }
}
