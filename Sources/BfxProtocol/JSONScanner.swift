/// The bfxkit JSON scanner: a strict, depth-limited, UTF-8-validating recursive-descent parser
/// over raw bytes. Hand-written (see docs/adr/0002-decoder-design.md) because Foundation's
/// `JSONSerialization`/`JSONDecoder` lose number tokens (`7e-7` → `7e-07`), cost several
/// allocations per frame and report no byte offsets.
internal struct JSONScanner {
    let buf: UnsafeRawBufferPointer
    var index: Int = 0
    let maxDepth: Int

    init(_ buf: UnsafeRawBufferPointer, maxDepth: Int) {
        self.buf = buf
        self.maxDepth = maxDepth
    }

    func error(_ reason: FrameDecodingError.Reason, at offset: Int) -> FrameDecodingError {
        FrameDecodingError(reason: reason, offset: offset, frame: buf)
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while index < buf.count {
            let b = buf[index]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 } else { return }
        }
    }

    mutating func parseDocument() throws(FrameDecodingError) -> JSONValue {
        skipWhitespace()
        guard index < buf.count else { throw error(.empty, at: 0) }
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard index == buf.count else { throw error(.trailingBytes, at: index) }
        return value
    }

    mutating func parseValue(depth: Int) throws(FrameDecodingError) -> JSONValue {
        skipWhitespace()
        guard index < buf.count else { throw error(.unexpectedEnd, at: index) }
        let b = buf[index]
        switch b {
        case UInt8(ascii: "["):
            guard depth < maxDepth else { throw error(.nestingTooDeep(limit: maxDepth), at: index) }
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < buf.count && buf[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                elements.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard index < buf.count else { throw error(.unexpectedEnd, at: index) }
                let c = buf[index]
                index += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "]") { return .array(elements) }
                throw error(.unexpectedByte(c), at: index - 1)
            }
        case UInt8(ascii: "{"):
            guard depth < maxDepth else { throw error(.nestingTooDeep(limit: maxDepth), at: index) }
            index += 1
            var object = JSONObject()
            skipWhitespace()
            if index < buf.count && buf[index] == UInt8(ascii: "}") {
                index += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                guard index < buf.count else { throw error(.unexpectedEnd, at: index) }
                guard buf[index] == UInt8(ascii: "\"") else { throw error(.unexpectedByte(buf[index]), at: index) }
                let key = try parseString()
                skipWhitespace()
                guard index < buf.count else { throw error(.unexpectedEnd, at: index) }
                guard buf[index] == UInt8(ascii: ":") else { throw error(.unexpectedByte(buf[index]), at: index) }
                index += 1
                let value = try parseValue(depth: depth + 1)
                object.append(key, value)
                skipWhitespace()
                guard index < buf.count else { throw error(.unexpectedEnd, at: index) }
                let c = buf[index]
                index += 1
                if c == UInt8(ascii: ",") { continue }
                if c == UInt8(ascii: "}") { return .object(object) }
                throw error(.unexpectedByte(c), at: index - 1)
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error(.unexpectedByte(b), at: index)
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(FrameDecodingError) {
        let n = literal.utf8CodeUnitCount
        let start = literal.utf8Start
        for k in 0..<n {
            guard index + k < buf.count else { throw error(.unexpectedEnd, at: buf.count) }
            guard buf[index + k] == start[k] else { throw error(.unexpectedByte(buf[index + k]), at: index + k) }
        }
        index += n
    }

    @inline(__always)
    mutating func parseNumber() throws(FrameDecodingError) -> WireNumber {
        let start = index
        let end = JSONNumberGrammar.validLength(buf, from: start)
        guard end > start else {
            // Distinguish truncation from bad grammar for better diagnostics.
            throw error(numberEndsAtBufferEnd(start) ? .unexpectedEnd : .invalidNumber, at: start)
        }
        guard end - start <= WireNumber.maxLength else { throw error(.numberTooLong, at: start) }
        index = end
        return WireNumber(uncheckedBytes: UnsafeRawBufferPointer(rebasing: buf[start..<end]))
    }

    private func numberEndsAtBufferEnd(_ start: Int) -> Bool {
        var i = start
        while i < buf.count {
            let b = buf[i]
            let numeric = JSONNumberGrammar.isDigit(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
            if !numeric { return false }
            i += 1
        }
        return true
    }

    /// Parses a string starting at the opening quote.
    mutating func parseString() throws(FrameDecodingError) -> String {
        index += 1  // opening quote
        let start = index
        var asciiOnly = true
        // Fast scan: no escapes.
        while index < buf.count {
            let b = buf[index]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: buf[start..<index])
                index += 1
                if asciiOnly { return String(decoding: slice, as: UTF8.self) }
                guard let s = String(validating: slice, as: UTF8.self) else {
                    throw error(.invalidUTF8, at: start)
                }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error(.invalidEscape, at: index) }
            if b >= 0x80 { asciiOnly = false }
            index += 1
        }
        guard index < buf.count else { throw error(.unexpectedEnd, at: index) }
        // Slow path with escapes.
        var bytes = [UInt8](UnsafeRawBufferPointer(rebasing: buf[start..<index]))
        while index < buf.count {
            let b = buf[index]
            if b == UInt8(ascii: "\"") {
                index += 1
                guard let s = String(validating: bytes, as: UTF8.self) else { throw error(.invalidUTF8, at: start) }
                return s
            }
            if b < 0x20 { throw error(.invalidEscape, at: index) }
            if b != UInt8(ascii: "\\") {
                bytes.append(b)
                index += 1
                continue
            }
            let escStart = index
            index += 1
            guard index < buf.count else { throw error(.unexpectedEnd, at: index) }
            let e = buf[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C)
            case UInt8(ascii: "/"): bytes.append(0x2F)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4(escStart)
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard index + 1 < buf.count, buf[index] == UInt8(ascii: "\\"), buf[index + 1] == UInt8(ascii: "u") else {
                        throw error(.invalidEscape, at: escStart)
                    }
                    index += 2
                    let low = try parseHex4(escStart)
                    guard low >= 0xDC00 && low < 0xE000 else { throw error(.invalidEscape, at: escStart) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw error(.invalidEscape, at: escStart)
                }
                guard let us = Unicode.Scalar(scalar) else { throw error(.invalidEscape, at: escStart) }
                bytes.append(contentsOf: Array(String(Character(us)).utf8))
            default:
                throw error(.invalidEscape, at: escStart)
            }
        }
        throw error(.unexpectedEnd, at: index)
    }

    private mutating func parseHex4(_ escStart: Int) throws(FrameDecodingError) -> UInt32 {
        guard index + 4 <= buf.count else { throw error(.unexpectedEnd, at: buf.count) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = buf[index]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
            default: throw error(.invalidEscape, at: escStart)
            }
            v = v << 4 | d
            index += 1
        }
        return v
    }
}
