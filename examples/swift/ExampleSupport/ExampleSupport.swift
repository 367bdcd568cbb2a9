// ExampleSupport — the few lines every example program starts with, kept in one place so each
// main.swift shows only what it teaches. Nothing here is bfxkit API: in your own program, copy
// what you need (it is three small pieces).
import ArgumentParser
import BfxProtocol
import Foundation
import Logging

/// Start-up helpers shared by the example programs.
public enum ExampleSupport {
    /// Library logs on stderr, warnings and errors only (integrity incidents are logged as
    /// warnings, so they appear both as a log line and as an event — that is intended).
    public static func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
    }
}

/// `--api-key` plus the secret from the environment: how the examples get credentials.
///
/// Never put a secret on the command line (`ps` shows it): it is read from env `BFX_API_SECRET`.
/// The defaults are the demo key the examples register with their embedded simulator.
public struct DemoAccountOptions: ParsableArguments, Sendable {
    /// The simulator's demo secret (not a secret: it only opens the local simulator).
    public static let demoSecret = "example-secret"

    /// The API key.
    @Option(help: "API key (the secret is read from env BFX_API_SECRET; simulator default: example-secret).")
    public var apiKey: String = "example-key"

    /// Creates the options (ArgumentParser fills them in).
    public init() {}

    /// The secret: env `BFX_API_SECRET`, else the demo secret.
    public var secret: String { ProcessInfo.processInfo.environment["BFX_API_SECRET"] ?? Self.demoSecret }

    /// Key and secret together, as every signing API takes them.
    public var credentials: BfxCredentials { BfxCredentials(apiKey: apiKey, secret: BfxSecret(secret)) }
}
