import BfxProtocol
import Synchronization
@testable import BfxClient

/// A tiny scripted Bitfinex account behind ``ScriptedUserDataServer``: answers `auth` (strictly
/// increasing nonce check, optional injected rejection), sends `os`/`ps`/`ws` snapshots, and
/// reacts to `on`/`ou`/`oc`/`oc_multi`/`ox_multi`/`fon`/`foc` with `n *-req` + order events.
/// Tests can fill orders while the client is disconnected and read the trade history ("REST").
final class FakeAccountServer: Sendable {
    struct State {
        var lastNonce: Int64 = 0
        var rejectNextAuth = 0
        var authFailure: (code: Int, msg: String)?
        var authNonces: [Int64] = []
        var authOK: [Int64] = []
        var orders: [Int64: Order] = [:]
        var wallets: [String: Wallet] = ["USD": Wallet(walletType: "exchange", currency: "USD", balance: 10_000)]
        var trades: [AccountTrade] = []
        var nextID: Int64 = 1000
        var nextTradeID: Int64 = 5000
        var rejectSubmitText: String?
        var silentSubmits = false
        var inputs: [String] = []
        var authenticatedConnection: Int?
        var mts: Int64 = 1_700_000_000_000
    }

    // Mutex: the fake's account is touched by the client's send path and by the test.
    let state = Mutex(State())
    let transport = ScriptedUserDataServer()

    init() {
        transport.setResponder { [unowned self] text, connection in
            self.handle(text, connection: connection)
        }
    }

    // MARK: Test controls

    var inputs: [String] { state.withLock { $0.inputs } }
    var authNonces: [Int64] { state.withLock { $0.authNonces } }
    var orders: [Int64: Order] { state.withLock { $0.orders } }
    func rejectNextAuth(_ count: Int = 1) { state.withLock { $0.rejectNextAuth = count } }
    func failAuth(code: Int, msg: String) { state.withLock { $0.authFailure = (code, msg) } }
    func rejectSubmits(_ text: String?) { state.withLock { $0.rejectSubmitText = text } }
    func ignoreSubmits(_ flag: Bool) { state.withLock { $0.silentSubmits = flag } }

    /// Fills an order completely (as the matching engine would), pushing `te`, `wu` and `oc`
    /// to the client when it is connected and authenticated.
    func fill(orderID: Int64) {
        let frames: [String] = state.withLock { s in
            guard var order = s.orders.removeValue(forKey: orderID) else { return [] }
            s.mts += 10
            s.nextTradeID += 1
            let amount = order.amount ?? 0
            let trade = AccountTrade(id: s.nextTradeID, symbol: order.symbol, mtsCreate: s.mts, orderId: order.id,
                                     execAmount: amount, execPrice: order.price ?? 0, cid: order.cid)
            s.trades.append(trade)
            let usd = s.wallets["USD"]?.balance.decimal ?? 0
            let cost = amount.decimal * (order.price?.decimal ?? 0)
            let wallet = Wallet(walletType: "exchange", currency: "USD", balance: WireNumber(usd - cost) ?? 0)
            s.wallets["USD"] = wallet
            order.amount = 0
            order.status = "EXECUTED @ \(order.price?.text ?? "0")(\(amount.text))"
            return [
                Self.frame("te", trade.row),
                Self.frame("wu", wallet.row),
                Self.frame("oc", order.row),
            ]
        }
        if connectedAndAuthenticated { for frame in frames { transport.push(frame) } }
    }

    var connectedAndAuthenticated: Bool {
        let index = state.withLock { $0.authenticatedConnection }
        guard let index, let last = transport.connections.last, last.index == index else { return false }
        return !last.isClosed
    }

    func dropConnection() {
        state.withLock { $0.authenticatedConnection = nil }
        transport.dropCurrent()
    }

    // MARK: Protocol

    static func frame(_ type: String, _ payload: JSONValue) -> String {
        JSONValue.array([0, .string(type), payload]).serialized()
    }

    static func notification(_ type: String, info: JSONValue, status: String, text: String, mts: Int64) -> String {
        frame("n", .array([.number(WireNumber(mts)), .string(type), .null, .null, info, .null, .string(status), .string(text)]))
    }

    func handle(_ text: String, connection: Int) -> [String] {
        guard let value = try? JSONValue.parse(text) else { return [] }
        if let object = value.object {
            guard object["event"]?.string == "auth" else { return [] }
            return authenticate(object, connection: connection)
        }
        guard let array = value.array, array.count >= 4, let type = array[1].string else { return [] }
        state.withLock { $0.inputs.append(text) }
        return input(type, array[3])
    }

