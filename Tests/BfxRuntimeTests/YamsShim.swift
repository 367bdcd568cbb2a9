import Yams

/// Composes YAML for tests that drive `ConfigDecoder` directly.
func Yams_compose(_ text: String) throws -> Node? { try Yams.compose(yaml: text) }
