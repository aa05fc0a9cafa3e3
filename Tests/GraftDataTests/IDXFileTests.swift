import GraftData
import Testing

@Suite("IDX files: raw and gzip'd, and their errors")
struct IDXFileTests {
  static let dimensions = [3, 2, 2]
  static let body: [UInt8] = (0..<12).map { UInt8($0 * 20) }
  static var encoded: [UInt8] { IDXFile.encoded(dimensions: dimensions, bytes: body) }

  @Test func encodedHeaderIsBigEndian() {
    let bytes = IDXFile.encoded(dimensions: [70_000, 1], bytes: [UInt8](repeating: 7, count: 70_000))
    #expect(Array(bytes[0..<12]) == [0, 0, 0x08, 2, 0x00, 0x01, 0x11, 0x70, 0, 0, 0, 1])
  }

  @Test func rawFileRoundTrip() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = try dir.write("a.idx", Self.encoded)
    let file = try IDXFile(contentsOf: path)
    #expect(file.dimensions == Self.dimensions)
    #expect(file.fileDimensions == Self.dimensions)
    #expect(file.bytes == Self.body)
    #expect(file.itemCount == 3 && file.itemSize == 4)
  }

  @Test func gzipFileRoundTripIsDetectedByContentNotName() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    // A gzip'd file without .gz, and a raw file with .gz: both are read by their content.
    let gzipPath = try dir.writeGzip("packed.idx", Self.encoded)
    #expect(try dir.read("packed.idx").prefix(2) == [0x1f, 0x8b])
    let rawPath = try dir.write("plain.idx.gz", Self.encoded)
    for path in [gzipPath, rawPath] {
      let file = try IDXFile(contentsOf: path)
      #expect(file.dimensions == Self.dimensions)
      #expect(file.bytes == Self.body)
    }
  }

  @Test func limitKeepsTheFirstItemsButChecksTheWholeFile() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = try dir.writeGzip("a.idx.gz", Self.encoded)
    let file = try IDXFile(contentsOf: path, limit: 2)
    #expect(file.dimensions == [2, 2, 2])
    #expect(file.fileDimensions == [3, 2, 2])
    #expect(file.bytes == Array(Self.body[0..<8]))
    #expect(try IDXFile(contentsOf: path, limit: 10).dimensions == [3, 2, 2])
    #expect(try IDXFile(contentsOf: path, limit: 0).bytes.isEmpty)
    // A truncated file is an error even when the limit does not reach the missing bytes.
    let truncated = try dir.writeGzip("short.idx.gz", Array(Self.encoded.dropLast()))
    #expect(throws: DataError.bodyLengthMismatch(path: truncated, expected: 12, actual: 11)) {
      try IDXFile(contentsOf: truncated, limit: 1)
    }
  }

  @Test func largeGzipFileStreamsCorrectly() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let n = 3000
    let body = (0..<(n * 784)).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
    let path = try dir.writeGzip("big.gz", IDXFile.encoded(dimensions: [n, 28, 28], bytes: body))
    let file = try IDXFile(contentsOf: path)
    #expect(file.bytes == body)
    #expect(try IDXFile(contentsOf: path, limit: 1001).bytes == Array(body[0..<(1001 * 784)]))
  }

  @Test func wrongMagicIsAnError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var bytes = Self.encoded
    bytes[0] = 0x12
    let path = try dir.write("bad.idx", bytes)
    let error = #expect(throws: DataError.self) { try IDXFile(contentsOf: path) }
    #expect(error == .badMagic(path: path, bytes: [0x12, 0, 8, 3]))
    #expect(error?.description.contains(path) == true)
    #expect(error?.description.contains("not an IDX file") == true)
    let tiny = try dir.write("tiny.idx", [0, 0])
    #expect(throws: DataError.self) { try IDXFile(contentsOf: tiny) }
  }

  @Test func typesOtherThanUnsignedByteAreRefused() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var bytes = Self.encoded
    bytes[2] = 0x0D
    let path = try dir.write("floats.idx", bytes)
    let error = #expect(throws: DataError.self) { try IDXFile(contentsOf: path) }
    #expect(error == .unsupportedType(path: path, typeCode: 0x0D))
    let message = error?.description ?? ""
    #expect(message.contains("0x0D") && message.contains("float") && message.contains(path))
  }

  @Test func truncatedOrOverlongBodyNamesExpectedAndActualByteCounts() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let short = try dir.write("short.idx", Array(Self.encoded.dropLast(3)))
    let error = #expect(throws: DataError.self) { try IDXFile(contentsOf: short) }
    #expect(error == .bodyLengthMismatch(path: short, expected: 12, actual: 9))
    let message = error?.description ?? ""
    #expect(message.contains(short) && message.contains("12") && message.contains("9") && message.contains("truncated"))
    let long = try dir.write("long.idx", Self.encoded + [1, 2])
    #expect(throws: DataError.bodyLengthMismatch(path: long, expected: 12, actual: 14)) {
      try IDXFile(contentsOf: long)
    }
    let headerOnly = try dir.write("header.idx", Array(Self.encoded[0..<6]))
    #expect(throws: DataError.self) { try IDXFile(contentsOf: headerOnly) }
  }

  @Test func damagedGzipStreamIsAnError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let body = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
    try dir.writeGzip("whole.gz", IDXFile.encoded(dimensions: [5000], bytes: body))
    let compressed = try dir.read("whole.gz")
    let cut = try dir.write("cut.gz", Array(compressed[0..<(compressed.count / 2)]))
    let error = #expect(throws: DataError.self) { try IDXFile(contentsOf: cut) }
    #expect(error?.description.contains(cut) == true)
  }

  @Test func missingFileIsAnError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = dir.file("nothing.idx")
    #expect(throws: DataError.fileNotFound(path: path)) { try IDXFile(contentsOf: path) }
  }

  /// Found by `graft-fuzz` (issue 28), kept as regressions: a header claiming 176 TB (the reader allocated
  /// what the header claimed, and trapped), and a first dimension of 0 beside dimensions whose product
  /// overflows (the item size trapped). Both are refused in words.
  @Test(arguments: [
    [0, 0, 0x08, 3, 0x00, 0x00, 0xa0, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 1, 2, 3],
    [0, 0, 0x08, 5, 0, 0, 0, 0, 0x04, 0, 0, 0, 0x04, 0, 0, 0, 0x04, 0, 0x01, 0x02, 0x04, 0, 0, 0, 1, 2],
  ] as [[UInt8]])
  func headersClaimingMoreThanCanBeAreRefused(bytes: [UInt8]) throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = try dir.write("claims.idx", bytes)
    #expect(throws: DataError.self) { _ = try IDXFile(contentsOf: path) }
    do {
      _ = try IDXFile(contentsOf: path)
    } catch {
      #expect("\(error)".contains(path), "\(error)")
    }
  }
}
