import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT (Ctrl-C) into `InterruptController.interrupt()` instead of process death.
///
/// The default disposition is set to ignore and a dispatch signal source observes the signal,
/// so the handler runs as ordinary code on a dispatch queue (no async-signal-safety concerns).
package final class SignalInterruptSource {
    private let source: any DispatchSourceSignal

    /// Starts observing SIGINT; `onInterrupt` receives whether a command was cancelled.
    package init(controller: InterruptController, onInterrupt: @escaping @Sendable (Bool) -> Void) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "bfxkit.console.sigint"))
        source.setEventHandler {
            onInterrupt(controller.interrupt())
        }
        source.resume()
        self.source = source
    }

    /// Stops observing and restores the default SIGINT behaviour.
    package func cancel() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
