import BfxProtocol

/// Scrubs secrets from a diagnostics bundle before it leaves the process.
///
/// The backend already masks its config; this is the second, independent line of defence:
/// values under secret-looking keys are replaced, and any literal secret the runtime knows
/// (API key, API secret, database password) is cut out of every string.
package struct DiagnosticsRedactor: Sendable {
    /// Replacement text.
    package static let mask = "***"
    /// Key fragments (lower-case) whose values are always masked.
    package static let secretKeyFragments = ["secret", "password", "passphrase", "token", "signature", "api_key", "apikey", "private"]

    private let secrets: [String]

    /// Creates a redactor for the given literal secrets (values shorter than 4 characters are
    /// ignored: masking them would destroy unrelated text without protecting anything).
    package init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// Returns `value` with secrets masked.
    package func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(scrub(text))
        case .array(let items): return .array(items.map(redact))
        case .object(let fields):
            return .fields(fields.map { field in
                let lower = field.key.lowercased()
                if Self.secretKeyFragments.contains(where: lower.contains), field.value != .null {
                    return JSONObject.Member(field.key, .string(Self.mask))
                }
                return JSONObject.Member(scrub(field.key), redact(field.value))
            })
        case .null, .bool, .number: return value
        }
    }

    /// Masks every known secret inside `text`.
    package func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacingAll(secret, with: Self.mask)
        }
        return result
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        var result = ""
        var rest = Substring(self)
        // Bounded by the string length: each iteration consumes at least one character.
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}
