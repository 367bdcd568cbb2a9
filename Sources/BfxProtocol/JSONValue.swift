/// A parsed JSON document that keeps number tokens verbatim (``WireNumber``) and object member
/// order, so re-serialising a value yields the same text for compact input.
public enum JSONValue: Sendable, Hashable {
    /// The JSON literal `null` (Bitfinex uses it for unused or absent row fields).
    case null
    /// `true` / `false`
    case bool(Bool)
    /// A number with its exact wire text.
    case number(WireNumber)
    /// A string (unescaped).
    case string(String)
    /// A JSON array, elements in wire order (every v2 frame is one).
    case array([JSONValue])
    /// An object (member order preserved).
    case object(JSONObject)

    /// The default nesting limit used by the `parse(_:maxDepth:)` overloads (bytes, `String`, raw buffer).
    public static let defaultMaxDepth = 64

    /// Parses one JSON document from UTF-8 bytes with the bfxkit scanner (strict RFC 8259,
    /// UTF-8 validated, nesting limited to `maxDepth`). Throws ``FrameDecodingError``.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = JSONValue.defaultMaxDepth) throws(FrameDecodingError) -> JSONValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buf in
            Result { () throws(FrameDecodingError) -> JSONValue in
                try JSONValue.parse(UnsafeRawBufferPointer(buf), maxDepth: maxDepth)
            }
        }
        if let contiguous { return try contiguous.get() }
        let array = Array(bytes)
        return try array.withUnsafeBytes { buf in
            Result { () throws(FrameDecodingError) -> JSONValue in
                try JSONValue.parse(buf, maxDepth: maxDepth)
            }
        }.get()
    }

    /// Parses one JSON document from a string.
    public static func parse(_ text: String, maxDepth: Int = JSONValue.defaultMaxDepth) throws(FrameDecodingError) -> JSONValue {
        var copy = text
        return try copy.withUTF8 { buf in
            Result { () throws(FrameDecodingError) -> JSONValue in
                try JSONValue.parse(UnsafeRawBufferPointer(buf), maxDepth: maxDepth)
            }
        }.get()
    }

    /// Parses one JSON document from raw memory.
    public static func parse(_ buffer: UnsafeRawBufferPointer, maxDepth: Int = JSONValue.defaultMaxDepth) throws(FrameDecodingError) -> JSONValue {
        var scanner = JSONScanner(buffer, maxDepth: maxDepth)
        return try scanner.parseDocument()
    }

    // MARK: Accessors

    /// The member `key` if this is an object containing it, else `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// The element at `index` if this is an array long enough, else `nil`.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let array) = self, index >= 0, index < array.count { return array[index] }
        return nil
    }

    /// `true` for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The number, if this is a number.
    public var number: WireNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The value as `Int` if this is an integer number in range.
    public var int: Int? {
        guard let v = number?.int64 else { return nil }
        return Int(exactly: v)
    }

    /// The value as `Int64` if this is an integer number in range.
    public var int64: Int64? { number?.int64 }

    /// The value as `Double` if this is a number.
    public var double: Double? { number?.double }

    /// The string, if this is a string.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The Boolean, if this is `true`/`false`.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The elements, if this is an array.
    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The object, if this is an object.
    public var object: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// A short name of the JSON type, for error messages.
    package var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    /// A string value.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer number value.
    public init(integerLiteral value: Int64) { self = .number(WireNumber(value)) }
    /// A Boolean value.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array value.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object value with members in literal order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements.map { JSONObject.Member(key: $0.0, value: $0.1) }))
    }
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
}
