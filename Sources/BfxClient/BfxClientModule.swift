/// Module marker for `BfxClient`; see docs/websocket.md for what lives here.
public enum BfxClientModule {
    /// The module's name, used in diagnostics bundles.
    public static let name = "BfxClient"
}
