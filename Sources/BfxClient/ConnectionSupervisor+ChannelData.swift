import BfxProtocol
import Logging
import NIOCore

/// The data path: routing channel messages by `chanId`, the SEQ_ALL audit, order-book apply and
/// checksum verification, trade de-duplication and gap reports. Integrity failures found here
/// start a resync through the channel's ``SubscriptionStateMachine``. Runs on the event loop
/// (called synchronously by ``ConnectionRouterHandler``, no hop per message).
extension ConnectionSupervisor {
    /// Every inbound frame first passes here (liveness bookkeeping); `false` for a frame of a
    /// replaced socket.
    @inline(__always)
    func noteInbound(generation: Int) -> Bool {
        guard generation == self.generation, channel != nil else { return false }
        messages &+= 1
        deadlines.inbound(at: now)
        return true
    }

    /// Routes a channel message; returns the member if it should be processed (live routing,
    /// sequence audit done). `seq` is the trailing SEQ_ALL number, if any.
    @inline(__always)
    func member(forChanId chanId: Int, seq: Int64?) -> ChannelState? {
        let member = byChanId[chanId]
        if let seq {
            if let last = lastSeq, seq != last &+ 1 {
                lastSeq = seq
                sequenceGap(expected: last &+ 1, received: seq, member: member)
                return nil
            }
            lastSeq = seq
        }
        guard let member else { return nil }
        member.messages &+= 1
        member.lastActivity = deadlines.lastInboundAt ?? now
        switch member.phase {
        case .live, .awaitingSnapshot: return member
        default: return nil
        }
    }

    /// A SEQ_ALL gap: count and report it; the channel that revealed it resyncs (unless it is
    /// already unsubscribing). A gap on an unknown channel is only reported.
    private func sequenceGap(expected: Int64, received: Int64, member: ChannelState?) {
        environment.metrics.sequenceGaps.increment()
        environment.count { $0.sequenceGaps += 1 }
        if let member {
            member.sequenceGaps += 1
            report(.sequenceGap(expected: expected, received: received), member: member)
            if member.machine.resyncsOnSequenceGap {
                resync(member)
                channel?.flush()
            }
        } else {
            report(.sequenceGap(expected: expected, received: received), member: nil)
        }
    }

    /// A channel heartbeat: liveness and sequence audit only.
    func heartbeat(chanId: Int, seq: Int64?) {
        _ = member(forChanId: chanId, seq: seq)
    }

    /// A frame that could not be decoded: count, report, resync the channel it belonged to.
    func malformed(_ error: FrameDecodingError, chanId: Int?) {
        environment.metrics.malformedFrames.increment()
        environment.count { $0.malformedFrames += 1 }
        let member = chanId.flatMap { byChanId[$0] }
        member?.malformed += 1
        report(.malformedFrame(reason: "\(error.reason)"), member: member)
        // A frame we could not read may have carried a book change or a trade: resync the
        // channel it belongs to; if unknown, the checksums/heartbeats of the others guard them.
        if let member, member.machine.isReceiving {
            resync(member)
            channel?.flush()
        }
    }

    // Books ------------------------------------------------------------------

    /// A book snapshot: builds the book, makes the channel live, publishes the book.
    func bookSnapshot(_ member: ChannelState, build: (OrderBook?) throws -> OrderBook) {
        do {
            let previous = member.core.withBook { $0 }
            let book = try build(previous)
            member.core.withBook { $0 = book }
            if book.precision == .raw, book.rawTieOrder != (previous?.rawTieOrder ?? .ascendingID) {
                logger.notice("raw book: equal prices follow another order than before",
                              metadata: ["channel": "\(member.spec)", "rawTieOrder": "\(book.rawTieOrder.rawValue)"])
            }
            if book.funding, book.fundingLevelKey != (previous?.fundingLevelKey ?? .rate) {
                logger.notice("funding book: levels are keyed by rate and period",
                              metadata: ["channel": "\(member.spec)", "fundingLevelKey": "\(book.fundingLevelKey.rawValue)"])
            }
        } catch {
            malformed(error as? FrameDecodingError ?? FrameDecodingError(reason: .unexpectedShape("book snapshot: \(error)"), offset: 0, frame: []), chanId: member.chanId)
            return
        }
        becameLive(member)
        member.core.bookChanged(snapshot: true)
    }

