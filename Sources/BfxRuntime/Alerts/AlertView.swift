import Foundation

/// The state of one alert rule, for the console, dashboard and webhooks.
public struct AlertView: Sendable, Hashable, Codable {
    /// Whether the rule is currently firing.
    public enum State: String, Sendable, Hashable, Codable {
        /// Not firing.
        case ok
        /// Firing (one episode in progress).
        case firing
    }

    /// Rule name.
    public var name: String
    /// Rule kind (`reconnects`, ...).
    public var kind: String
    /// Current state.
    public var state: State
    /// Last measured value (nil before the first full window for rate kinds).
    public var value: Double?
    /// Firing threshold.
    public var threshold: Double
    /// Resolve level.
    public var clear: Double
    /// When the current/last episode started.
    public var firedAt: Date?
    /// When the last episode resolved.
    public var resolvedAt: Date?
    /// Episodes so far.
    public var episodes: Int
    /// Human-readable summary.
    public var message: String
}
