import Foundation
import GraftEngine

/// A tensor as a safetensors file stores it: float32 (`F32`) or float64 (`F64`).
public enum StoredTensor: Sendable {
  case float(Tensor<Float>)
  case double(Tensor<Double>)

  /// The tensor's shape.
  public var shape: [Int] {
    switch self {
    case .float(let t): return t.shape
    case .double(let t): return t.shape
    }
  }

  /// The safetensors dtype: "F32" or "F64".
  public var dtype: String {
    switch self {
    case .float: return "F32"
    case .double: return "F64"
    }
  }

  /// Bytes per element (4 or 8); also the alignment the data gets in a file Graft writes.
  var byteWidth: Int {
    switch self {
    case .float: return 4
    case .double: return 8
    }
  }
}

/// The contents of a safetensors file: named tensors, in order, and string metadata.
///
/// The format (https://github.com/huggingface/safetensors): an 8-byte little-endian unsigned header
/// length N; N bytes of UTF-8 JSON mapping each tensor name to its `dtype`, `shape` and `data_offsets`
/// (`[begin, end)` byte offsets into the data section), with an optional `"__metadata__"` object of
/// strings; then the data section, each tensor's elements little-endian in row-major order, packed
/// without gaps. Graft reads and writes the dtypes F32 and F64; any other dtype is an error.
///
/// Files Graft writes put the F64 tensors before the F32 ones, as the reference writer does, so that
/// every tensor is aligned to its element size; within each dtype the tensors keep the order they
/// were added in. Reading gives the tensors in the order of their data in the file.
public struct SafeTensorsFile: Sendable {
  /// One named tensor.
  public struct Entry: Sendable {
    public var name: String
    public var tensor: StoredTensor

    public init(name: String, tensor: StoredTensor) {
      self.name = name
      self.tensor = tensor
    }
  }

  /// The tensors, in order. Names are unique; change them through the subscript.
  public private(set) var entries: [Entry] = []
  /// Free-form string metadata (the header's `"__metadata__"`), e.g. `["format": "pt"]`.
  public var metadata: [String: String]
  /// What reading the file checked of it (`.none` for a file built in memory).
  public internal(set) var verification: Verification = .none
  /// How error messages name this file: its path when it was read from disk.
  public var source: String
  private var indexByName: [String: Int] = [:]

  /// An empty file with this metadata.
  public init(metadata: [String: String] = [:], source: String = "the safetensors data") {
    self.metadata = metadata
    self.source = source
  }

  /// The tensor names, in order.
  public var names: [String] { entries.map(\.name) }

  /// The tensor called `name`, or nil. Setting a new name appends it; setting an existing name replaces
  /// its tensor in place; setting nil removes it.
  public subscript(name: String) -> StoredTensor? {
    get { indexByName[name].map { entries[$0].tensor } }
    set {
      switch (indexByName[name], newValue) {
      case (let index?, let tensor?):
        entries[index].tensor = tensor
      case (nil, let tensor?):
        indexByName[name] = entries.count
        entries.append(Entry(name: name, tensor: tensor))
      case (let index?, nil):
        entries.remove(at: index)
        indexByName = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.name, $0) })
      case (nil, nil):
        break
      }
    }
  }

  /// The float32 tensor called `name`, checked against `expected` when it is given.
  ///
  /// Throws `GraftIOError.missingTensor` (listing the names there are), `.dtypeMismatch` when the
  /// tensor is F64, or `.shapeMismatch`.
  public func floatTensor(_ name: String, shape expected: [Int]? = nil) throws -> Tensor<Float> {
    let stored = try storedTensor(name, shape: expected)
    guard case .float(let tensor) = stored else {
      throw GraftIOError.dtypeMismatch(file: source, tensor: name, found: stored.dtype, expected: "F32")
    }
    return tensor
  }

  /// The float64 tensor called `name`, checked against `expected` when it is given.
  ///
  /// Throws `GraftIOError.missingTensor` (listing the names there are), `.dtypeMismatch` when the
  /// tensor is F32, or `.shapeMismatch`.
  public func doubleTensor(_ name: String, shape expected: [Int]? = nil) throws -> Tensor<Double> {
    let stored = try storedTensor(name, shape: expected)
    guard case .double(let tensor) = stored else {
      throw GraftIOError.dtypeMismatch(file: source, tensor: name, found: stored.dtype, expected: "F64")
    }
    return tensor
  }

  private func storedTensor(_ name: String, shape expected: [Int]?) throws -> StoredTensor {
    guard let stored = self[name] else {
      throw GraftIOError.missingTensor(file: source, tensor: name, available: names)
    }
    if let expected, stored.shape != expected {
      throw GraftIOError.shapeMismatch(file: source, tensor: name, found: stored.shape, expected: expected)
    }
    return stored
  }
}

