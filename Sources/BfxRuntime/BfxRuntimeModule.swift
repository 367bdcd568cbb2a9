/// Module marker for `BfxRuntime`: YAML configuration, runtime host, alerts, metrics, dashboard.
public enum BfxRuntimeModule {
    /// The module's name, used in diagnostics bundles.
    public static let name = "BfxRuntime"
}
