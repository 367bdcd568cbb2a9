import Foundation

/// Renders a `RuntimeSnapshot` as a compact, human-readable text block (headless output, `--once`).
public enum SummaryRenderer {
    /// The summary text (ends with a newline).
    public static func render(_ s: RuntimeSnapshot, bookDepth: Int = 3, tradesPerSymbol: Int = 3) -> String {
        var out: [String] = []
        let st = s.status
        let rate = s.history.last.map { String(format: "%.0f/s", $0.messagesPerSecond) } ?? "-"
        out.append("── bfxrun \(String(format: "%.1f", st.uptimeSeconds))s · \(st.endpoint) · \(s.connections.filter { $0.state == "open" }.count)/\(s.connections.count) connections open · "
                   + "\(s.channels.count) channels · \(st.messages) msgs (\(rate)) · reconnects \(st.reconnects) · "
                   + "checksum errors \(s.integrity["checksumMismatches"] ?? 0) · alerts firing \(st.alertsFiring)")
        for t in s.tickers {
            out.append("ticker  \(pad(t.symbol, 9)) bid \(fmt(t.bid)) ask \(fmt(t.ask)) last \(fmt(t.last)) vol \(fmt(t.volume)) 24h \(String(format: "%+.2f%%", t.dailyChangeRelative * 100))")
        }
        for b in s.books {
            let bids = b.bids.prefix(bookDepth).map { "\($0.amount)@\($0.price)" }.joined(separator: " ")
            let asks = b.asks.prefix(bookDepth).map { "\($0.amount)@\($0.price)" }.joined(separator: " ")
            out.append("book    \(pad(b.symbol, 9)) \(b.prec) bids \(bids.isEmpty ? "-" : bids) | asks \(asks.isEmpty ? "-" : asks) (\(b.checksumsVerified) checksums ok)")
        }
        var bySymbol: [String: [TradeView]] = [:]
        for t in s.trades { bySymbol[t.symbol, default: []].append(t) }
        for symbol in bySymbol.keys.sorted() {
            let list = (bySymbol[symbol] ?? []).prefix(tradesPerSymbol).map { "\($0.side) " + String(format: "%.4f@%@", $0.amount, fmt($0.price)) }
            out.append("trades  \(pad(symbol, 9)) \(list.joined(separator: " "))")
        }
        for c in s.candles {
            out.append("candle  \(c.key) o \(fmt(c.open)) h \(fmt(c.high)) l \(fmt(c.low)) c \(fmt(c.close)) v \(fmt(c.volume))")
        }
        for a in s.accounts ?? [] {
            let wallets = a.wallets.map { "\($0.type) \($0.currency) \($0.balance)" }.joined(separator: ", ")
            let orders = a.orders.prefix(3).map { "\($0.side) \($0.amount) \($0.symbol)\($0.price.map { " @ \($0)" } ?? "")" }
            let more = a.orders.count > 3 ? " …" : ""
            out.append("account \(pad(a.key, 9)) \(a.phase) · wallets \(wallets.isEmpty ? "-" : wallets) · "
                       + "orders \(a.orders.count) open\(orders.isEmpty ? "" : ": " + orders.joined(separator: ", ") + more) · positions \(a.positions)")
        }
        for n in s.nonces {
            let queued = n.queued.values.reduce(0, +)
            out.append("nonce   \(pad(n.key, 9)) \(n.store) issued \(n.issued) ok \(n.succeeded) 10114 \(n.nonceRejected) errors \(n.errors) "
                       + "last \(n.lastNonce) queued \(queued) wait p50 \(ms(n.waitP50Micros)) p99 \(ms(n.waitP99Micros)) (\(String(format: "%.1f", n.issuedPerSecond))/s)")
        }
        for a in s.alerts where a.state == .firing || a.episodes > 0 {
            out.append("alert   \(a.state == .firing ? "FIRING" : "ok    ") \(a.message) (episodes \(a.episodes))")
        }
        if s.channels.isEmpty { out.append("(no channels configured)") }
        return out.joined(separator: "\n") + "\n"
    }

    /// A short explanation of the line kinds present in `s` (printed once, before the first
    /// periodic summary). Never contains secrets: key names only.
    public static func legend(_ s: RuntimeSnapshot) -> String {
        var out = ["How to read the summary (every line is one thing the runtime keeps live):"]
        if !s.tickers.isEmpty { out.append("  ticker   best bid/ask, last price, 24h volume and change of each symbol") }
        if !s.books.isEmpty {
            out.append("  book     local order book, best levels first as AMOUNT@PRICE (amounts positive on both sides), checksums verified")
        }
        if !s.trades.isEmpty { out.append("  trades   latest public trades as SIDE AMOUNT@PRICE (buy = the taker bought at the ask, sell = sold at the bid)") }
        if !s.candles.isEmpty { out.append("  candle   the current candle: open, high, low, close, volume") }
        if !(s.accounts ?? []).isEmpty {
            out.append("  account  the key's authenticated user-data stream: wallets (type currency balance), open orders (side amount symbol @ price), positions")
        }
        if !s.nonces.isEmpty {
            out.append("  nonce    signed calls of the key through its nonce queue: issued, ok, 10114 rejections, errors, queue wait")
        }
        if out.count == 1 { return "" }
        out.append("  (also: the live dashboard and /api/state at the address logged at start; Ctrl-C stops gracefully)")
        return out.joined(separator: "\n") + "\n"
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func fmt(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1000 { return String(format: "%.1f", value) }
        if magnitude >= 1 { return String(format: "%.3f", value) }
        return String(format: "%.6g", value)
    }

    static func ms(_ micros: UInt64) -> String { String(format: "%.2fms", Double(micros) / 1000) }
}
