import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files so that the target path holds either its old contents or the complete new ones,
/// never a half-written file.
///
/// The bytes go to a temporary file in the target's own directory (the same file system, so that the
/// final rename is atomic), which is flushed to disk with `fsync` and then renamed over the target.
/// If writing fails, the temporary file is removed and the target is untouched; if the process dies
/// mid-write, the target is untouched and at worst a hidden `.NAME.tmp-…` file is left beside it.
/// A target that already exists keeps its permission bits; a symbolic link at the target is replaced
/// by the new file, not followed.
public enum AtomicFile {
  /// Writes `data` to the file at `url`, atomically.
  public static func write(_ data: Data, to url: URL) throws {
    try write(to: url) { try $0.write(data) }
  }

  /// Writes to the file at `url`, atomically, whatever `body` writes to the `Output` it is given.
  ///
  /// Streaming through `body` lets large files (checkpoints) go to disk without first building the
  /// whole file in memory. If `body` throws, nothing at `url` changes and the error is rethrown.
  /// The `Output` must not be used after `body` returns.
  public static func write(to url: URL, _ body: (Output) throws -> Void) throws {
    let target = url.path
    let directory = url.deletingLastPathComponent().path
    let temporary =
      directory + "/." + url.lastPathComponent + ".tmp-"
      + String(UInt64.random(in: 0...UInt64.max), radix: 16)

    // O_EXCL: never reuse a path someone else created; 0o666 lets the umask decide, as for any new file.
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard fd >= 0 else { throw GraftIOError.unwritable(file: target, reason: systemError()) }
    var isOpen = true
    var renamed = false
    defer {
      if isOpen { close(fd) }
      if !renamed { unlink(temporary) }
    }

    var existing = stat()
    if stat(target, &existing) == 0, (existing.st_mode & S_IFMT) == S_IFREG {
      _ = fchmod(fd, existing.st_mode & 0o7777)
    }

    let output = Output(fd: fd, file: target)
    defer { output.isValid = false }
    try body(output)

    // The data must be on disk before the rename makes it visible; otherwise a crash right after the
    // rename could leave the target renamed but empty.
    guard fsync(fd) == 0 else { throw GraftIOError.unwritable(file: target, reason: systemError()) }
    isOpen = false
    guard close(fd) == 0 else { throw GraftIOError.unwritable(file: target, reason: systemError()) }
    guard rename(temporary, target) == 0 else {
      throw GraftIOError.unwritable(file: target, reason: systemError())
    }
    renamed = true

    // Make the rename itself durable. Some file systems cannot fsync a directory; the file is complete
    // either way, so a failure here is not worth failing the save for.
    let directoryFD = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
    if directoryFD >= 0 {
      _ = fsync(directoryFD)
      close(directoryFD)
    }
  }

  /// The sink that `write(to:_:)` hands to its body: everything written goes, in order, to the file.
  public final class Output {
    fileprivate let fd: Int32
    fileprivate let file: String
    fileprivate var isValid = true

    fileprivate init(fd: Int32, file: String) {
      self.fd = fd
      self.file = file
    }

    /// Appends these bytes to the file.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
      precondition(isValid, "AtomicFile.Output used after its write(to:) body returned")
      guard var next = bytes.baseAddress else { return }
      var remaining = bytes.count
      // write(2) may write less than asked (signals, very large buffers): loop until all is out.
      while remaining > 0 {
        let written = systemWrite(fd, next, remaining)
        if written < 0 {
          if errno == EINTR { continue }
          throw GraftIOError.unwritable(file: file, reason: systemError())
        }
        next += written
        remaining -= written
      }
    }

    /// Appends these bytes to the file.
    public func write(_ bytes: [UInt8]) throws {
      try bytes.withUnsafeBytes { try write($0) }
    }

    /// Appends these bytes to the file.
    public func write(_ data: Data) throws {
      try data.withUnsafeBytes { try write($0) }
    }
  }
}

/// The C library's `write`, named apart from `Output.write` so that the method can call it.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, bytes, count)
}

/// The message for the current `errno`, e.g. "No such file or directory".
func systemError() -> String {
  String(cString: strerror(errno))
}
