import Foundation
import Testing
@testable import BfxProtocol


/// Mutation fuzzer over real-shaped frames; shared by the bounded test and the opt-in long run.
struct FrameFuzzer {
    static let corpus: [String] = [
        "[17,[9000,2,1.5]]", "[17,[7e-7,1,-10000],42]", "[17,[[9000,2,1.5],[9001,1,-0.25]]]", "[18,[2567606289,1876.5,1.4305]]",
        "[19,[0.0002,2,5,-100]]", "[17,\"hb\"]", "[17,\"cs\",-1265340191,7]", "[0,\"hb\"]",
        "[20,[7616.5,31.89055171,7617.5,43.358118,-550.8,-0.0674,7617.1,8314.71200815,8257.8,7500]]",
        "[21,\"te\",[401597395,1574694478808,0.005,7245.3]]", "[21,\"tu\",[401597395,1574694478808,-0.005,7245.3],9,1574694478900]", "[21,[[401597395,1574694478808,0.005,7245.3]]]",
        "[22,[[1574698260000,7379.785503,7383.8,7388.3,7379.785503,1.68829482]]]",
        #"{"event":"info","version":2,"serverId":"e293377e","platform":{"status":1}}"#, #"{"event":"info","code":20051,"msg":"restart"}"#,
        #"{"event":"subscribed","channel":"book","chanId":23,"symbol":"tBTCUSD","prec":"P0","freq":"F0","len":"25","subId":"é"}"#,
        #"{"event":"auth","status":"FAILED","chanId":0,"code":10114,"msg":"nonce: small"}"#,
        #"[0,"n",[1611922089,"on-req",null,null,[1201469553,0,788,"tBTCUSD",1611922089073,1611922089073,0.001,0.001,"EXCHANGE LIMIT",null,null,null,0,"ACTIVE",null,null,33,0,0,0,null,null,null,0,0,null,null,null,"API>BFX",null,null,null],null,"SUCCESS","Submitting"]]"#,
        #"[0,"ws",[["exchange","BTC",0.0010349,0,null,null,{"reason":"TRADE"}]]]"#, #"[0,"miu",["base",[-13.01,0,49331.7,49318.6,27]]]"#,
        #"[0,"te",[402088407,"tETHUST",1574963975602,34938060782,-0.2,153.57,"MARKET",0,-1,null,null,0]]"#,
        #"[24,[["pos",145400868,1609144352338,null,"tETHF0:USTF0",-1.67288094,730.96,null,1,1,null,736.13]]]"#,
    ]

    var rng: SplitMix64
    var decoder: FrameDecoder

    init(seed: UInt64) {
        rng = SplitMix64(seed: seed)
        decoder = FrameDecoder()
        decoder.register(chanId: 17, kind: .book(funding: false))
        decoder.register(chanId: 18, kind: .rawBook(funding: false))
        decoder.register(chanId: 19, kind: .book(funding: true))
        decoder.register(chanId: 20, kind: .ticker(funding: false))
        decoder.register(chanId: 21, kind: .trades(funding: false))
        decoder.register(chanId: 22, kind: .candles)
        decoder.register(chanId: 24, kind: .liquidations)
    }

    mutating func int(_ n: Int) -> Int { n <= 0 ? 0 : Int(rng.next() % UInt64(n)) }

