import BfxProtocol

/// Where reconciliation reads the account from besides the fresh WebSocket snapshots: normally
/// the authenticated REST API (``RESTReconciliationSource`` adapts `BfxRESTClient`).
///
/// Trades are the essential part (snapshots carry no trades, so fills that happened while
/// offline are only visible here); orders, positions and wallets are used when the matching
/// WebSocket snapshot did not arrive in time.
public protocol UserDataReconciliationSource: Sendable {
    /// Open orders (`auth/r/orders`).
    func openOrders() async throws -> [Order]
    /// Positions (`auth/r/positions`).
    func positions() async throws -> [Position]
    /// Wallets (`auth/r/wallets`).
    func wallets() async throws -> [Wallet]
    /// Own trades with `MTS_CREATE >= sinceMillis` (`auth/r/trades/hist`), any order.
    func trades(sinceMillis: Int64) async throws -> [AccountTrade]
}
