import Foundation

/// This process's pid and host name, recorded as lock holder information.
enum ProcessIdentity {
    static let pid: Int32 = getpid()
    static let hostname: String = ProcessInfo.processInfo.hostName
}
