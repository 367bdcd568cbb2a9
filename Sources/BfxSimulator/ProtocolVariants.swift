/// Which variant of each point the protocol reference leaves UNVERIFIED or in CONFLICT the
/// simulator emits. The defaults are the choices of docs/adr/0005; every other value is a shape
/// the sources allow, so tests can run the client against each one (docs/protocol.md, "Points the
/// sources do not settle"; docs/adr/0028). Settable from Swift, `bfxrun simulate --variant
/// NAME=VALUE` and the YAML `simulator.variants` map, with the names of ``names``.
public struct ProtocolVariants: Sendable, Equatable {
    /// How `subscribed` echoes the request's `subId`.
    public enum SubIdEcho: String, Sendable, CaseIterable {
        /// The JSON value the client sent, unchanged (default).
        case asSent = "as_sent"
        /// Always a JSON string (`"subId":"7"`).
        case string
        /// Always a JSON number when it is numeric (`"subId":7`).
        case number
    }

    /// What a request-level `error` event carries besides `event`, `msg`, `code`.
    public enum ErrorEcho: String, Sendable, CaseIterable {
        /// Every field of the request (`channel`, `symbol`, `subId`, `chanId` …) (default).
        case request
        /// Nothing: `{"event":"error","msg":…,"code":…}` only.
        case none
    }

    /// The shape of `caps` in a successful `auth` answer.
    public enum AuthCaps: String, Sendable, CaseIterable {
        /// A JSON object (observed; default).
        case object
        /// A JSON string holding the object (docs sample).
        case string
    }

    /// The `status` of a failed `auth` answer.
    public enum AuthFailureStatus: String, Sendable, CaseIterable {
        /// `"FAILED"` (observed; default).
        case failed = "FAILED"
        /// `"FAIL"` (docs sample).
        case fail = "FAIL"
    }

    /// NOTIFY_INFO of an order notification (`on-req`, `ou-req`, `oc-req`).
    public enum NotifyInfo: String, Sendable, CaseIterable {
        /// One order row `[ID,…]`.
        case row
        /// An array of order rows `[[ID,…]]`.
        case rows
    }

    /// How a later `conf` combines with earlier flags on the same connection.
    public enum ConfSemantics: String, Sendable, CaseIterable {
        /// The new flags replace the old ones (default).
        case replace
        /// The new flags are OR-ed into the old ones.
        case merge
    }

    /// When book updates of one flush are batched into one `[CHAN,[[row],[row]]]` message.
    public enum BulkUpdates: String, Sendable, CaseIterable {
        /// Only when the connection set BULK_UPDATES (2^29) (default).
        case flag
        /// Always, flag or not (the "looks like a snapshot" reading of the reference).
        case always
        /// Never, even with the flag set.
        case never
    }

    /// Trailing sequence numbers of `n` `*-req` notifications with SEQ_ALL.
    public enum RequestSequence: String, Sendable, CaseIterable {
        /// `[0,"n",N,AUTH_SEQ]`: only the auth sequence, no public sequence consumed (default).
        case authOnly = "auth_only"
        /// `[0,"n",N,PUB_SEQ,AUTH_SEQ]`: a public sequence number is consumed like any packet.
        case both
    }

    /// How R0 books order orders at one price (the snapshot's order, the `cs` over the top 25).
    public enum RawTies: String, Sendable, CaseIterable {
        /// Ascending order id (the official Node library's rule; default).
        case ascendingID = "ascending_id"
        /// Descending order id.
        case descendingID = "descending_id"
        /// Time priority of the last change: a new order, or one whose size changed, goes behind
        /// the orders already at its price.
        case time
    }

    /// What identifies a level of a funding P book.
    public enum FundingLevels: String, Sendable, CaseIterable {
        /// The rate: one level per rate, its period a function of the rate (default).
        case rate
        /// The rate and the period: offers of one rate with different periods are separate
        /// levels (and the offers get random periods so that happens).
        case ratePeriod = "rate_period"
    }

    /// The field order of the funding ticker (reference §3.2, CONFLICT).
    public enum FundingTickerOrder: String, Sendable, CaseIterable {
        /// `…,BID,BID_PERIOD,BID_SIZE,ASK,ASK_PERIOD,ASK_SIZE,…` (docs, Python; default).
        case docs
        /// `…,BID,BID_SIZE,BID_PERIOD,ASK,ASK_SIZE,ASK_PERIOD,…` (Node models).
        case node
    }

