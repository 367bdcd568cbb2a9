import BfxProtocol

extension SimulatorEngine {
    /// One market tick: every symbol takes one random step, then every affected channel publishes.
    func tick() {
        ticks += 1
        let now = configuration.now()
        // tu follows te one tick later (reference §3.2: "tu" after the DB write)
        let delayed = pendingTradeUpdates
        pendingTradeUpdates.removeAll(keepingCapacity: true)
        for (symbol, trade) in delayed {
            publish(.trades(symbol)) { w in w.string(trade.period == nil ? "tu" : "ftu"); trade.write(to: &w) }
        }
        for symbol in symbolOrder {
            guard let topBefore = markets[symbol].map({ ($0.book.bestBid, $0.book.bestAsk) }) else { continue }
            // stepped in place: a copy out of the dictionary would copy the whole book (CoW)
            guard let result = markets[symbol]?.step(now: now, ids: &ids) else { continue }
            marketChanged(symbol, result: result, topBefore: topBefore, now: now)
        }
        if ticks % 10 == 0 { publishStatus(now: now) }
    }

    /// Publishes everything a market change implies: te, ticker, candles, book diffs, user fills.
    func marketChanged(_ symbol: String, result: MarketStepResult, topBefore: (Fixed?, Fixed?), now: Int64) {
        guard let market = markets[symbol] else { return }
        for trade in result.trades {
            publish(.trades(symbol)) { w in w.string(trade.period == nil ? "te" : "fte"); trade.write(to: &w) }
            pendingTradeUpdates.append((symbol, trade))
        }
        if !result.trades.isEmpty {
            for key in subscribers.keys {
                guard case .candles(_, let s, let tf) = key, s == symbol, let candle = market.candles[tf]?.last else { continue }
                publish(key) { w in candle.write(to: &w) }
            }
        }
        if !result.trades.isEmpty || topBefore.0 != market.book.bestBid || topBefore.1 != market.book.bestAsk {
            publish(.ticker(symbol)) { w in market.writeTicker(to: &w) }
        }
        if result.bookChanged {
            flushBooks(symbol, now: now)
        } else if bookViewOrder[symbol]?.contains(where: { if case .book(_, _, _, "F1") = $0 { true } else { false } }) == true {
            // F1 views hold changes until due: flush them even on ticks without book changes
            flushBooks(symbol, now: now)
        }
        if !result.makerFills.isEmpty { makerFills(symbol: symbol, fills: result.makerFills, now: now) }
    }

