import BfxProtocol
import BfxConsole

/// Runs console lines against a backend and captures stdout/stderr.
struct ConsoleHarness {
    let backend: FakeConsoleBackend
    let sink = BufferedOutputSink()
    let session: ConsoleSession

    init(backend: FakeConsoleBackend = FakeConsoleBackend(), format: OutputFormat = .table, confirm: (@Sendable (String) async -> Bool)? = nil, sleep: @escaping @Sendable (Duration) async throws -> Void = { _ in }) {
        self.backend = backend
        session = ConsoleSession(
            backend: backend,
            sink: sink,
            configuration: ConsoleSessionConfiguration(format: format, sleep: sleep, confirm: confirm, version: "9.9.9-test", now: { 1_700_000_000_000 })
        )
    }

    /// Executes `line`; returns (status, stdout, stderr) of just this line.
    func run(_ line: String) async -> (status: Int32, out: String, err: String) {
        sink.reset()
        let status = await session.execute(line: line)
        return (status, sink.output, sink.errors)
    }

    /// Executes `line` with `--json` and parses stdout.
    func json(_ line: String) async throws -> JSONValue {
        let result = await run(line + " --json")
        return try JSONValue.parseConsole(result.out)
    }
}
