import BfxClient
import BfxProtocol
import Foundation
import Logging
import Synchronization

/// The authenticated side of one account for local clients (docs/gateway.md, ADR 0022 part 2):
/// one upstream `UserDataClient` session per key serves every local client that authenticated
/// with one of the key's local credentials. A local `auth` is answered like Bitfinex (`auth` OK,
/// `caps` from the local key's permissions, then the account snapshots built from the upstream
/// `AccountState`); every channel-0 event of the key then reaches every authenticated local
/// client, in upstream order, honouring its `filter`. Inputs go through the upstream session (its
/// correlation and outage buffer); a client that authenticated with `dms: 4` gets its orders
/// cancelled when it disconnects (the orders it placed, or every order of the key).
final class AccountFanout: Sendable {
    /// What `dms` cancels when a local client that asked for it disconnects.
    enum DeadManScope: String, Sendable { case ownOrders, allOrders }

    private struct Session {
        let client: LocalClient
        let name: String
        let permissions: Set<GatewayAccount.Permission>
        let filter: Set<String>?
        let deadMan: Bool
        /// Authenticated locally but not answered yet: the upstream session has not synchronised
        /// its first snapshots (answered by ``AccountFanout/admit(_:)`` once it has).
        var held = true
        var live = false
        var buffered: [UserEvent] = []
        var owned: Set<Int64> = []
    }

    private struct State {
        var sessions: [Int: Session] = [:]
        var userID: Int64?
        var events = 0
        /// The upstream session has received and reconciled its snapshots at least once: before
        /// that its `AccountState` is empty and a local `auth` is held (not answered with empty
        /// snapshots that no later event would correct).
        var synced = false
    }

    let index: Int
    let name: String
    let userData: UserDataClient
    private let scope: DeadManScope
    private let clock: any BfxClock
    private let logger: Logger
    private let state = Mutex(State())
    private let handlerToken = Mutex<UInt64?>(nil)

    init(index: Int, name: String, userData: UserDataClient, scope: DeadManScope, clock: any BfxClock, logger: Logger) {
        self.index = index
        self.name = name
        self.userData = userData
        self.scope = scope
        self.clock = clock
        self.logger = logger
    }

    /// Starts following the upstream session (synchronous handler: in order, nothing dropped).
    func start() async {
        let token = await userData.addEventHandler { [weak self] event in self?.upstream(event) }
        handlerToken.withLock { $0 = token }
        // already synchronised before the handler was added (a `ready` after it is seen as well)
        if await userData.status.phase == .ready { markSynced() }
    }

    func stop() async {
        if let token = handlerToken.withLock({ $0 }) { await userData.removeEventHandler(token) }
    }

    var authenticatedClients: Int { state.withLock { $0.sessions.count } }

    // MARK: local auth

    /// Answers a verified local `auth` and sends the account snapshots; events arriving meanwhile
    /// are held and sent after them (an update may repeat what a snapshot holds; none is lost).
    /// Before the upstream session's first synchronisation the answer is held until it completes
    /// (Bitfinex, too, answers `auth` only with the account loaded).
    func authenticate(_ client: LocalClient, signer: SignedRequestVerifier.Signer, request: JSONObject) async {
        let filter = request["filter"]?.array.map { Set($0.compactMap(\.string)) }
        let deadMan = request["dms"]?.int == 4
        let answerNow = state.withLock { s in
            var session = Session(client: client, name: signer.name, permissions: signer.permissions, filter: filter, deadMan: deadMan)
            session.held = !s.synced
            s.sessions[client.id] = session
            return s.synced
        }
        if answerNow {
            await admit([client.id])
        } else {
            logger.notice("gateway: local auth held until the upstream session has its account snapshots",
                          metadata: ["account": "\(name)", "localKey": "\(signer.name)", "client": "\(client.id)"])
        }
    }

    /// The upstream session synchronised: held local `auth`s are answered now.
    private func markSynced() {
        let held: [Int] = state.withLock { s in
            s.synced = true
            let ids = s.sessions.filter(\.value.held).map(\.key).sorted()
            for id in ids { s.sessions[id]?.held = false }
            return ids
        }
        guard !held.isEmpty else { return }
        Task { await self.admit(held) }
    }

