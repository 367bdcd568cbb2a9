/// Module marker for `BfxProtocol`; see docs/protocol.md for what lives here.
public enum BfxProtocolModule {
    /// The module's name, used in diagnostics bundles.
    public static let name = "BfxProtocol"
}
