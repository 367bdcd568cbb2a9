import Foundation
import Logging
import Synchronization
import Testing
@testable import BfxRuntime

@Suite struct LoggingTests {
    @Test func textAndJSONLinesAndRedaction() throws {
        let lines = Mutex<[String]>([])
        let sink = LogSink { line in lines.withLock { $0.append(line) } }
        SecretRedactor.shared.register("super-secret-value-123")
        let text = Logger(label: "t") { StructuredLogHandler(label: $0, format: .text, level: .info, sink: sink) }
        text.info("hello world", metadata: ["key": "v", "secret": "super-secret-value-123"])
        text.debug("hidden")
        var json = Logger(label: "j") { StructuredLogHandler(label: $0, format: .json, level: .debug, sink: sink) }
        json[metadataKey: "component"] = "ws"
        json.warning("quote \" here", metadata: ["n": "1"])
        let captured = lines.withLock { $0 }
        #expect(captured.count == 2)
        #expect(captured[0].contains("INFO") && captured[0].contains("t: hello world") && captured[0].contains("key=v"))
        #expect(!captured[0].contains("super-secret-value-123"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(captured[1].utf8)) as? [String: Any])
        #expect(object["level"] as? String == "warning")
        #expect(object["msg"] as? String == "quote \" here")
        #expect(object["component"] as? String == "ws")
        #expect(object["logger"] as? String == "j")
    }
}
