extension FrameDecoder {
    /// Allocation-free decoding of the hottest frames: `[chanId,[p,c,a]]` book/raw-book updates
    /// (trading and funding), `[chanId,"hb"]`, `[chanId,"cs",n]` and trading
    /// `[chanId,"te"|"tu",[id,mts,amount,price]]`, each with optional trailing
    /// SEQ/TIMESTAMP integers. Returns `nil` whenever the input deviates in any way (whitespace,
    /// unknown channel, odd tokens, errors) so the strict general path decides — the fast path
    /// never produces a result the general path would not.
    @inline(__always)
    func fastPath(_ buf: UnsafeRawBufferPointer) -> Frame? {
        let n = buf.count
        guard n >= 6, buf[0] == UInt8(ascii: "[") else { return nil }
        var i = 1
        // chanId: plain non-negative integer.
        var chanId: Int64 = 0
        var digits = 0
        while i < n, JSONNumberGrammar.isDigit(buf[i]) {
            chanId = chanId &* 10 &+ Int64(buf[i] &- 48)
            digits += 1
            i += 1
        }
        guard digits > 0, digits < 16, i < n, buf[i] == UInt8(ascii: ","), !(digits > 1 && buf[1] == UInt8(ascii: "0")) else { return nil }
        i += 1
        guard i + 3 < n else { return nil }
        if buf[i] == UInt8(ascii: "\"") {
            let c1 = buf[i + 1], c2 = buf[i + 2]
            guard buf[i + 3] == UInt8(ascii: "\"") else { return nil }
            i += 4
            if c1 == UInt8(ascii: "h") && c2 == UInt8(ascii: "b") {
                guard let meta = trailing(buf, &i, channelZero: chanId == 0) else { return nil }
                return .heartbeat(chanId: chanId, meta: meta)
            }
            if c1 == UInt8(ascii: "c") && c2 == UInt8(ascii: "s") {
                guard i < n, buf[i] == UInt8(ascii: ",") else { return nil }
                i += 1
                guard let raw = integer(buf, &i), let value = FrameDecoder.checksumValue(raw) else { return nil }
                guard let meta = trailing(buf, &i, channelZero: chanId == 0) else { return nil }
                return .checksum(chanId: chanId, value: value, meta: meta)
            }
            if c1 == UInt8(ascii: "t") && (c2 == UInt8(ascii: "e") || c2 == UInt8(ascii: "u")) {
                // `[chanId,"te"|"tu",[ID,MTS,AMOUNT,PRICE]]` on a trading trades channel.
                guard chanId != 0, let state = channels[chanId], state.kind == .trades(funding: false),
                    comma(buf, &i), i < n, buf[i] == UInt8(ascii: "[")
                else { return nil }
                i += 1
                guard let id = integer(buf, &i), comma(buf, &i), let mts = integer(buf, &i), comma(buf, &i),
                    let amount = number(buf, &i), comma(buf, &i), let price = number(buf, &i),
                    i < n, buf[i] == UInt8(ascii: "]")
                else { return nil }
                i += 1
                guard let meta = trailing(buf, &i, channelZero: false) else { return nil }
                let kind: TradeEventKind = c2 == UInt8(ascii: "e") ? .executed : .updated
                return .trade(chanId: chanId, kind, Trade(id: id, mts: mts, amount: amount, price: price), meta: meta)
            }
            return nil
        }
        guard buf[i] == UInt8(ascii: "["), chanId != 0, let state = channels[chanId] else { return nil }
        i += 1
        switch state.kind {
        case .book(let funding):
            guard let price = number(buf, &i), comma(buf, &i) else { return nil }
            var period: Int64? = nil
            if funding {
                guard let p = integer(buf, &i), comma(buf, &i) else { return nil }
                period = p
            }
            guard let count = integer(buf, &i), comma(buf, &i), let amount = number(buf, &i) else { return nil }
            guard i < n, buf[i] == UInt8(ascii: "]") else { return nil }
            i += 1
            guard let meta = trailing(buf, &i, channelZero: false) else { return nil }
            return .bookUpdate(chanId: chanId, BookEntry(price: price, count: count, amount: amount, period: period), meta: meta)
        case .rawBook(let funding):
            guard let orderId = integer(buf, &i), comma(buf, &i) else { return nil }
            var period: Int64? = nil
            if funding {
                guard let p = integer(buf, &i), comma(buf, &i) else { return nil }
                period = p
            }
            guard let price = number(buf, &i), comma(buf, &i), let amount = number(buf, &i) else { return nil }
            guard i < n, buf[i] == UInt8(ascii: "]") else { return nil }
            i += 1
            guard let meta = trailing(buf, &i, channelZero: false) else { return nil }
            return .rawBookUpdate(chanId: chanId, RawBookEntry(orderId: orderId, price: price, amount: amount, period: period), meta: meta)
        default:
            return nil
        }
    }

    @inline(__always)
    private func comma(_ buf: UnsafeRawBufferPointer, _ i: inout Int) -> Bool {
        guard i < buf.count, buf[i] == UInt8(ascii: ",") else { return false }
        i += 1
        return true
    }

    @inline(__always)
    private func number(_ buf: UnsafeRawBufferPointer, _ i: inout Int) -> WireNumber? {
        let end = JSONNumberGrammar.validLength(buf, from: i)
        guard end > i, end - i <= WireNumber.maxLength else { return nil }
        let result = WireNumber(uncheckedBytes: UnsafeRawBufferPointer(rebasing: buf[i..<end]))
        i = end
        return result
    }

    @inline(__always)
    private func integer(_ buf: UnsafeRawBufferPointer, _ i: inout Int) -> Int64? {
        let end = JSONNumberGrammar.validLength(buf, from: i)
        guard end > i else { return nil }
        guard let v = JSONNumberGrammar.parseInt64(UnsafeRawBufferPointer(rebasing: buf[i..<end])) else { return nil }
        i = end
        return v
    }

    /// Parses `(,int)*]` to the end of the buffer into metadata (same rules as the general path).
    @inline(__always)
    private func trailing(_ buf: UnsafeRawBufferPointer, _ i: inout Int, channelZero: Bool) -> FrameMeta? {
        var meta = FrameMeta()
        var seqCount = 0
        while i < buf.count, buf[i] == UInt8(ascii: ",") {
            i += 1
            guard let v = integer(buf, &i) else { return nil }
            if v >= FrameMeta.timestampThreshold && meta.timestamp == nil {
                meta.timestamp = v
            } else {
                if seqCount == 0 { meta.seq = v } else if seqCount == 1 && channelZero { meta.authSeq = v }
                seqCount += 1
            }
        }
        guard i + 1 == buf.count, buf[i] == UInt8(ascii: "]") else { return nil }
        return meta
    }
}
