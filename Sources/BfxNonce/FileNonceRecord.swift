import Foundation
import Synchronization

/// The on-disk record: one fixed-size text line, so it is rewritten in place with one `pwrite`.
struct FileNonceRecord: Equatable {
    static let size = 256
    var last: Int64
    var reserved: Int64
    var holder: String

    struct ParseError: Error { let message: String }

    func encoded() -> [UInt8] {
        let safeHolder = String(holder.map { $0.isNewline ? " " : $0 }.prefix(160))
        var line = Array("bfxnonce v1 last=\(last) reserved=\(reserved) holder=\(safeHolder)".utf8)
        if line.count > Self.size - 1 { line = Array(line.prefix(Self.size - 1)) }
        line.append(contentsOf: Array(repeating: UInt8(ascii: " "), count: Self.size - 1 - line.count))
        line.append(UInt8(ascii: "\n"))
        return line
    }

    static func read(fd: Int32) -> Result<FileNonceRecord, ParseError> {
        var buffer = [UInt8](repeating: 0, count: size)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
        if n < 0 { return .failure(ParseError(message: "read: \(String(cString: strerror(errno)))")) }
        if n == 0 { return .success(FileNonceRecord(last: 0, reserved: 0, holder: "")) }
        return parse(String(decoding: buffer[0..<n], as: UTF8.self))
    }

    static func parse(_ text: String) -> Result<FileNonceRecord, ParseError> {
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
        guard line.hasPrefix("bfxnonce v1 ") else {
            return .failure(ParseError(message: "not a bfxnonce v1 state file: '\(line.prefix(40))'"))
        }
        var last: Int64?
        var reserved: Int64?
        var holder = ""
        if let range = line.range(of: " holder=") {
            holder = String(line[range.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        for field in line.split(separator: " ") {
            if field.hasPrefix("last=") { last = Int64(field.dropFirst(5)) }
            if field.hasPrefix("reserved=") { reserved = Int64(field.dropFirst(9)) }
        }
        guard let last, let reserved else {
            return .failure(ParseError(message: "corrupt bfxnonce state: '\(line.prefix(80))'"))
        }
        return .success(FileNonceRecord(last: last, reserved: reserved, holder: holder))
    }
}
