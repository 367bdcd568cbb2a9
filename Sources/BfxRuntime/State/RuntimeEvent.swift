import Foundation

/// Something that happened in the runtime, for the console and the event log.
public struct RuntimeEvent: Sendable, Codable, CustomStringConvertible {
    /// Event kinds.
    public enum Kind: String, Sendable, Codable {
        /// The runtime finished starting.
        case started
        /// Graceful shutdown began.
        case stopping
        /// The runtime stopped.
        case stopped
        /// A connection changed state (connecting, authenticated, ready, disconnected, info codes).
        case connection
        /// A channel subscription was confirmed.
        case subscribed
        /// A channel was unsubscribed.
        case unsubscribed
        /// An alert rule fired (new episode).
        case alertFired
        /// An alert rule resolved.
        case alertResolved
        /// Information for the operator: integrity events, alerts with action `console`, offline-change reports.
        case notice
        /// A configuration reload (SIGHUP or `reload`) was applied.
        case configReloaded
        /// A reload was refused because the new configuration is invalid (the old one stays).
        case configRejected
        /// A simulator fault was injected.
        case fault
        /// An order or wallet update from an authenticated user-data stream.
        case orderEvent
        /// A component or call failed (the message says which).
        case error
    }

    /// When.
    public var timestamp: Date
    /// What.
    public var kind: Kind
    /// Human-readable text.
    public var message: String
    /// Alert state for alert events.
    public var alert: AlertView?
    /// Channel for subscribe events.
    public var channel: ChannelInfo?

    /// Creates an event.
    public init(kind: Kind, message: String, alert: AlertView? = nil, channel: ChannelInfo? = nil, timestamp: Date = Date()) {
        self.timestamp = timestamp
        self.kind = kind
        self.message = message
        self.alert = alert
        self.channel = channel
    }

    /// `[kind] message`.
    public var description: String { "[\(kind.rawValue)] \(message)" }
}
