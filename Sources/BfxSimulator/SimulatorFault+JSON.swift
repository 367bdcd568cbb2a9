import BfxProtocol

/// A fault description that could not be understood.
public struct SimulatorFaultParseError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
    /// The message.
    public var description: String { message }
}

extension SimulatorFault {
    /// Parses the control-API / scenario form, e.g. `{"fault":"stall","connection":2,"seconds":5}`.
    ///
    /// `fault` is a ``FaultName`` (canonical snake_case or an alias such as `dropAll`). Fields:
    /// `connection` (Int, optional = all), `seconds` (Double), `ms` (Int, instead of `seconds`),
    /// `count` (Int), `apiKey` (String), `code` (Int); defaults as in ``SimulatorFault/init(_:_:)``.
    public init(json object: JSONObject) throws(SimulatorFaultParseError) {
        guard let text = object["fault"]?.string else {
            throw SimulatorFaultParseError("missing \"fault\"; one of: \(FaultName.names.joined(separator: ", "))")
        }
        guard let name = FaultName(parsing: text) else {
            throw SimulatorFaultParseError("unknown fault \"\(text)\"; one of: \(FaultName.names.joined(separator: ", "))")
        }
        // `ms` is the per-frame delay of `latency` / `slow_consumer` and wins there; elsewhere only
        // `seconds` is read (a random scenario block passes both).
        let ms = object["ms"]?.int.map { Double($0) / 1000 }
        let perFrame = name == .latency || name == .slowConsumer
        let seconds = perFrame ? (ms ?? object["seconds"]?.double) : object["seconds"]?.double
        let parameters = FaultParameters(seconds: seconds, count: object["count"]?.int, connection: object["connection"]?.int,
                                         code: object["code"]?.int, apiKey: object["apiKey"]?.string)
        try self.init(name, parameters)
    }
}
