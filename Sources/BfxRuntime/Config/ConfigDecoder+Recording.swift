extension ConfigDecoder {
    /// `recording:` (nil when absent).
    func recording(_ m: MappingCursor) -> RecordingConfig? {
        guard m.has("recording") else {
            _ = m.value("recording")
            return nil
        }
        let r = m.mapping("recording")
        var c = RecordingConfig()
        if let path = r.optionalString("path") { c.path = path }
        c.maxBytes = r.int("max_bytes", default: c.maxBytes, range: 4096...(1 << 40))
        c.maxFiles = r.int("max_files", default: c.maxFiles, range: 1...1_000)
        c.flushInterval = r.duration("flush_interval", default: c.flushInterval, range: ConfigDuration(milliseconds: 10)...(.seconds(60)))
        c.level = r.int("level", default: c.level, range: 1...9)
        r.finish()
        return c
    }
}
