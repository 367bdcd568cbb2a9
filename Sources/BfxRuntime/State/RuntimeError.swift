/// Errors of runtime actions.
public enum RuntimeError: Error, Sendable, CustomStringConvertible {
    /// The action needs a running runtime.
    case notRunning
    /// Fault injection needs `endpoint: simulator`.
    case notSimulator
    /// No key with that name (or no keys at all).
    case unknownKey(String)
    /// No subscription with that id.
    case unknownChannel(String)
    /// No priority class with that name.
    case unknownPriority(String)
    /// An argument was rejected (bad symbol, amount, option or state); the text says which and why.
    case invalidArgument(String)
    /// Starting failed (simulator, HTTP server, clients).
    case startFailed(String)
    /// Authentication was rejected (fatal for the process).
    case authFailed(String)
    /// A REST or WebSocket call failed after it was sent; the text carries the server's error.
    case callFailed(String)

    /// One line for logs and the console, e.g. `no key named 'main'`.
    public var description: String {
        switch self {
        case .notRunning: return "the runtime is not running"
        case .notSimulator: return "fault injection needs endpoint: simulator"
        case .unknownKey(let k): return "no key named '\(k)'"
        case .unknownChannel(let c): return "no channel with id '\(c)'"
        case .unknownPriority(let p): return "no priority class '\(p)'"
        case .invalidArgument(let m): return m
        case .startFailed(let m): return "start failed: \(m)"
        case .authFailed(let m): return "authentication failed: \(m)"
        case .callFailed(let m): return m
        }
    }
}

/// Process exit codes of `bfxrun` (documented in docs/operations.md).
public enum RuntimeExitCode {
    /// Clean run / clean shutdown.
    public static let ok: Int32 = 0
    /// The configuration is invalid (nothing was started).
    public static let configInvalid: Int32 = 1
    /// Bad command-line usage (swift-argument-parser uses EX_USAGE = 64).
    public static let usage: Int32 = 64
    /// Authentication rejected (bad key/secret/permissions).
    public static let authFatal: Int32 = 3
    /// Fatal runtime error (cannot start, simulator/HTTP bind failure, connection given up).
    public static let runtimeFatal: Int32 = 4
    /// An alert with action `exit` fired (default; the rule's `exit_code` overrides).
    public static let alertExit: Int32 = 5
}
