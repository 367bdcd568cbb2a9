// UserDataListener — the authenticated account stream.
//
// What it teaches:
//   * one `NonceManager` per process, shared by the WebSocket auth and every signed REST call;
//   * `UserDataClient`: `start()` authenticates (fresh nonce, HMAC-SHA384) and waits for the
//     first snapshots (orders, positions, wallets); afterwards it keeps an `AccountState`;
//   * the two streams it offers:
//       - `events()`: every raw channel-0 message (`os on ou oc ws wu te tu n …`) plus lifecycle
//         events (connecting, authenticated, ready, disconnected …), in server order;
//       - `accountChanges()`: the *effect* on the account state (order added/updated/removed,
//         wallet balance before → after, a fill), which is usually what an application wants;
//   * orders placed elsewhere (here: by REST, as another program would) show up on the stream.
//
// Run it (offline; the embedded simulator has the key `example-key`):
//   swift run example-user-data-listener --seconds 5
// Against your own simulator (its --keys file must contain the key):
//   BFX_API_SECRET=s1 swift run example-user-data-listener --ws-url ws://127.0.0.1:PORT/ws/2 \
//       --rest-url http://127.0.0.1:PORT --api-key k1
import ArgumentParser
import BfxClient
import BfxNonce
import BfxProtocol
import BfxSimulator
import ExampleSupport
import Foundation

