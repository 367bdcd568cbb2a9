import ArgumentParser
import BfxRuntime
import Foundation

/// `bfxrun init`: print (or write) a commented default configuration.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Print a commented default configuration (runs on the embedded simulator as is)."
    )

    @Option(name: .shortAndLong, help: "Write to this file instead of stdout (refuses to overwrite without --force).")
    var output: String?

    @Flag(help: "Overwrite --output if it exists.")
    var force = false

    func run() throws {
        let text = ConfigLoader.defaultTemplate
        guard let output else {
            print(text, terminator: "")
            return
        }
        if FileManager.default.fileExists(atPath: output) && !force {
            throw ValidationError("\(output) exists; pass --force to overwrite")
        }
        do {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            throw ValidationError("cannot write \(output): \(error.localizedDescription)")
        }
        FileHandle.standardError.write(Data("wrote \(output); run it with: bfxrun \(output)\n".utf8))
    }
}
