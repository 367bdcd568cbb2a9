/// What the client does when a book's `cs` frame differs from the CRC-32 of its local book, per
/// book kind (trading `t…` and funding `f…` books), set in ``BfxClientConfiguration/checksumPolicy``.
///
/// The defaults follow the protocol reference (§4.4, §10, §11 item 10): a trading-book mismatch
/// means the local book diverged, so the book is resubscribed at once (`resync`). Funding-book
/// checksums are unreliable on the server side — bitfinex-api-node skips them ("temporarily
/// disabled for funding books, due to invalid book sorting on the backend", `ws2.js`
/// `_handleOBChecksumMessage`), and bitfinex-api-py#19 / bitfinex-api-rb#106 report persistent
/// funding mismatches — so resyncing on every one is a resubscribe loop on live Bitfinex. Funding
/// books therefore default to `observe`: mismatches are counted and reported, and the book is
/// resubscribed at most once per ``observeResyncWindow``. See docs/adr/0023.
public struct ChecksumPolicy: Sendable, Hashable {
    /// The reaction to a checksum mismatch.
    public enum Mode: String, Sendable, Hashable, CaseIterable, Codable {
        /// Every mismatch resubscribes the book (it is rebuilt from a fresh snapshot).
        case resync
        /// Every mismatch is counted (``IntegrityCounters/checksumMismatches`` and
        /// ``IntegrityCounters/checksumMismatchesObserved``) and reported as an
        /// ``IntegrityEvent``; the book is resubscribed at most once per
        /// ``ChecksumPolicy/observeResyncWindow`` (the first mismatch resyncs, later ones within
        /// the window are reported with ``IntegrityEvent/Recovery/reportOnly(nextResyncAt:)``). Never a loop.
        case observe
        /// `cs` frames are not compared at all (what bitfinex-api-node does for funding books):
        /// nothing is counted, the book is never resubscribed for a checksum.
        case ignore
    }

    /// The mode for trading (`t…`) books. Default ``Mode/resync``.
    public var trading: Mode
    /// The mode for funding (`f…`) books. Default ``Mode/observe`` (reference §4.4: the server's
    /// funding checksums are unreliable and the official Node client skips them).
    public var funding: Mode
    /// In ``Mode/observe``, the shortest time between two checksum resyncs of one book (per
    /// subscription, across reconnects). Default 10 minutes.
    public var observeResyncWindow: Duration

    /// Creates a policy; the defaults are the reference-backed ones (see the type's comment).
    public init(trading: Mode = .resync, funding: Mode = .observe, observeResyncWindow: Duration = .seconds(600)) {
        self.trading = trading
        self.funding = funding
        self.observeResyncWindow = observeResyncWindow
    }

    /// Trading books resync, funding books observe with a 10-minute resync window.
    public static let standard = ChecksumPolicy()

    /// Every book resyncs on every mismatch (the behaviour before this policy existed).
    public static let alwaysResync = ChecksumPolicy(trading: .resync, funding: .resync)

    /// The mode that applies to `channel` (funding books are those whose symbol starts with `f`).
    public func mode(for channel: ChannelSpec) -> Mode {
        channel.isFunding ? funding : trading
    }

    /// Checks the values; one description per problem (empty when valid).
    public func validate() -> [String] {
        observeResyncWindow > .zero ? [] : ["checksumPolicy.observeResyncWindow must be > 0"]
    }
}