    /// `auth` OK, then the snapshots of the upstream `AccountState`, then the events buffered
    /// since the client's `auth`; from then on the client is live.
    private func admit(_ ids: [Int]) async {
        let account = await userData.accountState
        let now = clock.monotonicNanos()
        let wall = Int64(clock.wallMicros() / 1_000)
        state.withLock { s in
            for id in ids {
                guard var session = s.sessions[id], !session.live else { continue }
                session.client.outbox.sendEvent(authOK(name: session.name, permissions: session.permissions, userID: s.userID), nowNanos: now)
                var snapshots: [UserEvent] = [
                    .positionSnapshot(Array(account.positions.values)), .walletSnapshot(Array(account.wallets.values)),
                    .orderSnapshot(account.openOrders), .fundingOfferSnapshot(Array(account.fundingOffers.values)),
                    .fundingCreditSnapshot(Array(account.fundingCredits.values)), .fundingLoanSnapshot(Array(account.fundingLoans.values)),
                ]
                if let balance = account.balance { snapshots.append(.balanceUpdate(balance)) }
                for event in snapshots + session.buffered where allowed(event, session.filter) {
                    session.client.outbox.sendPacket(Self.packet(event), wallMillis: wall, nowNanos: now)
                }
                session.buffered = []
                session.live = true
                s.sessions[id] = session
            }
        }
    }

    /// `auth` OK with `caps` for the local key's permissions.
    private func authOK(name localName: String, permissions: Set<GatewayAccount.Permission>, userID: Int64?) -> String {
        func cap(_ read: Bool, _ write: Bool) -> JSONValue {
            .object(JSONObject([.init(key: "read", value: .number(read ? 1 : 0)), .init(key: "write", value: .number(write ? 1 : 0))]))
        }
        let trade = permissions.contains(.trade)
        let funding = permissions.contains(.funding)
        let caps = JSONObject([
            .init(key: "orders", value: cap(true, trade)), .init(key: "account", value: cap(true, false)),
            .init(key: "funding", value: cap(true, funding)), .init(key: "history", value: cap(true, false)),
            .init(key: "wallets", value: cap(true, false)), .init(key: "withdraw", value: cap(false, false)),
            .init(key: "positions", value: cap(true, trade)),
        ])
        var object = JSONObject()
        object.append("event", .string("auth"))
        object.append("status", .string("OK"))
        object.append("chanId", .number(0))
        object.append("userId", userID.map { .number(WireNumber($0)) } ?? .null)
        object.append("auth_id", .string("bfxkit-gateway-\(name)-\(localName)"))
        object.append("caps", .object(caps))
        return JSONValue.object(object).serialized()
    }

    // MARK: upstream events

    private func upstream(_ event: UserDataEvent) {
        switch event {
        case .authenticated(let userID, _):
            state.withLock { $0.userID = userID }
        case .ready:
            markSynced()
        case .offlineChanges(let report):
            // What happened upstream while the session was down reaches local clients as the
            // ordinary events Bitfinex would have sent (no snapshot is re-sent to them).
            for message in Self.events(for: report) { upstream(.message(message)) }
        case .message(let message):
            // The fresh snapshots of an upstream re-auth update the upstream state only: local
            // sockets got theirs at their own auth and learn the changes as ordinary events.
            if Self.snapshotTypes.contains(message.wire.type) { return }
            let packet = Self.packet(message)
            let now = clock.monotonicNanos()
            let wall = Int64(clock.wallMicros() / 1_000)
            state.withLock { s in
                s.events += 1
                for id in Array(s.sessions.keys) {
                    guard var session = s.sessions[id] else { continue }
                    if !session.live {
                        session.buffered.append(message)
                        s.sessions[id] = session
                    } else if allowed(message, session.filter) {
                        session.client.outbox.sendPacket(packet, wallMillis: wall, nowNanos: now)
                    }
                }
            }
        default:
            break
        }
    }

