/// Matches order/funding inputs with the server's `n *-req` acknowledgements and the following
/// channel-0 object events (`on`/`ou`/`oc`, `fon`/`foc`).
///
/// Pure state machine: no I/O, no clock, no continuations. The owner feeds it acknowledgements,
/// object events and the current monotonic time, and gets back `Resolution`s to deliver.
///
/// Rules (protocol reference §7.8):
/// - submit: keyed by CID. `n on-req` ERROR/FAILURE fails it; an `on`/`ou`/`oc` carrying the CID
///   resolves it (the object event alone proves acceptance, so it does not wait for the ack).
/// - update: keyed by order ID. Failure ack fails it; the first `ou`/`oc` for that ID *after* a
///   SUCCESS ack resolves it (a fill-driven `ou` before the ack is not ours).
/// - cancel: keyed by order ID or CID. Failure ack fails it; an `oc` for the order resolves it.
/// - funding offer: no CID exists, so `n fon-req` is matched FIFO by symbol; SUCCESS re-keys the
///   request by the new offer ID and the `fon` for it resolves. Funding cancel: keyed by offer ID.
/// - several requests on the same key resolve FIFO.
package struct RequestCorrelator<Value: Sendable>: Sendable {
    /// What a pending request is waiting for.
    package enum Key: Hashable, Sendable, CustomStringConvertible {
        /// Client order ID.
        case cid(Int64)
        /// Server order ID.
        case orderID(Int64)
        /// Funding symbol (new funding offers before their ID is known).
        case fundingSymbol(String)
        /// Funding offer ID.
        case offerID(Int64)

        /// Short form for errors and logs.
        package var description: String {
            switch self {
            case let .cid(value): return "cid:\(value)"
            case let .orderID(value): return "id:\(value)"
            case let .fundingSymbol(value): return "funding:\(value)"
            case let .offerID(value): return "offer:\(value)"
            }
        }
    }

    /// A `n *-req` notification reduced to what correlation needs.
    package struct Acknowledgement: Sendable, Equatable {
        /// Which request type the notification answers.
        package var request: UserDataRequestKind
        /// `NOTIFY_INFO[0]` (order or offer ID), if present.
        package var objectID: Int64?
        /// `NOTIFY_INFO[2]` for orders (CID), if present.
        package var cid: Int64?
        /// Symbol of the echoed row, if present.
        package var symbol: String?
        /// `STATUS` (e.g. `SUCCESS`, `ERROR`, `FAILURE`).
        package var status: String
        /// `CODE`, if the server sent one.
        package var code: Int?
        /// `TEXT`, verbatim.
        package var text: String

        /// Creates an acknowledgement.
        package init(request: UserDataRequestKind, objectID: Int64?, cid: Int64?, symbol: String?,
                    status: String, code: Int?, text: String) {
            self.request = request
            self.objectID = objectID
            self.cid = cid
            self.symbol = symbol
            self.status = status
            self.code = code
            self.text = text
        }

        /// Whether the server accepted the request.
        package var isSuccess: Bool { status.uppercased() == "SUCCESS" }
    }

    /// Kind of object event observed on channel 0.
    package enum ObjectEvent: Sendable, Equatable {
        /// `on` (order new).
        case orderNew
        /// `ou` (order update).
        case orderUpdate
        /// `oc` (order closed: cancelled or executed).
        case orderClose
        /// `fon` (funding offer new).
        case offerNew
        /// `fou` (funding offer update).
        case offerUpdate
        /// `foc` (funding offer closed).
        case offerClose
    }

    /// The outcome for one request, to be delivered by the owner.
    package struct Resolution: Sendable {
        /// The token returned by `register`.
        package let token: UInt64
        /// The request kind.
        package let request: UserDataRequestKind
        /// The value or the typed failure.
        package let result: Result<Value, UserDataError>
    }

    /// A request still waiting.
    package struct Pending: Sendable {
        /// Token returned by `register`.
        package let token: UInt64
        /// Request kind.
        package let request: UserDataRequestKind
        /// Current correlation key.
        package fileprivate(set) var key: Key
        /// Whether the SUCCESS acknowledgement was seen.
        package fileprivate(set) var acknowledged: Bool
        /// Monotonic deadline (same origin as the `now` passed to `expire`); nil = not yet sent.
        package fileprivate(set) var deadline: Duration?
    }

    private var pending: [Pending] = []
    private var nextToken: UInt64 = 1

    /// Creates an empty correlator.
    package init() {}

    /// Requests still waiting, oldest first.
    package var pendingRequests: [Pending] { pending }
    /// Number of requests still waiting.
    package var count: Int { pending.count }

    /// Whether a request with this key is pending (e.g. a CID collision check).
    package func isPending(_ key: Key) -> Bool { pending.contains { $0.key == key } }

    /// Registers a request. `deadline` nil means "not sent yet" (buffered): it never times out
    /// until `arm(token:deadline:)` is called when it is actually written.
    package mutating func register(_ request: UserDataRequestKind, key: Key, deadline: Duration?) -> UInt64 {
        let token = nextToken
        nextToken &+= 1
        pending.append(Pending(token: token, request: request, key: key, acknowledged: false, deadline: deadline))
        return token
    }

    /// Starts the timeout of a request that was registered while buffered.
    package mutating func arm(token: UInt64, deadline: Duration) {
        guard let index = pending.firstIndex(where: { $0.token == token }) else { return }
        pending[index].deadline = deadline
    }

    /// Removes a request without resolving it (its owner resolves it directly).
    @discardableResult
    package mutating func remove(token: UInt64) -> Pending? {
        guard let index = pending.firstIndex(where: { $0.token == token }) else { return nil }
        return pending.remove(at: index)
    }

    /// Feeds a `n *-req` notification; returns failures it resolves (successes only advance state).
    package mutating func acknowledge(_ ack: Acknowledgement) -> [Resolution] {
        guard let index = indexForAcknowledgement(ack) else { return [] }
        if ack.isSuccess {
            pending[index].acknowledged = true
            if ack.request == .fundingOffer, let offerID = ack.objectID {
                pending[index].key = .offerID(offerID)
            }
            return []
        }
        let entry = pending.remove(at: index)
        let error = UserDataError.requestRejected(request: entry.request, status: ack.status, code: ack.code, serverText: ack.text)
        return [Resolution(token: entry.token, request: entry.request, result: .failure(error))]
    }

    /// Feeds an object event; returns every request it resolves.
    package mutating func observe(_ event: ObjectEvent, id: Int64, cid: Int64?, value: Value) -> [Resolution] {
        var resolved: [Resolution] = []
        var index = 0
        // Resolve at most one request per (kind) per event so FIFO duplicates keep waiting.
        var used: Set<UserDataRequestKind> = []
        while index < pending.count {
            let entry = pending[index]
            if !used.contains(entry.request), matches(entry, event: event, id: id, cid: cid) {
                used.insert(entry.request)
                pending.remove(at: index)
                resolved.append(Resolution(token: entry.token, request: entry.request, result: .success(value)))
                continue
            }
            index += 1
        }
        return resolved
    }

    /// Fails every armed request whose deadline is at or before `now`.
    package mutating func expire(now: Duration) -> [Resolution] {
        var resolved: [Resolution] = []
        pending.removeAll { entry in
            guard let deadline = entry.deadline, deadline <= now else { return false }
            resolved.append(Resolution(token: entry.token, request: entry.request,
                                       result: .failure(.requestTimedOut(request: entry.request, acknowledged: entry.acknowledged))))
            return true
        }
        return resolved
    }

    /// Earliest armed deadline, for scheduling the next `expire`.
    package var nextDeadline: Duration? { pending.compactMap(\.deadline).min() }

    /// Removes and returns every armed (sent) request: used when the connection drops so the
    /// owner can decide between "resolved by reconciliation" and `outcomeUnknownAfterDisconnect`.
    package mutating func takeSent() -> [Pending] {
        let sent = pending.filter { $0.deadline != nil }
        pending.removeAll { $0.deadline != nil }
        return sent
    }

    /// Fails every pending request with `error`.
    package mutating func failAll(_ error: UserDataError) -> [Resolution] {
        let all = pending
        pending.removeAll()
        return all.map { Resolution(token: $0.token, request: $0.request, result: .failure(error)) }
    }

    private func indexForAcknowledgement(_ ack: Acknowledgement) -> Int? {
        pending.firstIndex { entry in
            guard entry.request == ack.request, entry.deadline != nil, !entry.acknowledged else { return false }
            switch entry.key {
            case let .cid(cid):
                return ack.cid == cid
            case let .orderID(id):
                return ack.objectID == id
            case let .fundingSymbol(symbol):
                return ack.symbol == nil || ack.symbol == symbol
            case let .offerID(id):
                return ack.objectID == id
            }
        }
    }

    private func matches(_ entry: Pending, event: ObjectEvent, id: Int64, cid: Int64?) -> Bool {
        switch (entry.request, entry.key) {
        case let (.submit, .cid(key)):
            return [.orderNew, .orderUpdate, .orderClose].contains(event) && cid == key
        case let (.update, .orderID(key)):
            return entry.acknowledged && (event == .orderUpdate || event == .orderClose) && id == key
        case let (.cancel, .orderID(key)):
            return event == .orderClose && id == key
        case let (.cancel, .cid(key)):
            return event == .orderClose && cid == key
        case let (.fundingOffer, .offerID(key)):
            return entry.acknowledged && [.offerNew, .offerUpdate, .offerClose].contains(event) && id == key
        case let (.fundingCancel, .offerID(key)):
            return event == .offerClose && id == key
        default:
            return false
        }
    }
}
