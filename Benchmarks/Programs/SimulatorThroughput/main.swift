// Frames per second the simulator pushes to ONE loopback WebSocket connection in `.unthrottled`
// mode, read by a plain blocking-socket client (no NIO, no JSON parsing: it only walks WebSocket
// frame headers), so the figure is the simulator's, not a client's.
// Run: cd Benchmarks && swift run -c release SimulatorThroughput [seconds] [channels: book|mixed]
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BfxSimulator

/// Minimal RFC 6455 client over a blocking socket.
final class PlainWSClient {
    let fd: Int32
    private var buffer = [UInt8](repeating: 0, count: 1 << 20)
    private var start = 0
    private var end = 0

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw BenchError.connect(errno) }
        let request = "GET /ws/2 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        sendAll(Array(request.utf8))
        // read the 101 response head
        while true {
            try fill()
            let bytes = buffer[start..<end]
            if let range = findHeaderEnd(bytes) { start = range; break }
        }
    }

    private func findHeaderEnd(_ bytes: ArraySlice<UInt8>) -> Int? {
        var i = bytes.startIndex
        while i + 3 < bytes.endIndex {
            if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 { return i + 4 }
            i += 1
        }
        return nil
    }

    private func sendAll(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Sends a masked text frame.
    func sendText(_ text: String) {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 { frame.append(0x80 | UInt8(payload.count)) }
        else { frame.append(0x80 | 126); frame.append(UInt8(payload.count >> 8)); frame.append(UInt8(payload.count & 0xFF)) }
        let mask: [UInt8] = [1, 2, 3, 4]
        frame += mask
        for (i, b) in payload.enumerated() { frame.append(b ^ mask[i & 3]) }
        sendAll(frame)
    }

    private func fill() throws {
        if start > 0 {
            let count = end - start
            if count > 0 { buffer.withUnsafeMutableBufferPointer { p in
                guard let base = p.baseAddress else { return }
                memmove(base, base + start, count)
            } }
            end = count
            start = 0
        }
        if end == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
        let free = buffer.count - end
        let n = buffer.withUnsafeMutableBytes { raw in recv(fd, raw.baseAddress.map { $0 + end }, free, 0) }
        guard n > 0 else { throw BenchError.closed }
        end += n
    }

    /// Reads frames until `deadline`; returns (text frames, payload bytes). Calls `onText` for the
    /// first `inspect` text frames (to confirm subscriptions).
    func count(until deadline: ContinuousClock.Instant) throws -> (frames: Int, bytes: Int) {
        var frames = 0
        var bytes = 0
        while ContinuousClock.now < deadline {
            try fill()
            while end - start >= 2 {
                let b1 = Int(buffer[start + 1] & 0x7F)
                var header = 2
                var length = b1
                if b1 == 126 {
                    guard end - start >= 4 else { break }
                    length = Int(buffer[start + 2]) << 8 | Int(buffer[start + 3]); header = 4
                } else if b1 == 127 {
                    guard end - start >= 10 else { break }
                    length = 0
                    for i in 0..<8 { length = length << 8 | Int(buffer[start + 2 + i]) }
                    header = 10
                }
                guard end - start >= header + length else { break }
                if buffer[start] & 0x0F == 1 { frames += 1; bytes += length }
                start += header + length
            }
        }
        return (frames, bytes)
    }

    deinit { close(fd) }
}

enum BenchError: Error { case connect(Int32), closed }

let arguments = CommandLine.arguments
let seconds = arguments.count > 1 ? Double(arguments[1]) ?? 5 : 5
let mixed = arguments.count > 2 && arguments[2] == "mixed"

var configuration = SimulatorConfiguration()
configuration.tickMode = .unthrottled
configuration.heartbeatInterval = .seconds(15)
let sim = try await BfxSimulator.start(configuration)
let client = try PlainWSClient(port: sim.port)
client.sendText("{\"event\":\"conf\",\"flags\":196608}")  // SEQ_ALL + OB_CHECKSUM
for symbol in ["tBTCUSD", "tETHUSD", "tXRPBTC", "tETHBTC"] {
    client.sendText("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"\(symbol)\",\"prec\":\"R0\",\"len\":\"250\"}")
    if mixed {
        client.sendText("{\"event\":\"subscribe\",\"channel\":\"trades\",\"symbol\":\"\(symbol)\"}")
        client.sendText("{\"event\":\"subscribe\",\"channel\":\"book\",\"symbol\":\"\(symbol)\",\"prec\":\"P0\",\"len\":\"25\"}")
    }
}
// warm-up: let subscriptions and snapshots settle
_ = try client.count(until: ContinuousClock.now.advanced(by: .milliseconds(500)))
let started = ContinuousClock.now
let result = try client.count(until: started.advanced(by: .milliseconds(Int64(seconds * 1000))))
let elapsed = ContinuousClock.now - started
let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
let stats = await sim.stats()
print("simulator unthrottled, one loopback connection (\(mixed ? "12 channels: R0/250 + P0/25 books + trades x4" : "4 R0/250 books"), SEQ_ALL+OB_CHECKSUM):")
print("  \(Int(Double(result.frames) / secs)) frames/s, \(Int(Double(result.bytes) / secs / 1_048_576)) MiB/s payload over \((secs * 100).rounded() / 100) s; ticks \(stats.ticks)")
await sim.shutdown()
