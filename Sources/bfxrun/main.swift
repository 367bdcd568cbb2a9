import ArgumentParser
import BfxProtocol

/// `bfxrun`: the bfxkit command-line entry point. Argument parsing only;
/// the work is delegated to BfxRuntime / BfxConsole / BfxSimulator.
struct Bfxrun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bfxrun",
        abstract: "Run, inspect and debug bfxkit runtimes against Bitfinex or the embedded simulator.",
        version: BfxkitVersion.string,
        subcommands: [RunCommand.self, GatewayCommand.self, RecordCommand.self, ReplayCommand.self, DoctorCommand.self, CheckCommand.self, InitCommand.self, Version.self, NonceCommand.self, ConsoleCommand.self, SimulateCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

/// `bfxrun version`: prints the toolkit version.
struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the bfxkit version.")
    func run() {
        print("bfxkit \(BfxkitVersion.string)")
    }
}

// Explicit dispatch instead of `await Bfxrun.main()`: from top-level code that call (and a bare
// `run()` on the parsed command) resolves to the synchronous overloads, which refuse async commands
// ("needs availability annotation") or print help. Inside an `async` function the async ones win.
func dispatch() async {
    do {
        var command = try Bfxrun.parseAsRoot()
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    } catch {
        Bfxrun.exit(withError: error)
    }
}

await dispatch()
