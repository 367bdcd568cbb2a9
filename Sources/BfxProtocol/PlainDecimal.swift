/// Converts JSON number text to plain decimal notation (no exponent), used for order inputs
/// where Bitfinex expects decimal strings. Pure digit shifting: no floating point involved.
internal enum PlainDecimal {
    static func plain(_ text: String) -> String {
        var chars = Array(text.utf8)
        var negative = false
        if chars.first == UInt8(ascii: "-") { negative = true; chars.removeFirst() }
        var exponent = 0
        if let eIndex = chars.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            let expText = String(decoding: chars[(eIndex + 1)...], as: UTF8.self)
            exponent = Int(expText.hasPrefix("+") ? String(expText.dropFirst()) : expText) ?? 0
            chars.removeSubrange(eIndex...)
        }
        var intPart: [UInt8]
        var fracPart: [UInt8]
        if let dot = chars.firstIndex(of: UInt8(ascii: ".")) {
            intPart = Array(chars[..<dot])
            fracPart = Array(chars[(dot + 1)...])
        } else {
            intPart = chars
            fracPart = []
        }
        if exponent > 0 {
            let move = min(exponent, fracPart.count)
            intPart += fracPart[..<move]
            fracPart.removeFirst(move)
            if exponent > move { intPart += [UInt8](repeating: UInt8(ascii: "0"), count: exponent - move) }
        } else if exponent < 0 {
            let move = min(-exponent, intPart.count)
            fracPart = Array(intPart[(intPart.count - move)...]) + fracPart
            intPart.removeLast(move)
            if -exponent > move { fracPart = [UInt8](repeating: UInt8(ascii: "0"), count: -exponent - move) + fracPart }
        }
        while intPart.count > 1 && intPart.first == UInt8(ascii: "0") { intPart.removeFirst() }
        if intPart.isEmpty { intPart = [UInt8(ascii: "0")] }
        if exponent != 0 {
            while fracPart.last == UInt8(ascii: "0") { fracPart.removeLast() }
        }
        var out = intPart
        if !fracPart.isEmpty { out += [UInt8(ascii: ".")] + fracPart }
        let isZero = !out.contains { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }
        if negative && !isZero { out.insert(UInt8(ascii: "-"), at: 0) }
        return String(decoding: out, as: UTF8.self)
    }
}