    mutating func input() -> [UInt8] {
        var bytes = Array(FrameFuzzer.corpus[int(FrameFuzzer.corpus.count)].utf8)
        switch int(10) {
        case 0:  // random garbage
            return (0..<int(64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        case 1:  // truncation
            return Array(bytes.prefix(int(bytes.count + 1)))
        case 2:  // deep nesting
            let depth = 1 + int(200)
            return Array(repeating: UInt8(ascii: "["), count: depth) + bytes + Array(repeating: UInt8(ascii: "]"), count: int(2) == 0 ? depth : int(depth))
        case 3:  // huge / odd numbers spliced in
            let huge = ["1" + String(repeating: "0", count: int(400)), "1e99999", "-0.0000000000000000000000000000001", "9223372036854775808",
                        "-", "1e", "00", "1.e5", "NaN", "Infinity"][int(10)]
            let at = int(bytes.count)
            bytes.insert(contentsOf: Array(huge.utf8), at: at)
            return bytes
        case 4:  // invalid UTF-8
            bytes.insert(contentsOf: [[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF]][int(5)], at: int(bytes.count))
            return bytes
        default:  // 1–4 byte flips / replacements
            for _ in 0..<(1 + int(4)) where !bytes.isEmpty {
                let i = int(bytes.count)
                if int(2) == 0 {
                    bytes[i] ^= UInt8(truncatingIfNeeded: 1 << int(8))
                } else {
                    bytes[i] = Array("[]{},:\"0-.e9tfn \\".utf8)[int(17)]
                }
            }
            return bytes
        }
    }

    struct Stats {
        var decoded = 0
        var errors = 0
        var fastPathChecked = 0
    }

    /// Runs `iterations` inputs (stopping early at `deadline`); records issues for violations.
    mutating func run(iterations: Int, deadline: Date) -> (Stats, Int) {
        var stats = Stats()
        var done = 0
        for _ in 0..<iterations {
            if done % 1024 == 0 && Date() > deadline { break }
            done += 1
            let bytes = input()
            // Property 1: the fast path never disagrees with the strict general path.
            let fast = bytes.withUnsafeBytes { decoder.fastPath($0) }
            if let fast {
                stats.fastPathChecked += 1
                var general = decoder
                let slow = try? bytes.withUnsafeBytes { buf in Result { () throws(FrameDecodingError) in try general.decodeGeneral(buf) } }.get()
                if slow != fast { Issue.record("fast/general mismatch for \(String(decoding: bytes, as: UTF8.self))") }
            }
            // Property 2: decode returns a frame or throws a typed error with sane context.
            var copy = decoder  // keep the registry stable across inputs
            do {
                _ = try copy.decode(bytes)
                stats.decoded += 1
            } catch {
                stats.errors += 1
                if error.offset < -1 || error.offset > bytes.count { Issue.record("bad offset \(error.offset) for \(bytes.count) bytes") }
                if error.frame != Array(bytes.prefix(FrameDecodingError.maxRetainedBytes)) { Issue.record("error frame bytes differ") }
            }
            // Property 3: whatever parses re-serialises to something that parses to the same value.
            if let v = try? JSONValue.parse(bytes) {
                if (try? JSONValue.parse(v.bytes)) != v { Issue.record("round trip failed for \(String(decoding: bytes, as: UTF8.self))") }
            }
        }
        return (stats, done)
    }
}

@Suite("Fuzzing (seeded)", .serialized)
struct FuzzTests {
    @Test("20k mutated/garbage frames: no crash, typed errors, fast path == general path")
    func boundedFuzz() {
        var fuzzer = FrameFuzzer(seed: 0xB1F1_0001)
        let (stats, done) = fuzzer.run(iterations: 20_000, deadline: Date().addingTimeInterval(60))
        #expect(done == 20_000)
        #expect(stats.errors > 1_000)  // the mutations really produce malformed input
        #expect(stats.decoded > 1_000)  // and some still decode
        #expect(stats.fastPathChecked > 100)
    }

    @Test("long fuzz run (opt-in: BFX_FUZZ_ITERATIONS=N, optional BFX_FUZZ_SECONDS, default 600)",
          .enabled(if: ProcessInfo.processInfo.environment["BFX_FUZZ_ITERATIONS"] != nil))
    func longFuzz() {
        let env = ProcessInfo.processInfo.environment
        let iterations = Int(env["BFX_FUZZ_ITERATIONS"] ?? "") ?? 1_000_000
        let seconds = Double(env["BFX_FUZZ_SECONDS"] ?? "") ?? 600
        let seed = UInt64(env["BFX_FUZZ_SEED"] ?? "") ?? 0xB1F1_0002
        var fuzzer = FrameFuzzer(seed: seed)
        let start = Date()
        let (stats, done) = fuzzer.run(iterations: iterations, deadline: start.addingTimeInterval(seconds))
        print("BFX_FUZZ: seed=\(seed) inputs=\(done) decoded=\(stats.decoded) errors=\(stats.errors) fastPathChecked=\(stats.fastPathChecked) seconds=\(Date().timeIntervalSince(start))")
        #expect(done > 0)
    }
}