    /// `subscribed.subId` echo (default ``SubIdEcho/asSent``).
    public var subId: SubIdEcho = .asSent
    /// `error` event echo of request fields (default ``ErrorEcho/request``).
    public var errorEcho: ErrorEcho = .request
    /// `auth.caps` shape (default ``AuthCaps/object``).
    public var authCaps: AuthCaps = .object
    /// Failed `auth.status` (default ``AuthFailureStatus/failed``).
    public var authFailureStatus: AuthFailureStatus = .failed
    /// NOTIFY_INFO of WebSocket `n` order notifications (default ``NotifyInfo/row``).
    public var wsNotifyInfo: NotifyInfo = .row
    /// NOTIFY_INFO of the REST `auth/w/order/submit` answer (default ``NotifyInfo/rows``).
    public var restNotifyInfo: NotifyInfo = .rows
    /// `conf` semantics (default ``ConfSemantics/replace``).
    public var conf: ConfSemantics = .replace
    /// Book update batching (default ``BulkUpdates/flag``).
    public var bulkUpdates: BulkUpdates = .flag
    /// Sequence numbers on `*-req` notifications (default ``RequestSequence/authOnly``).
    public var requestSequence: RequestSequence = .authOnly
    /// R0 order of equal prices (default ``RawTies/ascendingID``).
    public var rawTies: RawTies = .ascendingID
    /// Funding P level identity (default ``FundingLevels/rate``).
    public var fundingLevels: FundingLevels = .rate
    /// Funding ticker field order (default ``FundingTickerOrder/docs``).
    public var fundingTicker: FundingTickerOrder = .docs

    /// The defaults (docs/adr/0005).
    public init() {}

    /// The variant names accepted by ``set(_:_:)`` with their allowed values.
    public static let names: [(name: String, values: [String])] = [
        ("sub_id", SubIdEcho.allCases.map(\.rawValue)),
        ("error_echo", ErrorEcho.allCases.map(\.rawValue)),
        ("auth_caps", AuthCaps.allCases.map(\.rawValue)),
        ("auth_failure_status", AuthFailureStatus.allCases.map(\.rawValue)),
        ("ws_notify_info", NotifyInfo.allCases.map(\.rawValue)),
        ("rest_notify_info", NotifyInfo.allCases.map(\.rawValue)),
        ("conf", ConfSemantics.allCases.map(\.rawValue)),
        ("bulk_updates", BulkUpdates.allCases.map(\.rawValue)),
        ("req_seq", RequestSequence.allCases.map(\.rawValue)),
        ("r0_ties", RawTies.allCases.map(\.rawValue)),
        ("funding_levels", FundingLevels.allCases.map(\.rawValue)),
        ("funding_ticker", FundingTickerOrder.allCases.map(\.rawValue)),
    ]

    /// A variant name or value that is not one of ``names``.
    public struct UnknownVariant: Error, Sendable, Equatable, CustomStringConvertible {
        /// The offending `NAME=VALUE` text.
        public var text: String
        /// Explains the error and lists what is accepted.
        public var description: String {
            "unknown protocol variant '\(text)'; accepted: "
                + ProtocolVariants.names.map { "\($0.name)=\($0.values.joined(separator: "|"))" }.joined(separator: ", ")
        }
    }

    /// Sets one variant by name, e.g. `set("error_echo", "none")`.
    public mutating func set(_ name: String, _ value: String) throws(UnknownVariant) {
        let bad = UnknownVariant(text: "\(name)=\(value)")
        switch name {
        case "sub_id": guard let v = SubIdEcho(rawValue: value) else { throw bad }; subId = v
        case "error_echo": guard let v = ErrorEcho(rawValue: value) else { throw bad }; errorEcho = v
        case "auth_caps": guard let v = AuthCaps(rawValue: value) else { throw bad }; authCaps = v
        case "auth_failure_status":
            guard let v = AuthFailureStatus(rawValue: value.uppercased()) else { throw bad }; authFailureStatus = v
        case "ws_notify_info": guard let v = NotifyInfo(rawValue: value) else { throw bad }; wsNotifyInfo = v
        case "rest_notify_info": guard let v = NotifyInfo(rawValue: value) else { throw bad }; restNotifyInfo = v
        case "conf": guard let v = ConfSemantics(rawValue: value) else { throw bad }; conf = v
        case "bulk_updates": guard let v = BulkUpdates(rawValue: value) else { throw bad }; bulkUpdates = v
        case "req_seq": guard let v = RequestSequence(rawValue: value) else { throw bad }; requestSequence = v
        case "r0_ties": guard let v = RawTies(rawValue: value) else { throw bad }; rawTies = v
        case "funding_levels": guard let v = FundingLevels(rawValue: value) else { throw bad }; fundingLevels = v
        case "funding_ticker": guard let v = FundingTickerOrder(rawValue: value) else { throw bad }; fundingTicker = v
        default: throw bad
        }
    }

    /// Sets one variant from `NAME=VALUE` text (the `bfxrun simulate --variant` form).
    public mutating func set(assignment: String) throws(UnknownVariant) {
        guard let eq = assignment.firstIndex(of: "=") else { throw UnknownVariant(text: assignment) }
        try set(String(assignment[..<eq]), String(assignment[assignment.index(after: eq)...]))
    }
}
