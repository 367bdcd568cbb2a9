/// One problem found while validating a configuration file, with its position and a hint.
public struct ConfigIssue: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The category of a configuration problem.
    public enum Kind: String, Sendable, Codable, Hashable {
        /// A key that the schema does not define.
        case unknownKey
        /// A value of the wrong YAML type (e.g. a list where a number is expected).
        case wrongType
        /// A number outside its allowed range.
        case outOfRange
        /// A value that has the right type but is not allowed (bad enum value, bad URL, ...).
        case invalidValue
        /// A required key that is absent.
        case missingKey
        /// A `${VAR}` reference to an environment variable that is not set.
        case missingEnv
        /// A credential written literally instead of as a `${VAR}` reference.
        case literalSecret
        /// The same key twice in one mapping, or a duplicate name.
        case duplicateKey
    }

    /// The file the problem is in.
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column number.
    public var column: Int
    /// The key path, e.g. `connections[0].channels[2].prec`.
    public var path: String
    /// The category.
    public var kind: Kind
    /// What is wrong.
    public var message: String
    /// How to fix it (did-you-mean, allowed values), if known.
    public var hint: String?

    /// Creates an issue.
    public init(file: String, line: Int, column: Int, path: String, kind: Kind, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.kind = kind
        self.message = message
        self.hint = hint
    }

    /// `file:line:column: error: path: message (hint)`.
    public var description: String {
        var text = "\(file):\(line):\(column): error: \(path.isEmpty ? "<root>" : path): \(message)"
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
