import Foundation
import GraftEngine
import ZIPFoundation

/// A PyTorch state dict (parameter name → tensor) read from a file, without Python and without running
/// any code from it.
///
/// `read(from:)` takes the three ways such weights travel:
/// - `torch.save`'s zip format (PyTorch ≥ 1.6): `PREFIX/data.pkl`, a pickle of the dict whose tensors
///   name storages by key, and each storage's bytes in `PREFIX/data/KEY`;
/// - the legacy format (before 1.6): a magic number, a protocol number and system information, each a
///   pickle, then the dict's pickle, the list of storage keys, and each storage as an 8-byte element
///   count followed by its bytes;
/// - safetensors (F32 and F64 tensors, read by `SafeTensorsFile`).
///
/// Pickles go through `RestrictedUnpickler`, which accepts only tensors, storages and ordered dicts
/// and refuses any other Python global by name (`GraftIOError.refusedPickleGlobal`).
public struct TorchStateDict: Sendable {
  /// One named tensor.
  public struct Entry: Sendable {
    public let name: String
    public let tensor: TorchTensor
  }

  /// The tensors in the file's order.
  public let entries: [Entry]
  /// How errors name the file: its path.
  public let source: String

  public init(entries: [Entry], source: String) {
    self.entries = entries
    self.source = source
  }

  /// The tensor names, in order.
  public var names: [String] { entries.map(\.name) }

  /// The tensor called `name`, or nil.
  public subscript(name: String) -> TorchTensor? {
    entries.first { $0.name == name }?.tensor
  }

  /// The floating-point tensor called `name` as Float (float64 and half types rounded), checked against
  /// `expected` when it is given. Throws `GraftIOError.missingTensor` (listing the names there are),
  /// `.dtypeMismatch` for an integer tensor, or `.shapeMismatch`.
  public func floatTensor(_ name: String, shape expected: [Int]? = nil) throws -> Tensor<Float> {
    guard let tensor = self[name] else {
      throw GraftIOError.missingTensor(file: source, tensor: name, available: names)
    }
    guard tensor.dtype.isFloatingPoint else {
      throw GraftIOError.dtypeMismatch(
        file: source, tensor: name, found: tensor.dtype.rawValue, expected: "a float type")
    }
    if let expected, expected != tensor.shape {
      throw GraftIOError.shapeMismatch(file: source, tensor: name, found: tensor.shape, expected: expected)
    }
    return Tensor(shape: tensor.shape, scalars: tensor.floats)
  }

