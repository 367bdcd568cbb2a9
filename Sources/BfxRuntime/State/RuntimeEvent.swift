import Foundation

/// Something that happened in the runtime, for the console and the event log.
public struct RuntimeEvent: Sendable, Codable, CustomStringConvertible {
    /// Event kinds.
    public enum Kind: String, Sendable, Codable {
        case started, stopping, stopped, connection, subscribed, unsubscribed
        case alertFired, alertResolved, notice, configReloaded, configRejected, fault, orderEvent, error
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
