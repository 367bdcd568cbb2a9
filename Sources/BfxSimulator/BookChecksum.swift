import BfxProtocol

/// The `cs` value for a checksum input string (reference §4.2), via BfxProtocol's CRC-32 so the
/// simulator and the client share one implementation.
enum BookChecksum {
    static func value(of text: String) -> Int32 {
        Int32(bitPattern: CRC32.checksum(text))
    }
}