    /// Flushes every subscribed view of a symbol's book: updates, then `cs` where enabled.
    func flushBooks(_ symbol: String, now: Int64, force: Bool = false) {
        // every view of the symbol gets the book's changes since the last flush of the symbol
        guard let changes = markets[symbol]?.book.takeChanges(), let market = markets[symbol] else { return }
        for key in bookViewOrder[symbol] ?? [] {
            guard var view = bookViews[key] else { continue }
            guard let updates = view.flush(book: market.book, now: now, force: force, changes: changes) else {
                bookViews[key] = view
                continue
            }
            bookViews[key] = view
            // `funding_checksum` fault: the server's wrong funding checksums (reference §4.4).
            let checksum = wrongFundingChecksums && market.book.isFunding ? view.misSortedChecksum : view.checksum
            guard let subs = subscribers[key] else { continue }
            // Rows rendered once per DEC_S variant, as bytes: `rows` holds every row's JSON back
            // to back, `ends[i]` is where row i ends (the bulk form joins them with commas).
            var rendered: [Bool: (rows: [UInt8], ends: [Int])] = [:]
            for (sid, chan) in subs.sorted(by: { $0.key < $1.key }) {
                guard let session = sessions[sid] else { continue }
                let decS = session.decimalsAsStrings
                let bulk: Bool
                switch configuration.variants.bulkUpdates {
                case .flag: bulk = session.bulkOn
                case .always: bulk = true
                case .never: bulk = false
                }
                let checksumOn = session.checksumOn
                if rendered[decS] == nil {
                    var rows: [UInt8] = []
                    rows.reserveCapacity(updates.count * 32)
                    var ends: [Int] = []
                    ends.reserveCapacity(updates.count)
                    for row in updates { row.appendJSON(to: &rows, decimalsAsStrings: decS); ends.append(rows.count) }
                    rendered[decS] = (rows, ends)
                }
                guard let frames = rendered[decS] else { continue }
                frames.rows.withUnsafeBytes { all in
                    if bulk, updates.count > 1 {
                        rowScratch.removeAll(keepingCapacity: true)
                        rowScratch.append(UInt8(ascii: "["))
                        var start = 0
                        for (i, end) in frames.ends.enumerated() {
                            if i > 0 { rowScratch.append(UInt8(ascii: ",")) }
                            rowScratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: all[start..<end]))
                            start = end
                        }
                        rowScratch.append(UInt8(ascii: "]"))
                        let joined = rowScratch
                        joined.withUnsafeBytes { sendChannel(sid, chanId: chan, fragmentBytes: $0) }
                    } else {
                        var start = 0
                        for end in frames.ends {
                            sendChannel(sid, chanId: chan, fragmentBytes: UnsafeRawBufferPointer(rebasing: all[start..<end]))
                            start = end
                        }
                    }
                }
                if checksumOn {
                    var value = checksum
                    if sessions[sid]?.corruptNextChecksum == true {
                        value = value ^ 0x5A5A_5A5A
                        sessions[sid]?.corruptNextChecksum = false
                    }
                    rowScratch.removeAll(keepingCapacity: true)
                    rowScratch.append(contentsOf: "\"cs\",".utf8)
                    Fixed.appendDecimal(Int64(value), to: &rowScratch)
                    let fragment = rowScratch
                    fragment.withUnsafeBytes { sendChannel(sid, chanId: chan, fragmentBytes: $0) }
                }
            }
        }
    }

    /// The simulator's current book for a symbol as a subscriber with these parameters would hold it.
    func bookRows(symbol: String, precision: Int?, length: Int) -> [SimBook.Row]? {
        guard let market = markets[symbol] else { return nil }
        let top = market.book.top(precision: precision, length: length)
        return top.bids.map(\.1) + top.asks.map(\.1)
    }

    /// Publishes derivative status and, sometimes, a liquidation.
    func publishStatus(now: Int64) {
        for key in subscribers.keys {
            guard case .status(let statusKey) = key else { continue }
            if statusKey.hasPrefix("deriv:") {
                publish(key) { self.writeDerivStatus(statusKey, to: &$0) }
            } else if statusKey == "liq:global", statusRng.next() % 4 == 0 {
                let symbols = configuration.tradingSymbols
                guard !symbols.isEmpty else { continue }
                let symbol = symbols[Int(statusRng.next() % UInt64(symbols.count))]
                let price = markets[symbol]?.lastPrice ?? .zero
                let posId = Int64(100_000_000 + statusRng.next() % 10_000_000)
                let amount = Fixed(units: Int64(statusRng.next() % 100 + 1) * Fixed.scale / 100)
                publish(key) { w in
                    w.beginArray(); w.beginArray()
                    w.string("pos"); w.int(posId); w.int(now); w.null(); w.string(symbol); w.decimal(amount)
                    w.decimal(price); w.null(); w.int(1); w.int(0); w.null(); w.decimal(price)
                    w.endArray(); w.endArray()
                }
            }
        }
    }

    /// `[MTS,_,DERIV_PRICE,SPOT_PRICE,_,INSURANCE_FUND_BALANCE,_,NEXT_FUNDING_EVT_MTS,
    /// NEXT_FUNDING_ACCRUED,NEXT_FUNDING_STEP,_,CURRENT_FUNDING,_,_,MARK_PRICE,_,_,OPEN_INTEREST,
    /// _,_,_,CLAMP_MIN,CLAMP_MAX]` (reference §3.2).
    func writeDerivStatus(_ key: String, to w: inout WireWriter) {
        let spot = derivSpotSymbol(key).flatMap { markets[$0]?.lastPrice } ?? .zero
        let now = configuration.now()
        let deriv = spot + Fixed(units: spot.units / 2000)
        w.beginArray()
        w.int(now); w.null(); w.decimal(deriv); w.decimal(spot); w.null(); w.decimal(Fixed(1_234_567))
        w.null(); w.int((now / 28_800_000 + 1) * 28_800_000); w.decimal(Fixed(units: 1_200_000))
        w.int(ticks % 480); w.null(); w.decimal(Fixed(units: 1_000_000)); w.null(); w.null()
        w.decimal(deriv); w.null(); w.null(); w.decimal(Fixed(5_000)); w.null(); w.null(); w.null()
        w.decimal(Fixed(units: 5_000_000)); w.decimal(Fixed(units: 75_000_000))
        w.endArray()
    }
}

extension SimulatorEngine {
    /// The authoritative book as a subscriber with these parameters holds it (after the last flush
    /// of any subscribed view with the same parameters, which is the current book top).
    func publicBook(symbol: String, precision: Int?, length: Int) -> SimulatorBook? {
        guard let market = markets[symbol] else { return nil }
        let view = BookView(precision: precision, length: length, flushIntervalMillis: 0, book: market.book, now: 0)
        let input = view.checksumString
        let top = market.book.top(precision: precision, length: length)
        return SimulatorBook(
            bids: top.bids.map(\.1.publicEntry), asks: top.asks.map(\.1.publicEntry),
            checksum: BookChecksum.value(of: input), checksumInput: input
        )
    }

    /// Unthrottled mode: runs up to `maxTicks` ticks, stopping while any connection has
    /// `pendingLimit` or more unwritten frames; returns the number of ticks run.
    ///
    /// The outboxes are held while the ticks run and released once at the end, so the writers
    /// are woken once per call (one batch, one write) instead of on the first frame of every
    /// tick: the per-frame wake-ups and context switches of the live path dominated its profile.
    func tickWhileDraining(maxTicks: Int, pendingLimit: Int) -> Int {
        guard maxPendingFrames() < pendingLimit else { return 0 }
        let outboxes = sessions.values.map(\.outbox)
        for outbox in outboxes { outbox.hold() }
        defer { for outbox in outboxes { outbox.release() } }
        var count = 0
        while count < maxTicks, maxPendingFrames() < pendingLimit {
            tick()
            count += 1
        }
        return count
    }

    /// Runs `count` ticks.
    func tick(count: Int) {
        for _ in 0..<max(0, count) { tick() }
    }
}
