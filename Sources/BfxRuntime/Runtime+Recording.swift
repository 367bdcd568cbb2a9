import BfxClient
import BfxProtocol

/// `recording:` — one `FrameRecorder` for the runtime's WebSocket client and its
/// separate user-data sockets, with every configured API key and secret on its redaction list.
extension Runtime {
    func startRecording() throws {
        guard let recording = config.recording else { return }
        var secrets: [BfxSecret] = []
        for key in config.keys {
            if let value = key.apiKey?.value { secrets.append(BfxSecret(value)) }
            if let value = key.apiSecret?.value { secrets.append(BfxSecret(value)) }
        }
        for credentials in credentialsByKey.values {
            secrets.append(BfxSecret(credentials.apiKey))
            secrets.append(credentials.secret)
        }
        do {
            recorder = try FrameRecorder(options: recording.options(secrets: secrets), clock: options.clock)
        } catch {
            throw RuntimeError.startFailed("\(error)")
        }
        logger.notice("recording WebSocket frames", metadata: ["path": "\(recording.path)"])
    }

    func stopRecording() {
        guard let recorder else { return }
        recorder.close()
        let stats = recorder.statistics
        logger.notice("recording closed", metadata: [
            "path": "\(recorder.options.path)", "records": "\(stats.records)", "redacted": "\(stats.redacted)", "segments": "\(stats.segments)",
        ])
        self.recorder = nil
    }
}