    /// The channel-0 events equivalent to an offline change report, in Bitfinex's order for a
    /// fill (`te`, then the order's `ou`/`oc`, then wallets and positions): new orders `on`, own
    /// trades `te`, still-open changed orders `ou`, closed orders `oc` with the final status
    /// (`EXECUTED @ PRICE(AMOUNT)`, `CANCELED was: PARTIALLY FILLED @ …` or `CANCELED`), wallets
    /// `wu`, positions `pn`/`pu`/`pc`.
    static func events(for report: OfflineChangeReport) -> [UserEvent] {
        var events: [UserEvent] = report.newOrders.map { .orderNew($0) }
        events += report.trades.map { .tradeExecuted($0) }
        for change in report.updatedOrders { events.append(.orderUpdate(change.value)) }
        for closed in report.closedOrders {
            var order = closed.lastKnown
            let original = order.amountOrig?.decimal ?? order.amount?.decimal ?? 0
            let filled = (original - (order.amount?.decimal ?? original)) + closed.filledAmount
            let trades = closed.trades
            let notional = trades.reduce(Decimal(0)) { $0 + $1.execAmount.decimal.magnitude * $1.execPrice.decimal }
            let size = trades.reduce(Decimal(0)) { $0 + $1.execAmount.decimal.magnitude }
            let average = size > 0 ? notional / size : order.priceAvg?.decimal ?? 0
            let fill = "\(WireNumber(average).map { "\($0)" } ?? "0")(\(WireNumber(filled).map { "\($0)" } ?? "0"))"
            switch closed.outcome {
            case .filled: order.status = "EXECUTED @ " + fill
            case .partiallyFilledThenClosed: order.status = "CANCELED was: PARTIALLY FILLED @ " + fill
            case .cancelled: order.status = "CANCELED"
            }
            order.amount = WireNumber(original - filled)
            if size > 0 { order.priceAvg = WireNumber(average) }
            events.append(.orderCancel(order))
        }
        events += report.wallets.compactMap { $0.current.map { .walletUpdate($0) } }
        for change in report.positions {
            switch change {
            case .added(let position): events.append(.positionNew(position))
            case .updated(_, let position): events.append(.positionUpdate(position))
            case .removed(let position): events.append(.positionClose(position))
            }
        }
        return events
    }

    /// Channel-0 snapshot types, sent to a local socket only right after its own `auth`.
    static let snapshotTypes: Set<String> = ["os", "ps", "ws", "fos", "fcs", "fls", "hos"]

    static func packet(_ event: UserEvent) -> [UInt8] {
        let (type, data) = event.wire
        return LocalWire.packet(0, [.string(type), data])
    }

    /// Bitfinex's `filter` groups: with a filter, only the listed groups are sent.
    private func allowed(_ event: UserEvent, _ filter: Set<String>?) -> Bool {
        guard let filter else { return true }
        let type = event.wire.type
        let group: String
        switch type {
        case "os", "on", "ou", "oc", "hos", "te", "tu", "ps", "pn", "pu", "pc": group = "trading"
        case "ws", "wu": group = "wallet"
        case "bu": group = "balance"
        case "n": group = "notify"
        case "miu", "fiu": group = "info"
        default: group = type.hasPrefix("f") ? "funding" : "other"
        }
        return filter.contains(group) || (group == "trading" && filter.contains("trading-" + (type == "te" || type == "tu" ? "te" : "orders")))
    }

    // MARK: inputs