  /// Reads the state dict in the file at `url`: a `.pth` in either of `torch.save`'s formats, or a
  /// safetensors file, told apart by their first bytes.
  ///
  /// Throws `GraftIOError`: `.unreadable`; `.refusedPickleGlobal` for a pickle that names any Python
  /// callable beyond tensors, storages and ordered dicts; `.malformed` for anything else wrong (a
  /// damaged zip or pickle, a missing storage, a view beyond its storage, a value that is not a tensor).
  public static func read(from url: URL) throws -> TorchStateDict {
    let source = url.path
    let head: [UInt8]
    do {
      let handle = try FileHandle(forReadingFrom: url)
      defer { try? handle.close() }
      head = [UInt8](try handle.read(upToCount: 4) ?? Data())
    } catch {
      throw GraftIOError.unreadable(file: source, reason: GraftIOError.readFailure(url, error))
    }
    if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return try readZip(url) }
    if head.first == 0x80 {
      let bytes = try GraftIOError.readingBytes(of: url) { [UInt8]($0) }
      return try readLegacy(bytes, source: source)
    }
    if head.isEmpty {
      throw GraftIOError.malformed(file: source, problem: "the file is empty; download or copy it again")
    }
    let file = try SafeTensorsFile.read(from: url)
    return TorchStateDict(
      entries: file.entries.map { entry in
        switch entry.tensor {
        case .float(let t):
          return Entry(
            name: entry.name, tensor: TorchTensor(dtype: .float32, shape: t.shape, bytes: littleEndianBytes(t.scalars)))
        case .double(let t):
          return Entry(
            name: entry.name, tensor: TorchTensor(dtype: .float64, shape: t.shape, bytes: littleEndianBytes(t.scalars)))
        }
      }, source: source)
  }

  // MARK: The zip format

  private static func readZip(_ url: URL) throws -> TorchStateDict {
    let source = url.path
    func malformed(_ problem: String) -> GraftIOError { .malformed(file: source, problem: problem) }
    if let problem = try GraftIOError.readingBytes(of: url, ZipDirectory.problem) {
      throw malformed("\(problem); the file is damaged, so download or copy it again")
    }
    let archive: Archive
    do {
      archive = try Archive(url: url, accessMode: .read)
    } catch {
      throw malformed(
        "it starts as a zip archive but its directory cannot be read (cut short?); download or copy it again")
    }
    // torch.save names the top folder after the file ("archive" since PyTorch 2.x).
    guard
      let pickleEntry = archive.first(where: {
        $0.path.hasSuffix("data.pkl") && $0.path.split(separator: "/").count == 2
      })
    else {
      throw malformed("the zip archive has no PREFIX/data.pkl, so it is not a torch.save file")
    }
    let prefix = String(pickleEntry.path.dropLast("data.pkl".count))
    func contents(_ entry: ZIPFoundation.Entry) throws -> [UInt8] {
      var data = Data()
      do {
        _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
      } catch Archive.ArchiveError.invalidCRC32 {
        throw malformed(
          "\(entry.path.escapedForMessage) fails the zip's CRC-32 check, so bytes changed in a download or copy; get the file again"
        )
      } catch {
        throw malformed(
          "\(entry.path.escapedForMessage) cannot be read from the zip archive (it is damaged); get the file again")
      }
      return [UInt8](data)
    }
    if let order = archive[prefix + "byteorder"] {
      let text = String(decoding: try contents(order), as: UTF8.self)
      guard text == "little" else {
        throw malformed(
          text == "big"
            ? "its tensors are stored big-endian; Graft reads little-endian files (save it on a little-endian machine)"
            : "its byteorder record is neither 'little' nor 'big'; the file is corrupt, so get it again")
      }
    }
    var unpickler = RestrictedUnpickler(bytes: try contents(pickleEntry), source: source)
    defer { unpickler.releaseContainers() }
    let root = try unpickler.load()
    return try materialize(root, source: source) { storage in
      guard let entry = archive[prefix + "data/" + storage.key] else {
        let key = storage.key.escapedForMessage
        throw malformed(
          "the pickle names storage '\(key)' but the archive has no \(prefix.escapedForMessage)data/\(key)")
      }
      return try contents(entry)
    }
  }

  // MARK: The legacy format

  /// The legacy format's magic number 0x1950a86a20f9469cfc6c, as LONG1's little-endian bytes.
  private static let legacyMagic: [UInt8] = [0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19]

  private static func readLegacy(_ bytes: [UInt8], source: String) throws -> TorchStateDict {
    func malformed(_ problem: String) -> GraftIOError { .malformed(file: source, problem: problem) }
    var unpickler = RestrictedUnpickler(bytes: bytes, source: source)
    defer { unpickler.releaseContainers() }
    guard case .bigInt(let magic) = try unpickler.load(), magic == legacyMagic else {
      throw malformed("it is a pickle but not a torch.save file (no magic number 0x1950a86a20f9469cfc6c)")
    }
    guard case .int(let protocolVersion) = try unpickler.load(), protocolVersion == 1001 else {
      throw malformed("its torch.save protocol version is not 1001, the only legacy version")
    }
    guard case .dict(let info) = try unpickler.load() else { throw malformed("its system information is not a dict") }
    for (key, value) in info.entries {
      if case .string("little_endian") = key, case .bool(false) = value {
        throw malformed("its tensors are stored big-endian; Graft reads little-endian files")
      }
    }
    let root = try unpickler.load()
    guard case .list(let keyList) = try unpickler.load() else {
      throw malformed("has no list of storage keys after the dict")
    }
    // Each storage, in the list's order: its element count (8 bytes, little-endian), then its bytes.
    var offset = unpickler.position
    var storages: [String: ArraySlice<UInt8>] = [:]
    var widths: [String: Int] = [:]
    collectWidths(root, into: &widths)
    for keyValue in keyList.elements {
      guard case .string(let rawKey) = keyValue else { throw malformed("its storage keys are not strings") }
      let key = rawKey.escapedForMessage
      guard let width = widths[rawKey] else { throw malformed("lists storage '\(key)', which no tensor uses") }
      guard bytes.count - offset >= 8 else {
        throw malformed("ends before storage '\(key)' (cut short?); get the file again")
      }
      let count = bytes[offset..<(offset + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
      offset += 8
      guard count <= UInt64(bytes.count - offset) / UInt64(width) else {
        throw malformed("ends inside storage '\(key)' (cut short?); get the file again")
      }
      let end = offset + Int(count) * width
      storages[rawKey] = bytes[offset..<end]
      offset = end
    }
    return try materialize(root, source: source) { storage in
      guard let data = storages[storage.key] else {
        throw malformed("has no data for storage '\(storage.key.escapedForMessage)'")
      }
      return Array(data)
    }
  }

  /// Each storage key's element width, from the tensors that use it.
  private static func collectWidths(_ root: PickleValue, into widths: inout [String: Int]) {
    guard case .dict(let dict) = root else { return }
    for (_, value) in dict.entries {
      if case .tensor(let view) = value { widths[view.storage.key] = view.storage.dtype.byteWidth }
    }
  }

  // MARK: Tensors from storages

  /// The dict `root` with each tensor view gathered from its storage's bytes (`storageBytes`, read once
  /// per storage), checked to lie inside it.
  private static func materialize(
    _ root: PickleValue, source: String, storageBytes: (TorchStorageReference) throws -> [UInt8]
  ) throws -> TorchStateDict {
    func malformed(_ problem: String) -> GraftIOError { .malformed(file: source, problem: problem) }
    guard case .dict(let dict) = root else {
      throw malformed("it holds a pickled \(root.typeName), not a state dict (a dict of tensors)")
    }
    var cache: [String: [UInt8]] = [:]
    var entries: [Entry] = []
    for (key, value) in dict.entries {
      guard case .string(let rawName) = key else {
        throw malformed("a key of its state dict is a \(key.typeName), not a name")
      }
      let name = rawName.escapedForMessage
      guard case .tensor(let view) = value else {
        throw malformed(
          "'\(name)' holds a \(value.typeName), not a tensor; a file that wraps the state dict (e.g. a training "
            + "checkpoint) must be saved as its state dict alone")
      }
      let storage = view.storage
      let key = storage.key.escapedForMessage
      if cache[storage.key] == nil { cache[storage.key] = try storageBytes(storage) }
      let bytes = cache[storage.key]!
      let width = storage.dtype.byteWidth
      guard storage.count <= bytes.count / width else {
        throw malformed(
          "storage '\(storage.key)' holds \(bytes.count) bytes, fewer than its \(storage.count) elements need")
      }
      try checkInside(view, name: name, malformed: malformed)
      entries.append(
        Entry(name: rawName, tensor: TorchTensor(dtype: storage.dtype, shape: view.shape, bytes: gather(view, bytes))))
    }
    return TorchStateDict(entries: entries, source: source)
  }

  /// Checks that every element of `view` lies inside its storage, in arithmetic that cannot overflow (the
  /// numbers come from the file), and that it has no more elements than the storage (an expanded view,
  /// with a stride of 0, which a state dict never holds, could ask for any amount of memory).
  private static func checkInside(
    _ view: TorchTensorView, name: String, malformed: (String) -> GraftIOError
  ) throws {
    let described = "'\(name)' (shape \(view.shape), strides \(view.strides), offset \(view.offset))"
    var count = 1
    for n in view.shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: n)
      guard !overflow else { throw malformed("\(described) has an impossible number of elements") }
      count = product
    }
    guard count > 0 else { return }
    guard count <= view.storage.count else {
      throw malformed("\(described) has more elements than its storage of \(view.storage.count)")
    }
    var last = view.offset
    for (n, stride) in zip(view.shape, view.strides) {
      let (step, overflow) = (n - 1).multipliedReportingOverflow(by: stride)
      let (sum, overflowSum) = last.addingReportingOverflow(step)
      guard !overflow, !overflowSum else { throw malformed("\(described) reaches beyond its storage") }
      last = sum
    }
    guard view.offset >= 0, last < view.storage.count else {
      throw malformed("\(described) reaches beyond its storage of \(view.storage.count) elements")
    }
  }

  /// The view's elements, row-major, copied out of the storage's bytes (one copy when contiguous).
  private static func gather(_ view: TorchTensorView, _ storage: [UInt8]) -> [UInt8] {
    let width = view.storage.dtype.byteWidth
    let count = view.shape.reduce(1, *)
    guard count > 0 else { return [] }
    let contiguous = contiguousStrides(view.shape)
    if zip(view.shape, zip(view.strides, contiguous)).allSatisfy({ $0.0 == 1 || $0.1.0 == $0.1.1 }) {
      return Array(storage[(view.offset * width)..<((view.offset + count) * width)])
    }
    var out = [UInt8](repeating: 0, count: count * width)
    var index = [Int](repeating: 0, count: view.shape.count)
    for i in 0..<count {
      let element = zip(index, view.strides).reduce(view.offset) { $0 + $1.0 * $1.1 }
      for b in 0..<width { out[i * width + b] = storage[element * width + b] }
      var axis = view.shape.count - 1
      while axis >= 0 {
        index[axis] += 1
        if index[axis] < view.shape[axis] { break }
        index[axis] = 0
        axis -= 1
      }
    }
    return out
  }

  private static func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    for i in stride(from: shape.count - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
    return strides
  }

  private static func littleEndianBytes<S: TensorScalar>(_ scalars: [S]) -> [UInt8] {
    withLittleEndianBytes(of: scalars) { [UInt8]($0) }
  }
}
