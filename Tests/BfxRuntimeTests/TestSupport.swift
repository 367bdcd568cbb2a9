import Foundation
import Logging
@testable import BfxRuntime

enum TestSupport {
    /// The package root (Tests/BfxRuntimeTests/ → ../..).
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var quietLogger: Logger {
        var logger = Logger(label: "test.runtime")
        logger.logLevel = .error
        return logger
    }
}
