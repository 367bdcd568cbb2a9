/// Typed failures a backend reports to the console.
public enum ConsoleBackendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Fault injection or another simulator-only action against a real endpoint.
    case notSimulator(action: String)
    /// The symbol has no data (not subscribed, or unknown).
    case unknownSymbol(String)
    /// No subscription with that id.
    case unknownChannel(String)
    /// No connection with that name.
    case unknownConnection(String)
    /// The action needs an authenticated connection / API key.
    case notAuthenticated
    /// The runtime does not support this action.
    case unsupported(String)
    /// The runtime rejected the request.
    case rejected(String)

    /// Human-readable explanation with a hint.
    public var description: String {
        switch self {
        case .notSimulator(let action):
            return "\(action) is only available when the endpoint is the simulator (endpoint: simulator)"
        case .unknownSymbol(let symbol):
            return "no data for symbol \(symbol) (subscribe first, see `channels`)"
        case .unknownChannel(let id):
            return "no subscription with id \(id) (see `channels`)"
        case .unknownConnection(let name):
            return "no connection named \(name) (see `connections`)"
        case .notAuthenticated:
            return "this needs an authenticated connection (configure an API key)"
        case .unsupported(let what):
            return "not supported by this runtime: \(what)"
        case .rejected(let reason):
            return reason
        }
    }
}