    /// An input (`on`, `ou`, `oc`, `oc_multi`, `ox_multi`, `calc`, `fon`, `foc`) from an
    /// authenticated local client: permission-checked, then sent through the upstream session.
    /// Results reach every authenticated client as the usual events; a refusal or an expiry gets an
    /// error notification on this client only.
    func input(_ client: LocalClient, _ message: ClientMessage, type: String) async {
        guard let session = state.withLock({ $0.sessions[client.id] }) else { return }
        let needed: GatewayAccount.Permission = switch message {
        case .calc: .read
        case .newFundingOffer, .cancelFundingOffer: .funding
        default: .trade
        }
        guard session.permissions.contains(needed) else {
            notifyError(client, type: type, text: "api_key: permission invalid", info: Self.errorInfo(message))
            return
        }
        do {
            switch message {
            case .newOrder(var order):
                order.cid = order.cid ?? Int64(clock.wallMicros() / 1_000)
                let placed = try await userData.submit(order)
                state.withLock { _ = $0.sessions[client.id]?.owned.insert(placed.id) }
            case .updateOrder(let update): _ = try await userData.update(update)
            case .cancelOrder(let cancel): _ = try await userData.cancel(cancel)
            case .cancelOrders(let multi): _ = try await userData.cancelMulti(multi)
            case .multiOp(let operations): _ = try await userData.multi(operations)
            case .calc(let requests): try await userData.calc(requests)
            case .newFundingOffer(let offer): _ = try await userData.submitFundingOffer(offer)
            case .cancelFundingOffer(let id): _ = try await userData.cancelFundingOffer(id: id)
            default:
                notifyError(client, type: type, text: "input: unknown")
            }
        } catch let error as UserDataError {
            // a server rejection already reached every client as its `n …-req` ERROR notification
            if case .requestRejected = error { return }
            notifyError(client, type: type, text: "\(error)", info: Self.errorInfo(message))
        } catch {
            notifyError(client, type: type, text: "\(error)", info: Self.errorInfo(message))
        }
    }

    /// The `info` of an order input's error notification, as Bitfinex sends it: the order row as
    /// far as the input tells it (`on`: cid, symbol, amount, type, price, flags; `ou`/`oc`: the
    /// id or cid; the rest null).
    /// Clients parse that row (bitfinex-api-py fails on a null one).
    static func errorInfo(_ message: ClientMessage) -> BfxProtocol.Notification.Info {
        var row = [JSONValue](repeating: .null, count: 32)
        switch message {
        case .newOrder(let order):
            row[1] = order.gid.map { .number(WireNumber($0)) } ?? .null
            row[2] = order.cid.map { .number(WireNumber($0)) } ?? .null
            row[3] = .string(order.symbol)
            row[6] = .number(order.amount)
            row[7] = .number(order.amount)
            row[8] = .string(order.type)
            row[12] = order.flags.map { .number(WireNumber($0)) } ?? .null
            row[16] = order.price.map { .number($0) } ?? .null
        case .updateOrder(let update):
            row[0] = .number(WireNumber(update.id))
        case .cancelOrder(.id(let id)):
            row[0] = .number(WireNumber(id))
        case .cancelOrder(.cid(let cid, _)):
            row[2] = .number(WireNumber(cid))
        default:
            return .none
        }
        return .value(.array(row))
    }

    private func notifyError(_ client: LocalClient, type: String, text: String, info: BfxProtocol.Notification.Info = .none) {
        let note = BfxProtocol.Notification(mts: Int64(clock.wallMicros() / 1_000), type: type + "-req", info: info, code: nil, status: "ERROR", text: text)
        client.outbox.sendPacket(Self.packet(.notification(note)), wallMillis: Int64(clock.wallMicros() / 1_000), nowNanos: clock.monotonicNanos())
    }

    // MARK: disconnect

    /// A local client went away: forget it; with `dms: 4`, cancel its orders (or all of the key's).
    func clientGone(_ clientID: Int) async {
        guard let session = state.withLock({ $0.sessions.removeValue(forKey: clientID) }), session.deadMan else { return }
        let selection: OrderCancelMulti
        switch scope {
        case .allOrders:
            selection = .all
        case .ownOrders:
            let open = Set(await userData.accountState.orders.keys)
            let ids = session.owned.intersection(open).sorted()
            guard !ids.isEmpty else { return }
            selection = .ids(ids)
        }
        logger.notice("gateway dead-man switch: cancelling orders of a disconnected local client",
                      metadata: ["localKey": "\(session.name)", "scope": "\(scope.rawValue)"])
        do { _ = try await userData.cancelMulti(selection) } catch {
            logger.warning("gateway dead-man switch: cancel failed", metadata: ["error": "\(error)"])
        }
    }
}
