import CGlibcExtras
import Foundation
import GraftGAN
import GraftSweep

#if canImport(Glibc)
  import Glibc
#endif

/// A run a sweep started ends with the sweep. The sweep forwards SIGINT and SIGTERM itself; this covers
/// a sweep that dies without forwarding (SIGKILL, a crash): the kernel then sends SIGTERM, which stops
/// the run as a forwarded one does.
enum SweepParent {
  /// When `GRAFT_SWEEP_PID` names this process's parent (the sweep's pool sets it), asks for SIGTERM
  /// when the parent dies; if the parent has died already, exits as if that had come.
  static func follow() {
    #if os(Linux)
      guard let text = ProcessInfo.processInfo.environment[LocalProcessPool.sweepEnvironmentKey],
        let sweep = Int32(text)
      else { return }
      _ = graft_set_parent_death_signal(SIGTERM)
      // The sweep may have died before the request, and then no signal comes.
      if getppid() != sweep {
        FileHandle.standardError.write(Data("graft: the sweep that started this run (PID \(sweep)) has ended\n".utf8))
        exit(128 + SIGTERM)
      }
    #endif
  }
}
