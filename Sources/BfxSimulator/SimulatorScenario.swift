import BfxProtocol

/// A timed list of faults, loaded from JSON:
///
/// ```json
/// {"seed": 7,
///  "steps": [{"at": 2.0, "fault": "dropAll"}, {"at": 5, "fault": "maintenance", "seconds": 3}],
///  "random": {"count": 5, "within": 60, "faults": ["dropAll", "stall", "corruptChecksum"]}}
/// ```
/// `at` is seconds after the scenario starts. The optional `random` block adds `count` faults at
/// times drawn from `seed` within `within` seconds (same seed → same schedule).
public struct SimulatorScenario: Sendable {
    /// One scheduled fault.
    public struct Step: Sendable, Equatable {
        /// Offset from the scenario start.
        public var at: Duration
        /// The fault injected when the step's offset is reached (same effect as `inject(_:)`).
        public var fault: SimulatorFault
        /// Creates a step.
        public init(at: Duration, fault: SimulatorFault) { self.at = at; self.fault = fault }
    }

    /// Steps sorted by time.
    public var steps: [Step]

    /// Creates a scenario from steps.
    public init(steps: [Step]) { self.steps = steps.sorted { $0.at < $1.at } }

    /// Parses the JSON form described above.
    public init(json text: String) throws(SimulatorFaultParseError) {
        let root: JSONValue
        do { root = try JSONValue.parse(text) } catch { throw SimulatorFaultParseError("scenario is not valid JSON: \(error)") }
        guard let object = root.object else { throw SimulatorFaultParseError("scenario must be a JSON object") }
        var steps: [Step] = []
        for (index, entry) in (object["steps"]?.array ?? []).enumerated() {
            guard let stepObject = entry.object else { throw SimulatorFaultParseError("steps[\(index)] must be an object") }
            guard let at = stepObject["at"]?.double, at >= 0 else { throw SimulatorFaultParseError("steps[\(index)].at must be seconds >= 0") }
            do {
                steps.append(Step(at: .milliseconds(Int64(at * 1000)), fault: try SimulatorFault(json: stepObject)))
            } catch {
                throw SimulatorFaultParseError("steps[\(index)]: \(error.message)")
            }
        }
        if let random = object["random"]?.object {
            var rng = SplitMix64(seed: UInt64(object["seed"]?.int64 ?? 1), stream: "scenario")
            let count = min(random["count"]?.int ?? 0, 10_000)
            let within = random["within"]?.double ?? 60
            let names = random["faults"]?.array?.compactMap(\.string) ?? ["dropAll"]
            guard !names.isEmpty, within > 0 else { throw SimulatorFaultParseError("random needs faults and within > 0") }
            for _ in 0..<count {
                let name = names[Int(rng.next() % UInt64(names.count))]
                let at = Double(rng.next() % 1_000_000) / 1_000_000 * within
                var spec = JSONObject()
                spec.append("fault", .string(name))
                spec.append("seconds", .number(WireNumber(1)))
                spec.append("ms", .number(WireNumber(100)))
                spec.append("count", .number(WireNumber(3)))
                do {
                    steps.append(Step(at: .milliseconds(Int64(at * 1000)), fault: try SimulatorFault(json: spec)))
                } catch {
                    throw SimulatorFaultParseError("random fault \(name): \(error.message)")
                }
            }
        }
        self.init(steps: steps)
    }
}