struct UserDataListener: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example-user-data-listener",
        abstract: "Authenticate on the simulator and print wallet/order events and account changes.")

    @Option(help: "Authenticated WebSocket URL of a running simulator; omitted = start one in-process.")
    var wsURL: String?

    @Option(help: "REST base URL (http://127.0.0.1:PORT) used to place demo orders; omitted with --ws-url = no demo orders.")
    var restURL: String?

    @OptionGroup var account: DemoAccountOptions   // --api-key; the secret from env (ExampleSupport)

    @Option(help: "How long to listen, in seconds.")
    var seconds: Int = 5

    @Flag(inversion: .prefixedNo, help: "Place a small market order by REST every second so there is something to see.")
    var activity: Bool = true

    func validate() throws {
        guard (1...3600).contains(seconds) else { throw ValidationError("--seconds must be 1...3600") }
    }

    func run() async throws {
        ExampleSupport.bootstrapLogging()
        // Never put a secret on the command line (`ps` shows it); the simulator's key is a fixed demo value.
        let (apiKey, secret, credentials) = (account.apiKey, account.secret, account.credentials)

        // 1. The simulator (with our key configured) unless URLs were given.
        var simulator: BfxSimulator?
        let wsEndpoint: String
        var restBase = restURL.map(Self.restBase)
        if let wsURL {
            wsEndpoint = wsURL
        } else {
            var config = SimulatorConfiguration()
            config.apiKeys = [.init(key: apiKey, secret: secret, userId: 42)]
            let sim = try await BfxSimulator.start(config)
            simulator = sim
            wsEndpoint = sim.wsURL
            restBase = "http://127.0.0.1:\(sim.port)"
        }
        print("account endpoint \(wsEndpoint)")

        // 2. One nonce manager for the whole process; REST and WS auth of one key share its lane.
        let nonces = NonceManager()
        let rest = restBase.map { BfxRESTClient(configuration: .singleHost($0), credentials: credentials, nonceManager: nonces) }

        // 3. The user-data client. Reconciliation (after reconnects) uses REST when available.
        let client = UserDataClient(
            credentials: credentials,
            configuration: UserDataConfiguration(),
            transport: try WebSocketUserDataTransport(url: wsEndpoint),
            nonceManager: nonces,
            reconciliation: rest.map { RESTReconciliationSource($0) })

        // 4. Subscribe to both streams *before* start() so the snapshots are not missed.
        let events = await client.events()
        let changes = await client.accountChanges()
        let eventTask = Task {
            for await event in events { if let line = Self.describe(event) { print(line) } }
        }
        let changeTask = Task {
            for await change in changes { if let line = Self.describe(change) { print(line) } }
        }

        // 5. Authenticate and wait for the snapshots.
        try await client.start()
        let state = await client.accountState
        print("ready: \(state.wallets.count) wallets, \(state.orders.count) open orders, \(state.positions.count) positions")
        for (key, wallet) in state.wallets.sorted(by: { $0.key < $1.key }) {
            print("  wallet \(key): \(wallet.balance.plainText)")
        }

        // 6. Some activity: a tiny market order by REST every second, alternating buy and sell.
        let deadline = ContinuousClock.now + .seconds(seconds)
        var buy = true
        while ContinuousClock.now < deadline {
            if activity, let rest {
                let amount = buy ? "0.001" : "-0.001"
                do {
                    let note = try await rest.submitOrder(type: "EXCHANGE MARKET", symbol: "tBTCUSD", amount: amount)
                    print("rest: submitted EXCHANGE MARKET \(amount) tBTCUSD -> \(note.status ?? "?") \(note.text ?? "")")
                } catch {
                    print("rest: order failed: \(error)")
                }
                buy.toggle()
            }
            let remaining = deadline - ContinuousClock.now
            try await Task.sleep(for: min(.seconds(1), max(.zero, remaining)))
        }

        // 7. Final account state, then stop (pending requests would fail with `.closed`).
        let final = await client.accountState
        let status = await client.status
        await client.stop()
        eventTask.cancel()
        changeTask.cancel()
        await nonces.shutdown()
        await simulator?.shutdown()
        print("final: exchange USD \(final.wallet(type: "exchange", currency: "USD")?.balance.plainText ?? "-"), "
              + "exchange BTC \(final.wallet(type: "exchange", currency: "BTC")?.balance.plainText ?? "-"), "
              + "\(final.recentTrades.count) fills seen, phase \(status.phase)")
    }

    /// Accepts `http://host:port` or the simulator's `http://host:port/v2`.
    static func restBase(_ url: String) -> String {
        var base = url.hasSuffix("/") ? String(url.dropLast()) : url
        if base.hasSuffix("/v2") { base = String(base.dropLast(3)) }
        return base
    }

    /// One line per lifecycle event and per order/wallet/trade message; nil for the rest.
    static func describe(_ event: UserDataEvent) -> String? {
        switch event {
        case .connecting(let attempt): return "event: connecting (attempt \(attempt))"
        case let .authenticated(userID, nonce): return "event: authenticated user \(userID.map(String.init) ?? "?") with nonce \(nonce)"
        case let .authenticationFailed(error, _): return "event: authentication failed: \(error)"
        case .ready(let again): return "event: ready\(again ? " after reconnect" : "")"
        case .disconnected(let reason): return "event: disconnected (\(reason))"
        case let .reconnecting(attempt, delay): return "event: reconnecting #\(attempt) in \(delay)"
        case .stopped(let error): return "event: stopped \(error.map { "\($0)" } ?? "by request")"
        case let .serverInfo(code, message): return "event: server info \(code) \(message ?? "")"
        case .offlineChanges(let report): return "event: while offline: \(report.closedOrders.count) orders closed, \(report.trades.count) fills"
        case .message(let message):
            switch message {
            case .orderSnapshot(let orders): return "wire os: \(orders.count) open orders"
            case .walletSnapshot(let wallets): return "wire ws: \(wallets.count) wallets"
            case .orderNew(let o): return "wire on: order \(o.id) \(o.orderType ?? "") \(o.amountOrig?.plainText ?? "")"
            case .orderUpdate(let o): return "wire ou: order \(o.id) \(o.status ?? "")"
            case .orderCancel(let o): return "wire oc: order \(o.id) \(o.status ?? "")"
            case .walletUpdate(let w): return "wire wu: \(w.walletType):\(w.currency) = \(w.balance.plainText)"
            case .tradeExecuted(let t): return "wire te: \(t.symbol) \(t.execAmount.plainText) @ \(t.execPrice.plainText)"
            case .tradeUpdate(let t): return "wire tu: \(t.symbol) \(t.execAmount.plainText) (same fill, now with its fee)"
            case .notification(let n): return "wire n: \(n.type) \(n.status ?? "") \(n.text ?? "")"
            default: return nil
            }
        default: return nil
        }
    }

    /// One line per change of the maintained account state.
    static func describe(_ change: AccountChange) -> String? {
        switch change {
        case .order(.added(let o)): return "account: order \(o.id) added (\(o.status ?? ""))"
        case .order(.updated(_, let o)): return "account: order \(o.id) updated (\(o.status ?? ""))"
        case .order(.removed(let o)): return "account: order \(o.id) removed (\(o.status ?? ""))"
        case let .wallet(.updated(before, after)):
            return "account: wallet \(after.walletType):\(after.currency) \(before.balance.plainText) -> \(after.balance.plainText)"
        case .wallet(.added(let w)): return "account: wallet \(w.walletType):\(w.currency) = \(w.balance.plainText)"
        // Reported for `te` and again for its `tu` (which adds the fee): key fills by `t.id`.
        case .trade(let t): return "account: fill id \(t.id) \(t.execAmount.plainText) \(t.symbol) @ \(t.execPrice.plainText) (order \(t.orderId))"
        case .snapshot(let kind): return "account: snapshot \(kind.rawValue) applied"
        default: return nil
        }
    }
}

// From top-level code `await X.main()` resolves to ArgumentParser's synchronous overload (which
// refuses async commands); inside an async function the async one wins.
func start() async { await UserDataListener.main() }
await start()
