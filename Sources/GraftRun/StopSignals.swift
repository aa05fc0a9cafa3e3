import Foundation

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// The one way Graft handles signals (SIGINT, SIGTERM, and SIGUSR2 under Slurm): while someone watches a
/// signal it is caught (instead of ending the process at once) and handed to each watcher of it; outside
/// every watch a signal has its former action again. A training run watches through `Interruption` (stop
/// after the step, checkpoint, exit); a sweep watches to forward the signal to its runs.
///
/// The handler only writes the signal's number to a pipe (all a handler may safely do); a thread reads
/// it and calls the watchers. A caught signal, unlike an ignored one, is back at its default action in
/// a child after exec.
public final class StopSignals: @unchecked Sendable {
  public static let shared = StopSignals()

  private struct Watcher {
    var signals: Set<Int32>
    var handler: @Sendable (Int32) -> Void
  }

  private let lock = NSLock()
  private var watchers: [Int: Watcher] = [:]
  private var nextID = 0
  /// The action each caught signal had before the first watch of it.
  private var previous: [Int32: sighandler_t?] = [:]
  private let thread: Thread

  private init() {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { preconditionFailure("pipe: \(String(cString: strerror(errno)))") }
    // Not inherited by the runs (Glibc's Swift module has no pipe2).
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    stopSignalPipe = ends[1]
    let reader = ends[0]
    let box = DeliveryBox()
    thread = Thread {
      // A process started with the signals blocked (as a parent's mask is inherited: a test runner's,
      // a supervisor's) would never see them: this thread takes them.
      var signals = sigset_t()
      sigemptyset(&signals)
      for s in [SIGINT, SIGTERM, SIGUSR2] { sigaddset(&signals, s) }
      pthread_sigmask(SIG_UNBLOCK, &signals, nil)
      var byte: UInt8 = 0
      while true {
        let n = read(reader, &byte, 1)
        if n == 1 {
          box.owner?.deliver(Int32(byte))
        } else if n == -1 && errno == EINTR {
          continue
        } else {
          return
        }
      }
    }
    thread.name = "graft.stop-signals"
    box.owner = self
    thread.start()
  }

  /// Calls `handler` with each of `signals` received, on the signal thread, until `unwatch` with the
  /// returned id.
  public func watch(_ signals: [Int32] = [SIGINT, SIGTERM], _ handler: @escaping @Sendable (Int32) -> Void) -> Int {
    lock.lock()
    defer { lock.unlock() }
    let before = caughtSignals
    nextID += 1
    watchers[nextID] = Watcher(signals: Set(signals), handler: handler)
    for s in caughtSignals.subtracting(before) { previous[s] = signal(s, stopSignalHandler) }
    return nextID
  }

  public func unwatch(_ id: Int) {
    lock.lock()
    defer { lock.unlock() }
    let before = caughtSignals
    watchers[id] = nil
    for s in before.subtracting(caughtSignals) { signal(s, previous.removeValue(forKey: s) ?? nil) }
  }

  private var caughtSignals: Set<Int32> { watchers.values.reduce(into: []) { $0.formUnion($1.signals) } }

  private func deliver(_ signal: Int32) {
    lock.lock()
    let handlers = watchers.values.filter { $0.signals.contains(signal) }.map(\.handler)
    lock.unlock()
    for handler in handlers { handler(signal) }
  }
}

/// The reader thread's way back to the (immortal) shared instance, set once it exists.
private final class DeliveryBox: @unchecked Sendable {
  var owner: StopSignals?
}

/// The write end of `StopSignals`' pipe (set once, before any handler is installed).
nonisolated(unsafe) private var stopSignalPipe: Int32 = -1

private func stopSignalHandler(_ signal: Int32) {
  let saved = errno
  var byte = UInt8(truncatingIfNeeded: signal)
  _ = write(stopSignalPipe, &byte, 1)
  errno = saved
}
