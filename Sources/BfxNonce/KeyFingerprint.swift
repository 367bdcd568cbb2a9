/// Short, stable, non-reversible-enough identifiers for API keys in logs, files and metrics, so
/// the key itself never appears anywhere.
public enum KeyFingerprint {
    /// `k-` followed by 12 hex digits of the key's FNV-1a-64 hash. Not a security primitive: it
    /// only keeps the key out of logs while letting operators tell keys apart.
    public static func of(apiKey: String) -> String {
        "k-" + String(fnv1aHex(apiKey).prefix(12))
    }

    /// FNV-1a 64-bit of the UTF-8 bytes, 16 lowercase hex digits.
    package static func fnv1aHex(_ text: String) -> String {
        let hex = String(fnv1a(text), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// FNV-1a 64-bit of the UTF-8 bytes.
    package static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
