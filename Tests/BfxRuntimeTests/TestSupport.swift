import Foundation
import Logging
@testable import BfxRuntime

enum TestSupport {
    /// The package root (Tests/BfxRuntimeTests/ → ../..).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Polls `condition` every 50 ms until it is true or `timeout` passes (real-network tests only).
    static func eventually(timeout: Duration = .seconds(15), _ condition: () async -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test.runtime")
        logger.logLevel = .error
        return logger
    }
}
