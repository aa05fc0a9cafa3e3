import CGraftZlib

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file opened for sequential reading whose bytes are decompressed on the fly when it is gzip'd.
///
/// Gzip is recognised by its magic bytes 0x1f 0x8b, never by the file name; any other file is read as
/// it is. Reads are streamed, so a caller can decode the first items of a large file and only count
/// (not keep) the rest.
final class GzipOrRawFile {
  /// The path, for error messages.
  let path: String
  /// Whether the file starts with the gzip magic bytes (and is decompressed while reading).
  let isGzip: Bool

  private var raw: UnsafeMutablePointer<FILE>?
  private var gzip: gzFile?

  /// Opens `path`; throws `fileNotFound` when it does not exist and `unreadable` for other failures.
  init(path: String) throws(DataError) {
    self.path = path
    guard let file = fopen(path, "rb") else {
      let code = errno
      if code == ENOENT { throw .fileNotFound(path: path) }
      throw .unreadable(path: path, reason: Self.systemMessage(code))
    }
    var magic: [UInt8] = [0, 0]
    let got = fread(&magic, 1, 2, file)
    if got < 2 && ferror(file) != 0 {
      let code = errno
      fclose(file)
      throw .unreadable(path: path, reason: Self.systemMessage(code))
    }
    if got == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
      fclose(file)
      isGzip = true
      guard let gz = gzopen(path, "rb") else {
        throw .unreadable(path: path, reason: "gzopen failed: \(Self.systemMessage(errno))")
      }
      gzbuffer(gz, 1 << 18)
      gzip = gz
    } else {
      rewind(file)
      isGzip = false
      raw = file
    }
  }

  deinit {
    if let raw { fclose(raw) }
    if let gzip { gzclose(gzip) }
  }

  /// Fills `buffer` from the current position; returns how many bytes were read, fewer than
  /// `buffer.count` only at the end of the (decompressed) data.
  func read(into buffer: UnsafeMutableRawBufferPointer) throws(DataError) -> Int {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    var total = 0
    while total < buffer.count {
      let want = min(buffer.count - total, 1 << 30)
      let got: Int
      if let gzip {
        let n = gzread(gzip, base + total, UInt32(want))
        if n < 0 { throw .unreadable(path: path, reason: "gzip: \(gzipMessage(gzip))") }
        got = Int(n)
      } else if let raw {
        got = fread(base + total, 1, want, raw)
        if got < want && ferror(raw) != 0 {
          throw .unreadable(path: path, reason: Self.systemMessage(errno))
        }
      } else {
        got = 0
      }
      total += got
      if got < want { break }
    }
    if total < buffer.count, let gzip {
      // A short read is the end of the data; zlib flags a gzip stream that ended early.
      var code: Int32 = 0
      _ = gzerror(gzip, &code)
      if code != Z_OK {
        throw .unreadable(path: path, reason: "gzip stream is damaged or truncated: \(gzipMessage(gzip))")
      }
    }
    return total
  }

  /// Reads up to `count` bytes (fewer only at the end of the data).
  func read(count: Int) throws(DataError) -> [UInt8] {
    // In pieces, the result growing as data comes: a header that claims more than the file holds (a
    // damaged or hostile one: terabytes) then costs no more memory than the file has (it once trapped
    // allocating what the header claimed).
    let piece = 1 << 24
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: min(count, piece))
    while bytes.count < count {
      let want = min(piece, count - bytes.count)
      if buffer.count != want { buffer = [UInt8](repeating: 0, count: want) }
      let got = try fill(&buffer)
      if bytes.isEmpty && got == count { return buffer }
      bytes.append(contentsOf: buffer[0..<got])
      if got < want { break }
    }
    return bytes
  }

  /// Reads everything left.
  func readToEnd() throws(DataError) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      let got = try fill(&chunk)
      bytes.append(contentsOf: chunk[0..<got])
      if got < chunk.count { return bytes }
    }
  }

  /// Reads and discards everything left; returns how many bytes that was.
  func countRemainingBytes() throws(DataError) -> Int {
    var scratch = [UInt8](repeating: 0, count: 1 << 18)
    var total = 0
    while true {
      let got = try fill(&scratch)
      total += got
      if got < scratch.count { return total }
    }
  }

  /// Reads into the whole of `bytes`; returns how many bytes were read.
  private func fill(_ bytes: inout [UInt8]) throws(DataError) -> Int {
    let result = bytes.withUnsafeMutableBytes { buffer in
      Result { () throws(DataError) -> Int in try read(into: buffer) }
    }
    return try result.get()
  }

  private func gzipMessage(_ file: gzFile) -> String {
    var code: Int32 = 0
    guard let message = gzerror(file, &code) else { return "error \(code)" }
    return String(cString: message)
  }

  private static func systemMessage(_ code: Int32) -> String {
    guard let message = strerror(code) else { return "errno \(code)" }
    return String(cString: message)
  }
}
