import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SIGINT (Ctrl-C) and SIGTERM as requests to stop cleanly: once `install()` has run, the first such
/// signal is only recorded (`received`), so that training can finish its step, save a checkpoint and
/// exit; a second one ends the process at once, as the signal would have. Under Slurm, SIGUSR2 (the time
/// limit is near) is such a request too (`install(requeueSignal: true)`). Caught through `StopSignals`.
public enum Interruption {
  private static let signalNumber = Atomic<Int32>(0)
  private static let installed = Atomic<Bool>(false)

  /// Starts watching (for a command that trains; tests and libraries leave signals alone), SIGUSR2 too
  /// with `requeueSignal`. Once per process.
  public static func install(requeueSignal: Bool = false) {
    guard !installed.exchange(true, ordering: .relaxed) else { return }
    _ = StopSignals.shared.watch([SIGINT, SIGTERM] + (requeueSignal ? [SIGUSR2] : [])) { number in
      if signalNumber.exchange(number, ordering: .relaxed) != 0 { _exit(exitStatus(number)) }
    }
  }

  /// The signal received since `install()`, or nil.
  public static var received: Int32? {
    let n = signalNumber.load(ordering: .relaxed)
    return n == 0 ? nil : n
  }

  /// The exit status a shell gives a process ended by `signal` (130 for SIGINT, 143 for SIGTERM).
  public static func exitStatus(_ signal: Int32) -> Int32 { 128 + signal }

  /// The signal's name, for messages.
  public static func name(_ signal: Int32) -> String {
    switch signal {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGUSR2: return "SIGUSR2"
    case SIGKILL: return "SIGKILL"
    default: return "signal \(signal)"
    }
  }
}