// MARK: - Writing

extension SafeTensorsFile {
  /// Writes the file to `url`, atomically (see `AtomicFile`): the path holds either its old contents
  /// or the whole new file. The metadata gets the data's SHA-256 under `checksumKey`, replacing any entry
  /// there.
  ///
  /// Throws `GraftIOError.invalidContent` if a tensor is named `"__metadata__"`, or `.unwritable`.
  public func write(to url: URL) throws {
    let path = url.path
    if indexByName["__metadata__"] != nil {
      throw GraftIOError.invalidContent(
        file: path, problem: "'__metadata__' names the metadata in a safetensors header, so no tensor can have it")
    }
    let ordered = dataOrder()
    let table = Self.table(ordered)
    var stamped = metadata
    stamped[Self.checksumKey] = Self.dataChecksum(ordered)
    stamped[Self.headerChecksumKey] = Self.headerChecksum(metadata: stamped, tensors: table)
    let header = Self.header(for: table, metadata: stamped)
    try AtomicFile.write(to: url) { out in
      try withUnsafeBytes(of: UInt64(header.count).littleEndian) { try out.write($0) }
      try out.write(header)
      for entry in ordered {
        switch entry.tensor {
        case .float(let t): try withLittleEndianBytes(of: t.scalars) { try out.write($0) }
        case .double(let t): try withLittleEndianBytes(of: t.scalars) { try out.write($0) }
        }
      }
    }
  }

  /// The entries in the order their data is written: wider elements first, otherwise as added.
  func dataOrder() -> [Entry] {
    entries.enumerated()
      .sorted { ($0.element.tensor.byteWidth, $1.offset) > ($1.element.tensor.byteWidth, $0.offset) }
      .map(\.element)
  }

  /// One tensor's row of a header: what the header says of it, and what its digest covers.
  typealias TableRow = (name: String, dtype: String, shape: [Int], begin: Int, end: Int)

  /// The header's rows for `entries` (in data order): each tensor's data follows the one before.
  static func table(_ entries: [Entry]) -> [TableRow] {
    var offset = 0
    return entries.map { entry in
      let end = offset + entry.tensor.shape.reduce(1, *) * entry.tensor.byteWidth
      defer { offset = end }
      return (entry.name, entry.tensor.dtype, entry.tensor.shape, offset, end)
    }
  }

  /// The header for `table` (in data order): compact JSON as serde_json writes it, metadata first
  /// with its keys sorted (so the same content always gives the same bytes), padded with spaces to a
  /// multiple of 8 bytes so that the data section starts 8-byte aligned.
  static func header(for table: [TableRow], metadata: [String: String]) -> [UInt8] {
    var members: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { $0.key < $1.key }.map { jsonQuoted($0.key) + ":" + jsonQuoted($0.value) }
      members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
    }
    for row in table {
      let shape = row.shape.map(String.init).joined(separator: ",")
      members.append(
        jsonQuoted(row.name) + ":{\"dtype\":\"\(row.dtype)\",\"shape\":[\(shape)],"
          + "\"data_offsets\":[\(row.begin),\(row.end)]}")
    }
    var bytes = Array(("{" + members.joined(separator: ",") + "}").utf8)
    bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
    return bytes
  }
}

