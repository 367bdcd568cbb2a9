extension FrameDecoder {
    /// Reads `chanId` from a frame that starts like `[123,` (best effort; `nil` otherwise) —
    /// attributing an undecodable frame, or routing a recorded one without decoding it.
    package static func leadingChanId(_ bytes: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        while i < bytes.count, bytes[i] == UInt8(ascii: " ") { i += 1 }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        var value: Int64 = 0
        var digits = 0
        while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9"), digits < 18 {
            value = value * 10 + Int64(bytes[i] - UInt8(ascii: "0"))
            digits += 1
            i += 1
        }
        return digits > 0 ? value : nil
    }
}
