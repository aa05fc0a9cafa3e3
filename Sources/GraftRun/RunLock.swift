import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Another process holds a run directory's lock.
public struct RunLockedError: Error, CustomStringConvertible {
  /// The run directory.
  public let directory: URL
  /// The holder's process ID (0 when it had not written it yet).
  public let holder: Int32

  public var description: String {
    let who = holder > 0 ? "process \(holder)" : "another process"
    return "\(directory.path) is being written by \(who); wait for it or choose another --out"
  }
}

/// The one writer of a run directory: an exclusive `flock` on the directory's `.lock` file, which holds
/// the writer's process ID. The kernel drops the lock when the process ends, however it ends (`kill -9`
/// included), so a lock never goes stale and nothing needs cleaning up; the file itself stays.
///
/// `graft train` holds it from before it looks at the directory until it exits; `Trainer.train` and
/// `Trainer.resume` take it when their caller has not. `holder(of:)` tells whether a run is live (a sweep
/// asks it before it starts or resumes a cell).
public final class RunLock: @unchecked Sendable {
  /// The lock file's name in a run directory.
  public static let fileName = ".lock"

  /// The locked run directory.
  public let directory: URL
  private var descriptor: Int32

  private init(directory: URL, descriptor: Int32) {
    self.directory = directory
    self.descriptor = descriptor
  }

  deinit { release() }

  /// Locks `directory` (created when missing) for this process, or throws `RunLockedError` naming the
  /// process that holds it. A second `acquire` of one directory in one process is refused too.
  public static func acquire(_ directory: URL) throws -> RunLock {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw RunLockError("\(directory.path) is a file, not a run directory") }
    } else {
      do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      } catch {
        throw RunLockError("cannot create the run directory \(directory.path) (is a parent a file, or read-only?)")
      }
    }
    let path = directory.appendingPathComponent(fileName).path
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw RunLockError("cannot create the lock file \(path): \(String(cString: strerror(errno)))")
    }
    guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
      let code = errno
      close(fd)
      guard code == EWOULDBLOCK else {
        throw RunLockError("cannot lock \(path): \(String(cString: strerror(code)))")
      }
      throw RunLockedError(directory: directory, holder: readHolder(path))
    }
    // The PID, for the message a second writer gets (the lock, not the PID, decides who owns the run).
    let text = Array("\(getpid())\n".utf8)
    _ = ftruncate(fd, 0)
    _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    return RunLock(directory: directory, descriptor: fd)
  }

  /// The process ID of the process writing the run in `directory` (this one included), or nil when no
  /// process holds its lock: the run is not live (finished, stopped, killed or never started).
  public static func holder(of directory: URL) -> Int32? {
    let path = directory.appendingPathComponent(fileName).path
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    // A shared lock is granted only while no one holds the exclusive one.
    if flock(fd, LOCK_SH | LOCK_NB) == 0 {
      flock(fd, LOCK_UN)
      return nil
    }
    return readHolder(path)
  }

  /// Releases the lock (also done when the lock is deallocated or the process ends).
  public func release() {
    guard descriptor >= 0 else { return }
    close(descriptor)
    descriptor = -1
  }

  /// The PID in the lock file; 0 when it is not there yet (the holder writes it just after locking).
  private static func readHolder(_ path: String) -> Int32 {
    for attempt in 0..<20 {
      if let text = try? String(contentsOfFile: path, encoding: .utf8),
        let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0
      {
        return pid
      }
      if attempt < 19 { usleep(5_000) }
    }
    return 0
  }
}

/// The lock file could not be created or locked (permissions, a read-only file system).
public struct RunLockError: Error, CustomStringConvertible {
  public let message: String
  init(_ message: String) { self.message = message }
  public var description: String { message }
}