// MARK: - Reading

/// What a safetensors file holds, as its header describes it: each tensor's name, dtype and shape, and
/// the metadata; read without the tensors' data (e.g. a checkpoint's parameter shapes).
public struct SafeTensorsHeader: Sendable {
  /// One tensor's description.
  public struct Entry: Sendable {
    public var name: String
    /// "F32" or "F64".
    public var dtype: String
    public var shape: [Int]
  }

  /// The tensors, in the order of their data in the file (the order `SafeTensorsFile.read` gives).
  public var entries: [Entry] {
    layouts.map { Entry(name: $0.name, dtype: $0.dtype, shape: $0.shape) }
  }
  /// The header's `"__metadata__"`, with the checksum entry (`SafeTensorsFile.checksumKey`) where there
  /// is one: reading only the header cannot check it.
  public var metadata: [String: String]
  /// Where each tensor's data lies in the data section, in data order.
  var layouts: [TensorLayout]
  /// The byte offset of the data section in the file (8 + the header length).
  var dataStart: Int

  /// Reads the header of the safetensors file at `url`, and checks it as `SafeTensorsFile.read` does
  /// (the file's size included) without reading the tensors.
  public static func read(from url: URL) throws -> SafeTensorsHeader {
    let source = url.path
    func unreadable(_ error: any Error) -> GraftIOError {
      .unreadable(file: source, reason: GraftIOError.readFailure(url, error))
    }
    let handle: FileHandle
    do { handle = try FileHandle(forReadingFrom: url) } catch { throw unreadable(error) }
    defer { try? handle.close() }
    let fileSize: Int
    let prefix: Data
    do {
      fileSize = Int(try handle.seekToEnd())
      try handle.seek(toOffset: 0)
      prefix = try handle.read(upToCount: 8) ?? Data()
    } catch {
      throw unreadable(error)
    }
    let headerLength = try prefix.withUnsafeBytes {
      try Self.headerLength(prefix: $0, fileSize: fileSize, source: source)
    }
    let headerBytes: [UInt8]
    do { headerBytes = [UInt8](try handle.read(upToCount: headerLength) ?? Data()) } catch { throw unreadable(error) }
    guard headerBytes.count == headerLength else {
      throw GraftIOError.malformed(file: source, problem: "the file changed while its header was being read")
    }
    return try parse(headerBytes, dataCount: fileSize - 8 - headerLength, source: source)
  }

  /// The layout of one tensor as the header gives it.
  struct TensorLayout: Sendable {
    let name: String
    let stored: StoredScalar
    let shape: [Int]
    let begin: Int
    let end: Int
    /// "F32" or "F64".
    var dtype: String { stored == .float64 ? "F64" : "F32" }
    /// The tensor's position among the header's members, which orders empty tensors at one offset.
    let headerIndex: Int
  }

  /// The header length in the first 8 bytes (`prefix`, fewer in a short file) of a file of `fileSize`
  /// bytes, checked against the file's size.
  static func headerLength(prefix: UnsafeRawBufferPointer, fileSize: Int, source: String) throws -> Int {
    guard fileSize >= 8, prefix.count >= 8 else {
      throw GraftIOError.malformed(
        file: source,
        problem: "the file is \(fileSize) bytes long, too short for a safetensors file (which starts with an "
          + "8-byte header length); it is empty or was cut short, so save or copy it again")
    }
    let headerLength = UInt64(littleEndian: prefix.loadUnaligned(as: UInt64.self))
    guard headerLength <= UInt64(fileSize - 8) else {
      throw GraftIOError.malformed(
        file: source,
        problem: "the header length in the first 8 bytes is \(headerLength), larger than the \(fileSize - 8) bytes "
          + "after them; the file was cut short or is not a safetensors file")
    }
    return Int(headerLength)
  }

