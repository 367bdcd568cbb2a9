// OrderRoundTrip — orders as `async throws` calls, and one signed REST call.
//
// What it teaches:
//   * `UserDataClient.submit/update/cancel` send the WebSocket inputs `on`/`ou`/`oc` and return
//     only when the server's *result* for that very order arrived (correlated by client id, CID,
//     and order id) — not merely when the `n …-req` notification came;
//   * a rejected request throws `UserDataError.requestRejected` with the server's text;
//   * a signed REST call (`auth/r/wallets`) goes through the *same* `NonceManager` as the WebSocket
//     auth, so the nonces of one key never collide; the manager's snapshot shows what was issued.
//
// Run it (offline; the embedded simulator has the key `example-key`):
//   swift run example-order-round-trip --seconds 5
// Against your own simulator (its --keys file must contain the key, with canWrite):
//   BFX_API_SECRET=s1 swift run example-order-round-trip --ws-url ws://127.0.0.1:PORT/ws/2 \
//       --rest-url http://127.0.0.1:PORT --api-key k1
import ArgumentParser
import BfxClient
import BfxNonce
import BfxProtocol
import BfxSimulator
import ExampleSupport
import Foundation

struct OrderRoundTrip: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "example-order-round-trip",
        abstract: "Submit, update and cancel an order through the user-data client; one signed REST call.")

    @Option(help: "Authenticated WebSocket URL of a running simulator; omitted = start one in-process.")
    var wsURL: String?

    @Option(help: "REST base URL (http://127.0.0.1:PORT); required with --ws-url.")
    var restURL: String?

    @OptionGroup var account: DemoAccountOptions   // --api-key; the secret from env (ExampleSupport)

    @Option(help: "Upper bound on the whole run, in seconds (each request also has its own timeout).")
    var seconds: Int = 5

    @Option(help: "Symbol to trade.")
    var symbol: String = "tBTCUSD"

    func validate() throws {
        guard (1...3600).contains(seconds) else { throw ValidationError("--seconds must be 1...3600") }
        if wsURL != nil, restURL == nil { throw ValidationError("--rest-url is required with --ws-url") }
    }

    func run() async throws {
        ExampleSupport.bootstrapLogging()
        let (apiKey, secret, credentials) = (account.apiKey, account.secret, account.credentials)

        var simulator: BfxSimulator?
        let wsEndpoint: String
        let restBase: String
        if let wsURL, let restURL {
            wsEndpoint = wsURL
            restBase = restURL.hasSuffix("/v2") ? String(restURL.dropLast(3)) : restURL
        } else {
            var config = SimulatorConfiguration()
            config.apiKeys = [.init(key: apiKey, secret: secret, userId: 7)]
            let sim = try await BfxSimulator.start(config)
            simulator = sim
            wsEndpoint = sim.wsURL
            restBase = "http://127.0.0.1:\(sim.port)"
        }

        // One nonce manager, shared by the REST client and the user-data client (same key → same lane).
        let nonces = NonceManager()
        let rest = BfxRESTClient(configuration: .singleHost(restBase), credentials: credentials, nonceManager: nonces)
        var userConfig = UserDataConfiguration()
        userConfig.requestTimeout = .seconds(max(1, seconds - 1))   // a request never outlives the run
        let client = UserDataClient(
            credentials: credentials, configuration: userConfig,
            transport: try WebSocketUserDataTransport(url: wsEndpoint),
            nonceManager: nonces, reconciliation: RESTReconciliationSource(rest))

        // The whole round trip runs as one task; the main task bounds it by --seconds.
        let work = Task { try await Self.roundTrip(client: client, rest: rest, nonces: nonces, symbol: symbol) }
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(seconds))
            work.cancel()
        }
        let outcome = await work.result
        watchdog.cancel()
        await client.stop()
        await nonces.shutdown()
        await simulator?.shutdown()
        switch outcome {
        case .success:
            print("done: round trip complete")
        case .failure(let error):
            print("failed: \(error)")
            throw ExitCode.failure
        }
    }

    static func roundTrip(client: UserDataClient, rest: BfxRESTClient, nonces: NonceManager, symbol: String) async throws {
        // 1. Connect + authenticate (fresh nonce from the manager) + wait for the snapshots.
        try await client.start()
        print("step 1: authenticated, \(await client.accountState.wallets.count) wallets, open orders: \(await client.accountState.orders.count)")

        // A price far below the market so the limit order rests in the book instead of filling.
        let ticker = try await rest.ticker(symbol: symbol)   // public REST, no nonce
        let restingPrice = (ticker.bid.decimal * 0.9).rounded(scale: 0)
        guard let price = WireNumber(restingPrice), let amount = WireNumber("0.01") else {
            throw ValidationError("cannot express price \(restingPrice)")
        }
        print("step 2: market bid \(ticker.bid.plainText); placing a resting bid at \(price.plainText)")

        // 2. Submit: returns the order once the server's `on` for our CID arrived.
        let placed = try await client.submit(NewOrder(type: "EXCHANGE LIMIT", symbol: symbol, amount: amount, price: price))
        print("step 3: submitted -> order \(placed.id) cid \(placed.cid.map(String.init) ?? "-") status \(placed.status ?? "?") price \(placed.price?.plainText ?? "-")")

        // 3. Update: returns on the `ou` that carries the change.
        guard let newPrice = WireNumber(restingPrice + 10) else { throw ValidationError("bad price") }
        let moved = try await client.update(OrderUpdate(id: placed.id, price: newPrice))
        print("step 4: updated   -> order \(moved.id) price \(moved.price?.plainText ?? "-") status \(moved.status ?? "?")")

        // 4. Cancel: returns on the `oc` of that order.
        let cancelled = try await client.cancel(.id(placed.id))
        print("step 5: cancelled -> order \(cancelled.id) status \(cancelled.status ?? "?")")
        print("        open orders now: \(await client.accountState.orders.count)")

        // 5. A request the server refuses: the error carries the server's status and text.
        do {
            guard let zero = WireNumber("0") else { throw ValidationError("bad amount") }
            _ = try await client.submit(NewOrder(type: "EXCHANGE LIMIT", symbol: symbol, amount: zero, price: price))
            print("step 6: zero-amount order was accepted (unexpected)")
        } catch let error as UserDataError {
            print("step 6: zero-amount order rejected as expected: \(error)")
        }

        // 6. One signed REST call through the same nonce manager.
        let wallets = try await rest.wallets()
        let usd = wallets.first { $0.walletType == "exchange" && $0.currency == "USD" }
        print("step 7: REST auth/r/wallets -> \(wallets.count) wallets, exchange USD \(usd?.balance.plainText ?? "-")")

        let snapshot = await nonces.snapshot()
        for key in snapshot.keys {
            print("nonces: key \(key.keyID) issued \(key.counters.issued), succeeded \(key.counters.succeeded), "
                  + "rejected \(key.counters.nonceRejected), last \(key.lastNonce)")
        }
    }
}

extension Decimal {
    /// Rounded to `scale` decimal places (banker's rounding is not wanted for prices).
    func rounded(scale: Int) -> Decimal {
        var input = self
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, .plain)
        return result
    }
}

// From top-level code `await X.main()` resolves to ArgumentParser's synchronous overload (which
// refuses async commands); inside an async function the async one wins.
func start() async { await OrderRoundTrip.main() }
await start()