    /// Book updates applied in place to a live channel's book; a failure counts as malformed.
    func bookUpdate(_ member: ChannelState, apply: (inout OrderBook) throws -> Void) {
        guard member.phase == .live else { return }
        do {
            try member.core.withBook { book in
                // In-place mutation of the optional (no copy of the book); checked non-nil first.
                guard book != nil else { return }
                try apply(&book!)
            }
        } catch {
            malformed(error as? FrameDecodingError ?? FrameDecodingError(reason: .unexpectedShape("book update: \(error)"), offset: 0, frame: []), chanId: member.chanId)
            return
        }
        member.core.bookChanged(snapshot: false)
    }

    /// A server checksum: verified against the local book; what a mismatch does is the channel
    /// machine's decision under the book kind's ``ChecksumPolicy`` (resync, or count and report).
    func bookChecksum(_ member: ChannelState, server: Int32) {
        guard member.phase == .live, member.machine.verifiesChecksums else { return }
        guard let local = member.core.withBook({ $0?.checksum() }) else { return }
        if local == server {
            member.machine.checksumMatched()
            member.checksumsVerified += 1
            member.core.recordVerifiedChecksum()
            return
        }
        member.checksumMismatches += 1
        environment.metrics.checksumMismatches.increment()
        switch member.machine.checksumMismatch(at: now) {
        case .resync:
            environment.count { $0.checksumMismatches += 1 }
            report(.checksumMismatch(server: server, local: local), member: member)
            resync(member)
            channel?.flush()
        case .reportOnly(let next, let shouldReport):
            member.checksumMismatchesObserved += 1
            environment.metrics.checksumMismatchesObserved.increment()
            environment.count {
                $0.checksumMismatches += 1
                $0.checksumMismatchesObserved += 1
            }
            if shouldReport {
                report(.checksumMismatch(server: server, local: local), member: member, recovery: .reportOnly(nextResyncAt: next))
            }
        }
    }

    /// The first snapshot arrived: data flows (live for users only while the connection is open).
    private func becameLive(_ member: ChannelState) {
        member.machine.snapshotReceived()
        member.staleSince = nil
        member.core.setLive(state == .open)
    }

    // Trades -----------------------------------------------------------------

    /// A trades snapshot: the first one is delivered as is; after a reconnect or resync only
    /// unseen trades are delivered and a possible gap since the last seen trade is reported.
    func tradeSnapshot(_ member: ChannelState, _ trades: [PublicTrade]) {
        let ascending = trades.sorted { $0.id < $1.id }
        if let highest = member.trades.highestID {
            // Reconnect/resync: deliver only what we have not seen, report a possible gap.
            let recovered = ascending.filter { $0.id > highest }
            if let first = ascending.first, first.id > highest, !member.trades.contains(first.id) {
                let outage = now - (member.staleSince ?? now)
                environment.metrics.tradeGaps.increment()
                environment.count { $0.tradeGaps += 1 }
                report(.tradeGap(lastSeenID: highest, firstRecoveredID: first.id, outage: outage), member: member)
            }
            var duplicates = 0
            for trade in recovered {
                if member.trades.admit(trade.id) { member.core.emit(.trade(trade)) } else { duplicates += 1 }
            }
            duplicates += ascending.count - recovered.count
            if duplicates > 0 {
                environment.metrics.duplicateTrades.increment(by: Int64(duplicates))
                environment.count { $0.duplicateTradesDropped += duplicates }
            }
        } else {
            for trade in ascending { _ = member.trades.admit(trade.id) }
            member.core.emit(.tradeSnapshot(ascending))
        }
        becameLive(member)
    }

    /// One trade (`te`/`tu`) on a live channel, delivered once (duplicates dropped and counted).
    func trade(_ member: ChannelState, _ trade: PublicTrade, isUpdate: Bool) {
        guard member.phase == .live else { return }
        if member.trades.admit(trade.id) {
            member.core.emit(.trade(trade))
        } else {
            environment.metrics.duplicateTrades.increment()
            environment.count { $0.duplicateTradesDropped += 1 }
        }
    }

    // Others -----------------------------------------------------------------

    /// Delivers an event that needs no bookkeeping (ticker, candle, status, liquidations).
    func deliver(_ member: ChannelState, _ event: SubscriptionEvent) {
        member.core.emit(event)
    }

    /// A candles snapshot: the channel becomes live.
    func candleSnapshot(_ member: ChannelState, _ candles: [Candle]) {
        becameLive(member)
        member.core.emit(.candleSnapshot(candles))
    }
}