  /// Parses and checks `headerBytes`, the header of a file whose data section is `dataCount` bytes long:
  /// the tensors' data must fill it exactly, back to back.
  static func parse(_ headerBytes: [UInt8], dataCount: Int, source: String) throws -> SafeTensorsHeader {
    func malformed(_ problem: String) -> GraftIOError { .malformed(file: source, problem: problem) }

    guard String(validating: headerBytes, as: UTF8.self) != nil else {
      throw malformed("the header is not valid UTF-8; the file is corrupt or not a safetensors file")
    }
    let header: JSONValue
    do {
      header = try JSONValue.parse(headerBytes)
    } catch {
      throw malformed(
        "the header is not valid JSON (\(error.message) at byte \(error.offset) of the header); the file is "
          + "corrupt or not a safetensors file")
    }
    guard case .object(let members) = header else {
      throw malformed("the header is \(header.kindDescription), not a JSON object")
    }

    var metadata: [String: String] = [:]
    var layouts: [TensorLayout] = []
    for (index, (name, value)) in members.enumerated() {
      if name == "__metadata__" {
        metadata = try parseMetadata(value, malformed: malformed)
      } else {
        layouts.append(try parseTensorLayout(name, value, headerIndex: index, source: source))
      }
    }

    // The data section must be exactly the tensors' bytes, back to back.
    layouts.sort { ($0.begin, $0.end, $0.headerIndex) < ($1.begin, $1.end, $1.headerIndex) }
    var expectedBegin = 0
    var previous: String?
    for layout in layouts {
      guard layout.end <= dataCount else {
        throw GraftIOError.truncated(
          file: source, tensor: layout.name, needed: layout.begin..<layout.end, available: dataCount)
      }
      if layout.begin < expectedBegin {
        throw malformed(
          "tensor '\(layout.name)' (bytes \(layout.begin)..<\(layout.end) of the data section) overlaps tensor "
            + "'\(previous ?? "")', which ends at byte \(expectedBegin); the header is corrupt")
      }
      if layout.begin > expectedBegin {
        throw malformed(
          "there are \(layout.begin - expectedBegin) unused bytes before tensor '\(layout.name)' (bytes "
            + "\(layout.begin)..<\(layout.end) of the data section), but safetensors packs tensors without gaps; "
            + "the header is corrupt")
      }
      expectedBegin = layout.end
      previous = layout.name
    }
    guard expectedBegin == dataCount else {
      throw malformed(
        "the data section has \(dataCount - expectedBegin) bytes after the last tensor's data (it is \(dataCount) "
          + "bytes, the tensors use \(expectedBegin)); the file is corrupt")
    }
    return SafeTensorsHeader(metadata: metadata, layouts: layouts, dataStart: 8 + headerBytes.count)
  }

  private static func parseMetadata(
    _ value: JSONValue, malformed: (String) -> GraftIOError
  ) throws -> [String: String] {
    guard case .object(let pairs) = value else {
      throw malformed("\"__metadata__\" is \(value.kindDescription), not an object of strings")
    }
    var metadata: [String: String] = [:]
    for (key, value) in pairs {
      guard case .string(let string) = value else {
        throw malformed("metadata entry '\(key)' is \(value.kindDescription), but metadata values must be strings")
      }
      metadata[key] = string
    }
    return metadata
  }

