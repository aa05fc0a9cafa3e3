import Foundation

#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

// MERGE (issue 15, item 1): the run-directory lock is being built beside this (`RunLock`, a `flock`
// held on D/run.lock by the process writing the run, its PID inside). When it lands, this function
// becomes `RunLock.holder(of: directory)`; the sweep asks nothing else about liveness.
/// The PID of the live process that holds the run directory's lock (D/run.lock, held with `flock` for as
/// long as a process writes the run), 0 when the lock is held but names no readable PID, nil when no
/// process holds it. Probing takes the lock for an instant and releases it.
func liveRunHolder(_ directory: URL) -> Int32? {
  let file = directory.appendingPathComponent("run.lock").path
  let fd = open(file, O_RDONLY | O_CLOEXEC)
  guard fd >= 0 else { return nil }
  defer { close(fd) }
  if flock(fd, LOCK_EX | LOCK_NB) == 0 {
    flock(fd, LOCK_UN)
    return nil
  }
  guard errno == EWOULDBLOCK else { return nil }
  let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
  let digits = text.drop { !$0.isNumber }.prefix { $0.isNumber }
  return Int32(digits) ?? 0
}
