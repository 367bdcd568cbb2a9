/// The bfxkit release every program reports (`bfxrun --version`, the console's `version`,
/// diagnostics dumps, benchmark results).
public enum BfxkitVersion {
    /// Semantic version of this source tree.
    public static let string = "0.2.0"
}
