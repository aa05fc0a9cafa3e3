import Foundation
import GraftRun

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// SIGINT and SIGTERM while sweeps run: caught (instead of ending the process at once) and handed to
/// each watching sweep, which forwards them to its runs and stops once they have stopped. Outside a
/// watch the signals have their former action again.
///
/// The handler only writes the signal's number to a pipe (all a handler may safely do); a thread reads
/// it and calls the watchers. A caught signal, unlike an ignored one, is back at its default action in
/// a child after exec.
final class StopSignals: @unchecked Sendable {
  static let shared = StopSignals()
  static let caught = [SIGINT, SIGTERM]

  private let lock = NSLock()
  private var watchers: [Int: @Sendable (Int32) -> Void] = [:]
  private var nextID = 0
  private var previous: [Int32: sighandler_t?] = [:]

  private init() {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { preconditionFailure("pipe: \(String(cString: strerror(errno)))") }
    // Not inherited by the runs (Glibc's Swift module has no pipe2).
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    stopSignalPipe = ends[1]
    let reader = ends[0]
    let thread = Thread { [unowned self] in
      // A process started with the signals blocked (as a parent's mask is inherited) would never see
      // them: this thread takes them.
      var signals = sigset_t()
      sigemptyset(&signals)
      for s in Self.caught { sigaddset(&signals, s) }
      pthread_sigmask(SIG_UNBLOCK, &signals, nil)
      var byte: UInt8 = 0
      while true {
        let n = read(reader, &byte, 1)
        if n == 1 {
          self.deliver(Int32(byte))
        } else if n == -1 && errno == EINTR {
          continue
        } else {
          return
        }
      }
    }
    thread.name = "graft.stop-signals"
    thread.start()
  }

  /// Calls `handler` with each SIGINT or SIGTERM until `unwatch` with the returned id.
  func watch(_ handler: @escaping @Sendable (Int32) -> Void) -> Int {
    lock.lock()
    defer { lock.unlock() }
    if watchers.isEmpty {
      for s in Self.caught { previous[s] = signal(s, stopSignalHandler) }
    }
    nextID += 1
    watchers[nextID] = handler
    return nextID
  }

  func unwatch(_ id: Int) {
    lock.lock()
    defer { lock.unlock() }
    watchers[id] = nil
    if watchers.isEmpty {
      for s in Self.caught { signal(s, previous[s] ?? nil) }
    }
  }

  private func deliver(_ signal: Int32) {
    lock.lock()
    let handlers = Array(watchers.values)
    lock.unlock()
    for handler in handlers { handler(signal) }
  }
}

/// The write end of `StopSignals`' pipe (set once, before any handler is installed).
nonisolated(unsafe) private var stopSignalPipe: Int32 = -1

private func stopSignalHandler(_ signal: Int32) {
  let saved = errno
  var byte = UInt8(truncatingIfNeeded: signal)
  _ = write(stopSignalPipe, &byte, 1)
  errno = saved
}