    func authenticate(_ request: JSONObject, connection: Int) -> [String] {
        let nonce = request["authNonce"]?.int64 ?? 0
        return state.withLock { s in
            s.authNonces.append(nonce)
            if let failure = s.authFailure {
                return [#"{"event":"auth","status":"FAILED","chanId":0,"code":\#(failure.code),"msg":"\#(failure.msg)"}"#]
            }
            if s.rejectNextAuth > 0 || nonce <= s.lastNonce {
                if s.rejectNextAuth > 0 { s.rejectNextAuth -= 1 }
                s.lastNonce = max(s.lastNonce, nonce)
                return [#"{"event":"auth","status":"FAILED","chanId":0,"code":10114,"msg":"nonce: small"}"#]
            }
            s.lastNonce = nonce
            s.authOK.append(nonce)
            s.authenticatedConnection = connection
            let orders = s.orders.keys.sorted().compactMap { s.orders[$0]?.row }
            let wallets = s.wallets.keys.sorted().compactMap { s.wallets[$0]?.row }
            return [
                #"{"event":"auth","status":"OK","chanId":0,"userId":7,"caps":{}}"#,
                Self.frame("ps", .array([])),
                Self.frame("ws", .array(wallets)),
                Self.frame("os", .array(orders)),
            ]
        }
    }

    func input(_ type: String, _ payload: JSONValue) -> [String] {
        switch type {
        case "on": return newOrder(payload)
        case "ou": return updateOrder(payload)
        case "oc": return cancelOrder(payload)
        case "oc_multi":
            return (payload["id"]?.array ?? []).compactMap(\.int64).flatMap { cancelOrder(["id": .number(WireNumber($0))], notify: false) }
        case "ox_multi":
            return (payload.array ?? []).flatMap { op -> [String] in
                guard let name = op[0]?.string, let body = op[1] else { return [] }
                return input(name, body)
            }
        default: return []
        }
    }

    /// Decimal fields arrive as strings (`"0.5"`); accept numbers too.
    static func num(_ value: JSONValue?) -> WireNumber? {
        value?.number ?? value?.string.flatMap { WireNumber($0) }
    }

    func newOrder(_ p: JSONValue) -> [String] {
        state.withLock { s in
            if s.silentSubmits { return [] }
            s.mts += 1
            let cid = p["cid"]?.int64
            let amount = Self.num(p["amount"]) ?? 0
            let price = Self.num(p["price"])
            let symbol = p["symbol"]?.string ?? ""
            if let reason = s.rejectSubmitText {
                let echo = Order(id: 0, cid: cid, symbol: symbol, amount: amount, orderType: p["type"]?.string, status: nil, price: price)
                return [Self.notification("on-req", info: echo.row, status: "ERROR", text: reason, mts: s.mts)]
            }
            s.nextID += 1
            let order = Order(id: s.nextID, gid: p["gid"]?.int64, cid: cid, symbol: symbol, mtsCreate: s.mts, mtsUpdate: s.mts,
                              amount: amount, amountOrig: amount, orderType: p["type"]?.string, status: "ACTIVE", price: price)
            s.orders[order.id] = order
            return [
                Self.notification("on-req", info: order.row, status: "SUCCESS", text: "Submitting order", mts: s.mts),
                Self.frame("on", order.row),
            ]
        }
    }

    func updateOrder(_ p: JSONValue) -> [String] {
        state.withLock { s in
            s.mts += 1
            let id = p["id"]?.int64 ?? 0
            guard var order = s.orders[id] else {
                let echo = Order(id: id, symbol: "")
                return [Self.notification("ou-req", info: echo.row, status: "ERROR", text: "Order not found.", mts: s.mts)]
            }
            if let price = Self.num(p["price"]) { order.price = price }
            if let amount = p["amount"]?.number { order.amount = amount }
            order.mtsUpdate = s.mts
            s.orders[id] = order
            return [
                Self.notification("ou-req", info: order.row, status: "SUCCESS", text: "Updating order", mts: s.mts),
                Self.frame("ou", order.row),
            ]
        }
    }

    func cancelOrder(_ p: JSONValue, notify: Bool = true) -> [String] {
        state.withLock { s in
            s.mts += 1
            let id = p["id"]?.int64 ?? s.orders.values.first { $0.cid == p["cid"]?.int64 }?.id ?? 0
            guard var order = s.orders.removeValue(forKey: id) else {
                let echo = Order(id: id, symbol: "")
                return [Self.notification("oc-req", info: echo.row, status: "ERROR", text: "Order not found.", mts: s.mts)]
            }
            order.status = "CANCELED"
            var frames: [String] = []
            if notify { frames.append(Self.notification("oc-req", info: order.row, status: "SUCCESS", text: "Cancelling order", mts: s.mts)) }
            frames.append(Self.frame("oc", order.row))
            return frames
        }
    }
}
