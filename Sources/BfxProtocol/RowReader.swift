/// Reads typed fields from a Bitfinex array row by index. Missing trailing indexes read as
/// `nil` for optional fields (rows may be shorter in old API versions); wrong JSON types throw.
/// Numbers given as strings (the DEC_S flag) are accepted wherever a number is expected.
internal struct RowReader {
    let row: [JSONValue]
    let model: StaticString

    init(_ value: JSONValue, model: StaticString) throws(FrameDecodingError) {
        guard case .array(let row) = value else {
            throw FrameDecodingError(reason: .invalidField(name: "\(model)", expected: "array row"), offset: -1, frame: [])
        }
        self.row = row
        self.model = model
    }

    init(row: [JSONValue], model: StaticString) {
        self.row = row
        self.model = model
    }

    func fail(_ index: Int, _ name: StaticString, _ expected: String) -> FrameDecodingError {
        FrameDecodingError(reason: .invalidField(name: "\(model).\(name)[\(index)]", expected: expected), offset: -1, frame: [])
    }

    @inline(__always) func value(_ index: Int) -> JSONValue? {
        index < row.count ? row[index] : nil
    }

    func optInt(_ index: Int, _ name: StaticString) throws(FrameDecodingError) -> Int64? {
        switch value(index) {
        case nil, .null?: return nil
        case .number(let n)?:
            if let v = n.int64 { return v }
            // Integral values written with a fraction or exponent ("1.0", "1e3").
            let d = n.double
            if d.rounded() == d, d.magnitude < 9.2e18 { return Int64(d) }
            throw fail(index, name, "integer")
        case .string(let s)?:
            if let v = Int64(s) { return v }
            throw fail(index, name, "integer")
        case .bool(let b)?: return b ? 1 : 0
        default: throw fail(index, name, "integer")
        }
    }

    func int(_ index: Int, _ name: StaticString) throws(FrameDecodingError) -> Int64 {
        guard let v = try optInt(index, name) else { throw fail(index, name, "integer (non-null)") }
        return v
    }

    func optNumber(_ index: Int, _ name: StaticString) throws(FrameDecodingError) -> WireNumber? {
        switch value(index) {
        case nil, .null?: return nil
        case .number(let n)?: return n
        case .string(let s)?:
            if let n = WireNumber(s) { return n }
            throw fail(index, name, "number")
        default: throw fail(index, name, "number")
        }
    }

    func number(_ index: Int, _ name: StaticString) throws(FrameDecodingError) -> WireNumber {
        guard let v = try optNumber(index, name) else { throw fail(index, name, "number (non-null)") }
        return v
    }

    func optString(_ index: Int, _ name: StaticString) throws(FrameDecodingError) -> String? {
        switch value(index) {
        case nil, .null?: return nil
        case .string(let s)?: return s
        default: throw fail(index, name, "string")
        }
    }

    func string(_ index: Int, _ name: StaticString) throws(FrameDecodingError) -> String {
        guard let v = try optString(index, name) else { throw fail(index, name, "string (non-null)") }
        return v
    }

    func optJSON(_ index: Int, _ name: StaticString) throws(FrameDecodingError) -> JSONValue? {
        switch value(index) {
        case nil, .null?: return nil
        case let v?: return v
        }
    }
}
