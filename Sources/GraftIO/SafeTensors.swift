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
  /// or the whole new file.
  ///
  /// Throws `GraftIOError.invalidContent` if a tensor is named `"__metadata__"`, or `.unwritable`.
  public func write(to url: URL) throws {
    let path = url.path
    if indexByName["__metadata__"] != nil {
      throw GraftIOError.invalidContent(
        file: path, problem: "'__metadata__' names the metadata in a safetensors header, so no tensor can have it")
    }
    let ordered = dataOrder()
    let header = Self.header(for: ordered, metadata: metadata)
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

  /// The header for `entries` (in data order): compact JSON as serde_json writes it, metadata first
  /// with its keys sorted (so the same content always gives the same bytes), padded with spaces to a
  /// multiple of 8 bytes so that the data section starts 8-byte aligned.
  static func header(for entries: [Entry], metadata: [String: String]) -> [UInt8] {
    var members: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { $0.key < $1.key }.map { jsonQuoted($0.key) + ":" + jsonQuoted($0.value) }
      members.append("\"__metadata__\":{" + pairs.joined(separator: ",") + "}")
    }
    var offset = 0
    for entry in entries {
      let shape = entry.tensor.shape.map(String.init).joined(separator: ",")
      let end = offset + entry.tensor.shape.reduce(1, *) * entry.tensor.byteWidth
      members.append(
        jsonQuoted(entry.name) + ":{\"dtype\":\"\(entry.tensor.dtype)\",\"shape\":[\(shape)],"
          + "\"data_offsets\":[\(offset),\(end)]}")
      offset = end
    }
    var bytes = Array(("{" + members.joined(separator: ",") + "}").utf8)
    bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
    return bytes
  }
}

// MARK: - Reading

extension SafeTensorsFile {
  /// Reads the safetensors file at `url`.
  ///
  /// Every problem is a thrown `GraftIOError` naming the file: `.unreadable` if it cannot be opened;
  /// `.malformed` for a file under 8 bytes, a header length beyond the end of the file, a header that
  /// is not UTF-8 JSON of the expected form, data offsets that overlap, leave gaps or disagree with the
  /// shape and dtype; `.truncated` when a tensor's data runs past the end of the file; and
  /// `.unsupportedDType` for a dtype other than F32 and F64.
  public static func read(from url: URL) throws -> SafeTensorsFile {
    try GraftIOError.readingBytes(of: url) { try decode($0, source: url.path) }
  }

  /// The layout of one tensor as the header gives it.
  private struct TensorInfo {
    let name: String
    let stored: StoredScalar
    let shape: [Int]
    let begin: Int
    let end: Int
    /// The tensor's position among the header's members, which orders empty tensors at one offset.
    let headerIndex: Int
  }

  /// Parses the bytes of a whole safetensors file; `source` names it in errors.
  static func decode(_ bytes: UnsafeRawBufferPointer, source: String) throws -> SafeTensorsFile {
    func malformed(_ problem: String) -> GraftIOError { .malformed(file: source, problem: problem) }

    guard bytes.count >= 8 else {
      throw malformed(
        "the file is \(bytes.count) bytes long, too short for a safetensors file (which starts with an "
          + "8-byte header length); it is empty or was cut short, so save or copy it again")
    }
    let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw malformed(
        "the header length in the first 8 bytes is \(headerLength), larger than the \(bytes.count - 8) bytes "
          + "after them; the file was cut short or is not a safetensors file")
    }
    let dataStart = 8 + Int(headerLength)
    let headerBytes = Array(bytes[8..<dataStart])
    guard String(validating: headerBytes, as: UTF8.self) != nil else {
      throw malformed("the header is not valid UTF-8; the file is corrupt or not a safetensors file")
    }
    let header: JSONValue
    do {
      header = try JSONParser.parse(headerBytes)
    } catch {
      throw malformed(
        "the header is not valid JSON (\(error.message) at byte \(error.offset) of the header); the file is "
          + "corrupt or not a safetensors file")
    }
    guard case .object(let members) = header else {
      throw malformed("the header is \(header.kindDescription), not a JSON object")
    }

    var file = SafeTensorsFile(source: source)
    var infos: [TensorInfo] = []
    for (index, (name, value)) in members.enumerated() {
      if name == "__metadata__" {
        file.metadata = try parseMetadata(value, malformed: malformed)
      } else {
        infos.append(try parseTensorInfo(name, value, headerIndex: index, source: source))
      }
    }

    // The data section must be exactly the tensors' bytes, back to back.
    let dataCount = bytes.count - dataStart
    infos.sort { ($0.begin, $0.end, $0.headerIndex) < ($1.begin, $1.end, $1.headerIndex) }
    var expectedBegin = 0
    var previous: String?
    for info in infos {
      guard info.end <= dataCount else {
        throw GraftIOError.truncated(
          file: source, tensor: info.name, needed: info.begin..<info.end, available: dataCount)
      }
      if info.begin < expectedBegin {
        throw malformed(
          "tensor '\(info.name)' (bytes \(info.begin)..<\(info.end) of the data section) overlaps tensor "
            + "'\(previous ?? "")', which ends at byte \(expectedBegin); the header is corrupt")
      }
      if info.begin > expectedBegin {
        throw malformed(
          "there are \(info.begin - expectedBegin) unused bytes before tensor '\(info.name)' (bytes "
            + "\(info.begin)..<\(info.end) of the data section), but safetensors packs tensors without gaps; "
            + "the header is corrupt")
      }
      expectedBegin = info.end
      previous = info.name
    }
    guard expectedBegin == dataCount else {
      throw malformed(
        "the data section has \(dataCount - expectedBegin) bytes after the last tensor's data (it is \(dataCount) "
          + "bytes, the tensors use \(expectedBegin)); the file is corrupt")
    }

    for info in infos {
      let raw = UnsafeRawBufferPointer(rebasing: bytes[(dataStart + info.begin)..<(dataStart + info.end)])
      let count = info.shape.reduce(1, *)
      switch info.stored {
      case .float32:
        file[info.name] = .float(Tensor(shape: info.shape, scalars: decodeScalars(raw, as: .float32, count: count)))
      case .float64:
        file[info.name] = .double(Tensor(shape: info.shape, scalars: decodeScalars(raw, as: .float64, count: count)))
      case .int32, .int64:
        preconditionFailure("parseTensorInfo admits only F32 and F64")
      }
    }
    return file
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

  private static func parseTensorInfo(
    _ name: String, _ value: JSONValue, headerIndex: Int, source: String
  ) throws -> TensorInfo {
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
    return TensorInfo(name: name, stored: stored, shape: shape, begin: begin, end: end, headerIndex: headerIndex)
  }
}
