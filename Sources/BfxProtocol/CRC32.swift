internal import CBfxCRC32

/// CRC-32/IEEE 802.3 (reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF), the
/// checksum Bitfinex uses for order books (same as zlib `crc32`, Go `crc32.ChecksumIEEE`).
///
/// Hand-written because swift-crypto (our only allowed crypto dependency) has no CRC, and the
/// book checksum must be computed incrementally over number bytes without building a `String`.
/// Slicing-by-8 (eight 256-entry tables, 8 bytes per step) — the byte-at-a-time loop measured
/// ~1.6 µs for a 25-level book checksum, slicing-by-8 brings it well under the 2 µs budget.
public enum CRC32 {
    /// Eight 256-entry tables (table k at offset k*256); table 0 is the classic byte table.
    @usableFromInline static let table: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 8 * 256)
        for n in 0..<256 {
            var c = UInt32(n)
            for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[n] = c
        }
        for k in 1..<8 {
            for n in 0..<256 {
                let prev = t[(k - 1) * 256 + n]
                t[k * 256 + n] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    /// Sixteen 256-entry tables for slicing-by-16 (table k at offset k*256; the first eight
    /// equal ``table``). One dependent step per 16 bytes instead of per 8 roughly halves the
    /// time of a book checksum, the largest item of the client's loop at 250k+ checksums/s
    /// (docs/performance.md). 16 KiB, built once.
    @usableFromInline static let table16: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 16 * 256)
        for n in 0..<(8 * 256) { t[n] = table[n] }
        for k in 8..<16 {
            for n in 0..<256 {
                let prev = t[(k - 1) * 256 + n]
                t[k * 256 + n] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    /// Slicing-by-16 update over `bytes` with the ``table16`` base pointer.
    @usableFromInline @inline(__always)
    static func update16(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer, table t: UnsafePointer<UInt32>) -> UInt32 {
        var c = crc
        guard let p = bytes.baseAddress else { return c }
        var i = 0
        let n = bytes.count
        while n - i >= 16 {
            let w0 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ c
            let w1 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
            let w2 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i + 8, as: UInt32.self))
            let w3 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: i + 12, as: UInt32.self))
            c = t[15 * 256 + Int(w0 & 0xFF)] ^ t[14 * 256 + Int((w0 >> 8) & 0xFF)]
                ^ t[13 * 256 + Int((w0 >> 16) & 0xFF)] ^ t[12 * 256 + Int(w0 >> 24)]
                ^ t[11 * 256 + Int(w1 & 0xFF)] ^ t[10 * 256 + Int((w1 >> 8) & 0xFF)]
                ^ t[9 * 256 + Int((w1 >> 16) & 0xFF)] ^ t[8 * 256 + Int(w1 >> 24)]
                ^ t[7 * 256 + Int(w2 & 0xFF)] ^ t[6 * 256 + Int((w2 >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((w2 >> 16) & 0xFF)] ^ t[4 * 256 + Int(w2 >> 24)]
                ^ t[3 * 256 + Int(w3 & 0xFF)] ^ t[2 * 256 + Int((w3 >> 8) & 0xFF)]
                ^ t[1 * 256 + Int((w3 >> 16) & 0xFF)] ^ t[Int(w3 >> 24)]
            i += 16
        }
        while i < n {
            c = t[Int((c ^ UInt32(p.load(fromByteOffset: i, as: UInt8.self))) & 0xFF)] ^ (c >> 8)
            i += 1
        }
        return c
    }

    /// The initial register value.
    public static let initial: UInt32 = 0xFFFF_FFFF

    /// Feeds `bytes` into a running register (start with ``initial``, finish with ``finalize(_:)``).
    @inlinable
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        table16.withUnsafeBufferPointer { t in
            guard let base = t.baseAddress else { return crc }
            return update16(crc, bytes, table: base)
        }
    }

    @usableFromInline @inline(__always)
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer, table t: UnsafeBufferPointer<UInt32>) -> UInt32 {
        var c = crc
        var i = 0
        let n = bytes.count
        while n - i >= 8 {
            let lo = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ c
            let hi = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
            c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                ^ t[1 * 256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
            i += 8
        }
        while i < n {
            c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
            i += 1
        }
        return c
    }

    @usableFromInline @inline(__always)
    static func update(_ crc: UInt32, byte b: UInt8, table t: UnsafeBufferPointer<UInt32>) -> UInt32 {
        t[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8)
    }

    /// Whether ``updateAccelerated(_:_:)`` folds with carry-less multiplication on this CPU
    /// (x86-64 with PCLMULQDQ and SSE4.1).
    public static let isAccelerated: Bool = bfx_crc32_fold_available() != 0

    /// The same register as ``update(_:_:)``, folding 16-byte blocks of inputs of 64 bytes or
    /// more by carry-less multiplication where the CPU has it (see ``isAccelerated``); the tail,
    /// short inputs and other CPUs use the tables. About 4 times faster on a 25-level book text
    /// (80 against 305 ns for 659 bytes, docs/performance.md). The simulator keeps the table code, so every checksum test compares
    /// the two implementations.
    public static func updateAccelerated(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard bytes.count >= 64, isAccelerated, let base = bytes.baseAddress else { return update(crc, bytes) }
        let folded = bytes.count & ~15
        let c = bfx_crc32_fold(crc, base.assumingMemoryBound(to: UInt8.self), folded)
        return update(c, UnsafeRawBufferPointer(rebasing: bytes[folded...]))
    }

    /// Finishes a running checksum started at ``initial`` and fed with ``update(_:_:)``: XORs with
    /// `0xFFFFFFFF`, giving the standard CRC-32 value.
    @inlinable
    public static func finalize(_ crc: UInt32) -> UInt32 { crc ^ 0xFFFF_FFFF }

    /// CRC-32 of a byte sequence.
    public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
        let array = Array(bytes)
        return array.withUnsafeBytes { finalize(update(initial, $0)) }
    }

    /// CRC-32 of a string's UTF-8 bytes.
    public static func checksum(_ text: String) -> UInt32 {
        checksum(Array(text.utf8))
    }
}
