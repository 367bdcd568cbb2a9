/// A position in the configuration tree, in two spellings: `display` with indices
/// (`connections[0].channels[2]`) for messages and `schema` without them (`connections[].channels[]`)
/// for the schema/doc cross-check.
struct ConfigPath: Sendable, Hashable {
    var display: String
    var schema: String

    static let root = ConfigPath(display: "", schema: "")

    func key(_ name: String) -> ConfigPath {
        ConfigPath(display: display.isEmpty ? name : "\(display).\(name)", schema: schema.isEmpty ? name : "\(schema).\(name)")
    }

    func index(_ index: Int) -> ConfigPath {
        ConfigPath(display: "\(display)[\(index)]", schema: "\(schema)[]")
    }
}
