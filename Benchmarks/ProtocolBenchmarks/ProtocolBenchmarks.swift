// Benchmarks for the BfxProtocol hot paths: decoding book-update and trade frames, applying
// them to a 25-level book, computing the checksum, and decoding a mixed, real-shaped stream.
// Every benchmark processes one frame (or one checksum) per scaled iteration, so the reported
// time and malloc counts are per frame.
import Benchmark
import BfxProtocol

/// Deterministic generator (no global randomness in benchmarks).
extension SplitMix64 {
    /// A uniform integer in `0..<n` (benchmark input generation).
    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

enum Workload {
    static let chanId = 17

    /// A 25+25 level snapshot around 10000 with realistic decimal amounts.
    static let snapshot: String = {
        var rows: [String] = []
        for i in 0..<25 { rows.append("[\(9999 - i),\(1 + i % 3),\(1 + i).\(12345 + i * 7)]") }
        for i in 0..<25 { rows.append("[\(10001 + i),\(1 + i % 4),-\(2 + i).\(54321 - i * 3)]") }
        return "[\(chanId),[\(rows.joined(separator: ","))]]"
    }()

    /// 4096 update frames that keep the book at ~25 levels per side: amount changes, deletes
    /// and re-inserts of levels, on both sides; every 10th frame carries a SEQ number.
    static let updates: [[UInt8]] = {
        var rng = SplitMix64(seed: 42)
        var frames: [[UInt8]] = []
        var deletedBid: Int? = nil
        var deletedAsk: Int? = nil
        for i in 0..<4096 {
            let bid = rng.int(2) == 0
            let level = rng.int(25)
            let price = bid ? 9999 - level : 10001 + level
            var text: String
            if bid, let d = deletedBid {
                text = "[\(chanId),[\(d),2,0.\(rng.int(99_999_999) + 1)]"
                deletedBid = nil
            } else if !bid, let d = deletedAsk {
                text = "[\(chanId),[\(d),1,-1.\(rng.int(99_999_999))]"
                deletedAsk = nil
            } else if rng.int(4) == 0 {
                text = "[\(chanId),[\(price),0,\(bid ? 1 : -1)]"
                if bid { deletedBid = price } else { deletedAsk = price }
            } else {
                let amount = "\(rng.int(50)).\(rng.int(99_999_999))"
                text = "[\(chanId),[\(price),\(1 + rng.int(5)),\(bid ? "" : "-")\(amount)]"
            }
            text += i % 10 == 0 ? ",\(i)]" : "]"
            frames.append(Array(text.utf8))
        }
        return frames
    }()

    /// A mixed stream shaped like a real connection: mostly book updates, with trades, tickers,
    /// heartbeats, checksums and account data.
    static let mixed: [[UInt8]] = {
        var rng = SplitMix64(seed: 7)
        var frames: [[UInt8]] = []
        let others = [
            "[18,\"te\",[401597395,1574694478808,0.005,7245.3]]",
            "[18,\"tu\",[401597395,1574694478808,0.005,7245.3]]",
            "[19,[7616.5,31.89055171,7617.5,43.358118,-550.8,-0.0674,7617.1,8314.71200815,8257.8,7500]]",
            "[17,\"hb\"]",
            "[17,\"cs\",-1265340191]",
            "[20,[2567606289,1876.5,1.4305]]",
            #"[0,"wu",["exchange","BTC",1.5,0,1.5,"Exchange 0.1 BTC for USD @ 7000",{"reason":"TRADE","order_id":1}]]"#,
            #"[0,"n",[1611922089,"on-req",null,null,[1201469553,0,788,"tBTCUSD",1611922089073,1611922089073,0.001,0.001,"EXCHANGE LIMIT",null,null,null,0,"ACTIVE",null,null,33,0,0,0,null,null,null,0,0,null,null,null,"API>BFX",null,null,null],null,"SUCCESS","Submitting exchange limit buy order for 0.001 BTC."]]"#,
            #"[0,"te",[402088407,"tETHUST",1574963975602,34938060782,-0.2,153.57,"MARKET",0,-1,null,null,0]]"#,
        ].map { Array($0.utf8) }
        for i in 0..<4096 {
            if rng.int(10) < 8 { frames.append(updates[i]) } else { frames.append(others[rng.int(others.count)]) }
        }
        return frames
    }()

    static func decoder() -> FrameDecoder {
        var d = FrameDecoder()
        d.register(chanId: 17, kind: .book(funding: false))
        d.register(chanId: 18, kind: .trades(funding: false))
        d.register(chanId: 19, kind: .ticker(funding: false))
        d.register(chanId: 20, kind: .rawBook(funding: false))
        return d
    }

    static func book() -> OrderBook {
        var d = decoder()
        var book = OrderBook(precision: .aggregated, funding: false, capacity: 64)
        if let frame = try? d.decode(snapshot) { book.apply(frame: frame) }
        return book
    }
}

/// Decodes `frames` round-robin, one frame per scaled iteration (4096 frames).
func decodeRoundRobin(_ benchmark: Benchmark, _ frames: [[UInt8]]) {
    var decoder = Workload.decoder()
    var i = 0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        let frame = frames[i & 4095]
        i &+= 1
        blackHole(frame.withUnsafeBytes { try? decoder.decode($0) })
    }
}

let benchmarks: @Sendable () -> Void = {
    let metrics: [BenchmarkMetric] = [.wallClock, .cpuTotal, .throughput, .mallocCountTotal, .instructions]
    let config = Benchmark.Configuration(metrics: metrics, scalingFactor: .mega, maxDuration: .seconds(5), maxIterations: 1_000_000)

    Benchmark("Decode book update frame", configuration: config) { benchmark in
        decodeRoundRobin(benchmark, Workload.updates)
    }

    Benchmark("Decode + apply book update (25-level book)", configuration: config) { benchmark in
        var decoder = Workload.decoder()
        var book = Workload.book()
        let frames = Workload.updates
        var i = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let frame = frames[i & 4095]
            i &+= 1
            if let f = frame.withUnsafeBytes({ try? decoder.decode($0) }) { book.apply(frame: f) }
        }
        benchmark.stopMeasurement()
        blackHole(book.bids.count)
    }

    Benchmark("Decode trade frame (te/tu)", configuration: config) { benchmark in
        // 4096 trades of varied ids, amounts and prices, a third with SEQ: the fast path (ADR 0030).
        var rng = SplitMix64(seed: 11)
        let frames: [[UInt8]] = (0..<4096).map { i in
            let kind = i % 2 == 0 ? "te" : "tu"
            let amount = "\(rng.int(2) == 0 ? "" : "-")\(rng.int(20)).\(rng.int(99_999_999))"
            let seq = i % 3 == 0 ? ",\(i)" : ""
            return Array("[18,\"\(kind)\",[\(1_400_000_000 + i),\(1_796_259_094_604 + i),\(amount),\(7000 + rng.int(500)).\(rng.int(10))]\(seq)]".utf8)
        }
        decodeRoundRobin(benchmark, frames)
    }

    Benchmark("Checksum of 25-level book", configuration: Benchmark.Configuration(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(5))) { benchmark in
        let book = Workload.book()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(book.checksum())
        }
    }

    Benchmark("Decode mixed real-shaped stream", configuration: Benchmark.Configuration(metrics: metrics, scalingFactor: .kilo, maxDuration: .seconds(5))) { benchmark in
        decodeRoundRobin(benchmark, Workload.mixed)
    }
}