  private static func parseTensorLayout(
    _ name: String, _ value: JSONValue, headerIndex: Int, source: String
  ) throws -> TensorLayout {
    func malformed(_ problem: String) -> GraftIOError {
      .malformed(file: source, problem: "tensor '\(name)': \(problem); the header is corrupt")
    }
    guard case .object(let fields) = value else {
      throw malformed("its header entry is \(value.kindDescription), not an object")
    }
    func field(_ key: String) throws -> JSONValue {
      guard let value = fields.first(where: { $0.key == key })?.value else { throw malformed("no \"\(key)\"") }
      return value
    }
    func integers(_ key: String) throws -> [Int] {
      guard case .array(let elements) = try field(key) else {
        throw malformed("\"\(key)\" is not an array")
      }
      return try elements.map { element in
        guard let n = element.nonNegativeInt else {
          throw malformed("\"\(key)\" holds \(element.kindDescription), not a non-negative integer")
        }
        return n
      }
    }

    guard case .string(let dtype) = try field("dtype") else { throw malformed("\"dtype\" is not a string") }
    let stored: StoredScalar
    switch dtype {
    case "F32": stored = .float32
    case "F64": stored = .float64
    default: throw GraftIOError.unsupportedDType(file: source, tensor: name, dtype: dtype)
    }
    let shape = try integers("shape")
    let offsets = try integers("data_offsets")
    guard offsets.count == 2 else { throw malformed("\"data_offsets\" has \(offsets.count) numbers, not 2") }
    let (begin, end) = (offsets[0], offsets[1])
    guard begin <= end else { throw malformed("\"data_offsets\" [\(begin), \(end)] ends before it begins") }

    var byteCount = stored.byteWidth
    for dimension in shape {
      let (product, overflow) = byteCount.multipliedReportingOverflow(by: dimension)
      guard !overflow else { throw malformed("shape \(shape) is too large") }
      byteCount = product
    }
    guard byteCount == end - begin else {
      throw malformed(
        "shape \(shape) of \(dtype) needs \(byteCount) bytes but \"data_offsets\" [\(begin), \(end)] "
          + "span \(end - begin)")
    }
    return TensorLayout(name: name, stored: stored, shape: shape, begin: begin, end: end, headerIndex: headerIndex)
  }
}

extension SafeTensorsFile {
  /// Reads the safetensors file at `url`.
  ///
  /// Every problem is a thrown `GraftIOError` naming the file: `.unreadable` if it cannot be opened;
  /// `.malformed` for a file under 8 bytes, a header length beyond the end of the file, a header that
  /// is not UTF-8 JSON of the expected form, data offsets that overlap, leave gaps or disagree with the
  /// shape and dtype; `.truncated` when a tensor's data runs past the end of the file; and
  /// `.unsupportedDType` for a dtype other than F32 and F64; `.checksumMismatch` when the data differs
  /// from the SHA-256 written with it (see `checksumKey`).
  public static func read(from url: URL) throws -> SafeTensorsFile {
    try GraftIOError.readingBytes(of: url) { try decode($0, source: url.path) }
  }

  /// Reads a whole safetensors file from memory; `source` names it in errors. Checks as `read(from:)`.
  public static func read(data: Data, source: String) throws -> SafeTensorsFile {
    try data.withUnsafeBytes { try decode($0, source: source) }
  }

  /// Parses the bytes of a whole safetensors file; `source` names it in errors.
  static func decode(_ bytes: UnsafeRawBufferPointer, source: String) throws -> SafeTensorsFile {
    let headerLength = try SafeTensorsHeader.headerLength(
      prefix: UnsafeRawBufferPointer(rebasing: bytes.prefix(8)), fileSize: bytes.count, source: source)
    let header = try SafeTensorsHeader.parse(
      Array(bytes[8..<(8 + headerLength)]), dataCount: bytes.count - 8 - headerLength, source: source)
    let verification = try header.verify(source: source)
    let metadata = try verifiedMetadata(
      header.metadata, data: UnsafeRawBufferPointer(rebasing: bytes[header.dataStart...]), source: source)
    var file = SafeTensorsFile(metadata: metadata, source: source)
    file.verification = verification
    for layout in header.layouts {
      let start = header.dataStart
      let raw = UnsafeRawBufferPointer(rebasing: bytes[(start + layout.begin)..<(start + layout.end)])
      let count = layout.shape.reduce(1, *)
      switch layout.stored {
      case .float32:
        file[layout.name] = .float(Tensor(shape: layout.shape, scalars: decodeScalars(raw, as: .float32, count: count)))
      case .float64:
        file[layout.name] = .double(
          Tensor(shape: layout.shape, scalars: decodeScalars(raw, as: .float64, count: count)))
      case .int32, .int64:
        preconditionFailure("parseTensorLayout admits only F32 and F64")
      }
    }
    return file
  }
}
