import BfxProtocol
@testable import BfxClient

/// The fake's trade history and account, seen as the REST API.
struct FakeRESTSource: UserDataReconciliationSource {
    let server: FakeAccountServer

    func openOrders() async throws -> [Order] { server.state.withLock { Array($0.orders.values) } }
    func positions() async throws -> [Position] { [] }
    func wallets() async throws -> [Wallet] { server.state.withLock { Array($0.wallets.values) } }
    func trades(sinceMillis: Int64) async throws -> [AccountTrade] {
        server.state.withLock { $0.trades.filter { $0.mtsCreate >= sinceMillis } }
    }
}
