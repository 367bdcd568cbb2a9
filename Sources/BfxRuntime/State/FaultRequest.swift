import BfxSimulator

/// A fault to inject into the embedded simulator (console `fault ...`, YAML `simulator.faults`).
public enum FaultRequest: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Close every WebSocket connection.
    case drop
    /// Silent stall of every connection for `seconds`.
    case stall(seconds: Double)
    /// Info 20051.
    case restart
    /// 20060 then 20061 after `seconds`.
    case maintenance(seconds: Double)
    /// Next checksum wrong.
    case checksum
    /// Next sequence number skipped.
    case sequenceGap
    /// One malformed frame.
    case malformed
    /// Slow reads of client frames (`seconds` per message; 0 clears).
    case slowConsumer(seconds: Double)
    /// Reject the next `count` nonces with 10114.
    case nonce(count: Int)
    /// Next `count` REST calls get 429.
    case rateLimit(count: Int)
    /// Next `count` REST calls get HTTP 500.
    case restError(count: Int)
    /// Latency on every message (0 clears).
    case latency(milliseconds: Int)
    /// Clear persistent faults.
    case clear

    /// The names accepted by `parse`.
    public static let names = ["drop", "stall", "restart", "maintenance", "checksum", "sequence_gap", "malformed",
                               "slow_consumer", "nonce", "rate_limit", "rest_error", "latency", "clear"]

    /// Parses `drop`, `stall 5`, `maintenance 10`, `nonce 2`, `latency 200`, ...
    public static func parse(_ words: [String]) throws(RuntimeError) -> FaultRequest {
        guard let name = words.first?.lowercased() else {
            throw .invalidArgument("fault name missing; one of: \(names.joined(separator: ", "))")
        }
        let argument = words.dropFirst().first
        func number(_ fallback: Double) throws(RuntimeError) -> Double {
            guard let argument else { return fallback }
            guard let value = Double(argument), value >= 0, value.isFinite else { throw .invalidArgument("'\(argument)' is not a non-negative number") }
            return value
        }
        switch name.replacingOccurrences(of: "-", with: "_") {
        case "drop": return .drop
        case "stall": return .stall(seconds: try number(5))
        case "restart": return .restart
        case "maintenance": return .maintenance(seconds: try number(5))
        case "checksum": return .checksum
        case "sequence_gap", "seq": return .sequenceGap
        case "malformed": return .malformed
        case "slow_consumer", "slow": return .slowConsumer(seconds: try number(0.5))
        case "nonce": return .nonce(count: Int(try number(1)))
        case "rate_limit": return .rateLimit(count: Int(try number(1)))
        case "rest_error": return .restError(count: Int(try number(1)))
        case "latency": return .latency(milliseconds: Int(try number(100)))
        case "clear": return .clear
        default:
            let hint = Suggest.closest(to: name, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw .invalidArgument("unknown fault '\(name)'\(hint); one of: \(names.joined(separator: ", "))")
        }
    }

    /// From a scheduled YAML step.
    init(step: FaultStep) {
        let seconds = step.duration?.seconds
        switch step.fault {
        case .drop: self = .drop
        case .stall: self = .stall(seconds: seconds ?? 5)
        case .restart: self = .restart
        case .maintenance: self = .maintenance(seconds: seconds ?? 5)
        case .checksum: self = .checksum
        case .sequenceGap: self = .sequenceGap
        case .malformed: self = .malformed
        case .slowConsumer: self = .slowConsumer(seconds: seconds ?? 0.5)
        case .nonce: self = .nonce(count: step.count ?? 1)
        case .rateLimit: self = .rateLimit(count: step.count ?? 1)
        case .restError: self = .restError(count: step.count ?? 1)
        case .latency: self = .latency(milliseconds: Int((seconds ?? 0.1) * 1000))
        }
    }

    /// The simulator faults implementing this request (nonce rejection is one fault per count).
    var simulatorFaults: [SimulatorFault] {
        func duration(_ s: Double) -> Duration { .milliseconds(Int64(s * 1000)) }
        switch self {
        case .drop: return [.dropAll]
        case .stall(let s): return [.stall(connection: nil, duration: duration(s))]
        case .restart: return [.restart]
        case .maintenance(let s): return [.maintenance(duration: duration(s))]
        case .checksum: return [.corruptNextChecksum(connection: nil)]
        case .sequenceGap: return [.skipSequence(connection: nil)]
        case .malformed: return [.malformedFrame(connection: nil)]
        case .slowConsumer(let s): return [.slowReader(connection: nil, perMessage: duration(s))]
        case .nonce(let count): return Array(repeating: .rejectNextNonce(apiKey: nil), count: max(1, min(count, 1000)))
        case .rateLimit(let count): return [.restRateLimit(count: count)]
        case .restError(let count): return [.restErrors(count: count)]
        case .latency(let ms): return [.latency(.milliseconds(ms))]
        case .clear: return [.clear]
        }
    }

    /// Short text.
    public var description: String {
        switch self {
        case .drop: return "drop"
        case .stall(let s): return "stall \(s)s"
        case .restart: return "restart (20051)"
        case .maintenance(let s): return "maintenance \(s)s"
        case .checksum: return "checksum"
        case .sequenceGap: return "sequence_gap"
        case .malformed: return "malformed"
        case .slowConsumer(let s): return "slow_consumer \(s)s"
        case .nonce(let c): return "nonce x\(c)"
        case .rateLimit(let c): return "rate_limit x\(c)"
        case .restError(let c): return "rest_error x\(c)"
        case .latency(let ms): return "latency \(ms)ms"
        case .clear: return "clear"
        }
    }
}
