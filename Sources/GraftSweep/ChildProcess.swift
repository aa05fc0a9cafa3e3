import Foundation
import GraftRun

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A process started in a process group of its own, its output written to a file: how a sweep runs each
/// cell, so that it can signal the cell (and anything the cell starts) as one, and so that a Ctrl-C at
/// the terminal reaches the sweep alone, which forwards it once (rather than every process twice).
struct ChildProcess: Sendable {
  let pid: pid_t

  /// Starts `executable` with `arguments` and exactly `environment`; standard output and error go to
  /// `output` (created or truncated), standard input reads /dev/null. SIGINT and SIGTERM start at their
  /// default action and no signal is blocked, whatever this process does with them while it runs a sweep.
  static func spawn(
    _ executable: URL, _ arguments: [String], environment: [String: String], output: URL
  ) throws -> ChildProcess {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    sigaddset(&defaults, SIGINT)
    sigaddset(&defaults, SIGTERM)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    var mask = sigset_t()
    sigemptyset(&mask)
    posix_spawnattr_setsigmask(&attributes, &mask)
    // Process group 0: a new group led by the child.
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // In a background process group, reading the terminal would stop the child.
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)

    let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { for pointer in argv + envp { free(pointer) } }
    var pid: pid_t = 0
    let error = posix_spawn(&pid, executable.path, &actions, &attributes, argv, envp)
    guard error == 0 else {
      throw CocoaError(
        .executableLoad,
        userInfo: [NSLocalizedDescriptionKey: "cannot start \(executable.path): \(String(cString: strerror(error)))"])
    }
    // The child inherits the niceness of the thread that spawned it, a worker thread at the default
    // priority, not the process's: `nice graft reproduce` would otherwise train at full priority.
    let nice = processNiceness
    if nice > 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(pid), nice) }
    return ChildProcess(pid: pid)
  }

  /// Sends `signal` to the child's process group.
  func send(_ signal: Int32) {
    kill(-pid, signal)
  }

  /// Waits until the child has ended, without collecting it: its PID stays its own (never reused), so
  /// that a signal sent until `collect()` reaches no other process.
  func waitForEnd() {
    var info = siginfo_t()
    while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
  }

  /// Collects the ended child: its exit status, or 128 + the signal that ended it (as shells report it).
  func collect() -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 {
      if errno != EINTR { return -1 }
    }
    // WIFEXITED, WEXITSTATUS and WTERMSIG are macros Swift does not import.
    let signal = status & 0x7f
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal
  }
}

/// This process's niceness as it was started (`nice -n 19 graft ...`): the main thread's, which
/// /proc/self/stat reports (field 19), whichever thread asks; 0 where it cannot be read.
let processNiceness: Int32 = {
  guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
    let close = stat.lastIndex(of: ")")
  else { return 0 }
  // Fields after the command name (which may hold spaces) start at field 3.
  let fields = stat[stat.index(after: close)...].split(separator: " ")
  return fields.count > 16 ? Int32(fields[16]) ?? 0 : 0
}()
