import Foundation

/// Read-only access to the process environment.
enum ProcessEnvironment {
    static var current: [String: String] {
        ProcessInfo.processInfo.environment
    }
}
