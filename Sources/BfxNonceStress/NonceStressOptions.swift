import BfxNonce
import BfxProtocol
import Foundation

/// Options of a nonce stress run (`bfxrun nonce stress`).
public struct NonceStressOptions: Sendable, Codable {
    /// Base URL of a running simulator, e.g. `http://127.0.0.1:PORT` (REST under `/v2`, stats under `/_sim/state`).
    public var url: String
    /// Worker processes (1 = run in this process).
    public var processes: Int
    /// Concurrent tasks per process.
    public var tasks: Int
    /// Signed calls per task.
    public var calls: Int
    /// Nonce store used by every worker.
    public var store: NonceStoreKind
    /// Directory of the file store.
    public var storePath: String?
    /// URL of the PostgreSQL store.
    public var postgresURL: String?
    /// API key known to the simulator.
    public var apiKey: String
    /// Its secret.
    public var apiSecret: String
    /// Authenticated path each call hits.
    public var path: String
    /// Seconds between progress lines (calls done, calls/s, rejections); 0 = none.
    public var progressInterval: Double = 5
    /// Seconds to wait after an `ERR_RATE_LIMIT`/429 answer (Bitfinex blocks the IP about 60 s;
    /// shorter against a simulator with a tiny budget).
    public var rateLimitBackoff: Double = 60
    /// Base URL of the simulator whose nonce ledger (`/_sim/state`) the report reads; `nil` = `url`.
    /// Set it when `url` is a gateway (`bfxrun gateway`): the calls then go out signed with local
    /// credentials, and the ledger to check is the simulator's, for the gateway's upstream key.
    public var ledgerURL: String?
    /// The key whose ledger entry the report reads; `nil` = `apiKey` (set it to the gateway's upstream key).
    public var ledgerKey: String?
    /// REST request timeout of every signed call, seconds (the client's default is 15).
    public var requestTimeout: Double = 15
    /// The nonce manager's `unknownOutcomeQuarantine` in every worker, seconds (0 = off).
    public var unknownOutcomeQuarantine: Double = 0
    /// Time limit of each worker process, seconds (exit status 3 when reached; its calls then
    /// count as failed).
    public var maxSeconds: Int = 600

    /// A stress run against `url`: `processes` × `tasks` × `calls` signed calls on one key through `store`.
    public init(url: String, processes: Int = 1, tasks: Int = 64, calls: Int = 10, store: NonceStoreKind = .memory,
                storePath: String? = nil, postgresURL: String? = nil, apiKey: String, apiSecret: String,
                path: String = "auth/r/wallets") {
        self.url = url
        self.processes = processes
        self.tasks = tasks
        self.calls = calls
        self.store = store
        self.storePath = storePath
        self.postgresURL = postgresURL
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.path = path
    }
}
