/// A fault the simulator can inject. `connection: nil` means every WebSocket connection.
/// Every injection is counted (see `SimulatorStats.faultsInjected`).
public enum SimulatorFault: Sendable, Equatable {
    /// Close every WebSocket connection abruptly (TCP close, no close frame).
    case dropAll
    /// Close one WebSocket connection abruptly.
    case dropConnection(Int)
    /// Silent stall: the TCP connection stays open but the server sends nothing (no data, no
    /// heartbeats, no pongs) and stops reading, for `duration` or until `.clear`.
    case stall(connection: Int?, duration: Duration?)
    /// Send `{"event":"info","code":20051,...}` (server restarting — clients should reconnect).
    case restart
    /// Send info 20060, report platform status 0 and answer REST with `["error",20060,"maintenance"]`,
    /// then after `duration` send info 20061 and resume.
    case maintenance(duration: Duration)
    /// The next `cs` message sent on the connection(s) carries a wrong checksum.
    case corruptNextChecksum(connection: Int?)
    /// From now on (until `.clear`), every funding-book (`f…`) `cs` is computed the way the live
    /// server's unreliable funding checksums behave: over the published top-25 rows with each
    /// side in the wrong order (worst first) — the "invalid book sorting on the backend" for
    /// which bitfinex-api-node skips funding checksums (protocol reference §4.4). Book data stays
    /// correct, trading books are unaffected; a book with at most one row per side still gets
    /// the right value.
    case wrongFundingChecksums
    /// The next public sequence number on the connection(s) skips one value (requires SEQ_ALL).
    case skipSequence(connection: Int?)
    /// Send one malformed (non-JSON) text frame.
    case malformedFrame(connection: Int?)
    /// Delay every outbound WebSocket frame and every REST response by this much (zero clears).
    case latency(Duration)
    /// Read client frames slowly: wait `perMessage` before processing each inbound frame (zero clears).
    case slowReader(connection: Int?, perMessage: Duration)
    /// Reject the next `count` nonces of the key (of any key when nil) with 10114 `nonce: small`.
    case rejectNextNonce(apiKey: String?, count: Int = 1)
    /// The next `count` REST requests answer HTTP 500 `["error",10001,"ERR_GENERIC: simulated server error"]`.
    case restErrors(count: Int)
    /// The next `count` REST requests answer HTTP 429 `{"error":"ERR_RATE_LIMIT"}`.
    case restRateLimit(count: Int)
    /// Refuse TCP connections for `duration`: every connection accepted on the port (WebSocket,
    /// REST and control API alike) is closed at once, before a single HTTP byte is exchanged.
    /// Connections already open are not affected.
    case refuseConnections(duration: Duration)
    /// Answer the next `count` subscribe requests (any connection) with
    /// `{"event":"error","code":code,...}` echoing the request (`subId` included), e.g. 10300,
    /// 10400 or 11000 (retryable) or 10001 (fatal).
    case rejectSubscribe(code: Int, count: Int)
    /// Answer the next `count` unsubscribe requests (any connection) with
    /// `{"event":"error","code":code,...}` echoing the request (`chanId` included); the channel
    /// stays subscribed. E.g. 11000 (retryable) to exercise the client's unsubscribe retries.
    case rejectUnsubscribe(code: Int, count: Int)
    /// Clear all persistent faults (stall, latency, slow reader, refusal, pending one-shots).
    case clear

    /// The fault's name in the one vocabulary (``FaultName``), used for counting
    /// (`SimulatorStats.faultsInjected`) and in the control API.
    public var name: String { kind.rawValue }
}
