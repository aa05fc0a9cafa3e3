import Foundation
import GraftEngine

/// NumPy's `.npy` format: one array per file (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
///
/// A file is the magic `\x93NUMPY`, a major and a minor version byte, the header length (a little-endian
/// UInt16 in version 1.0, UInt32 in 2.0 and 3.0), a header that is a Python dict literal with the
/// keys `descr` (the dtype, e.g. `'<f4'`), `fortran_order` and `shape`, padded with spaces and a
/// newline so that the data starts at a multiple of 64 bytes, then the elements.
///
/// Graft writes version 1.0 with `'<f4'` for `Tensor<Float>` and `'<f8'` for `Tensor<Double>`, byte for
/// byte as `np.save` writes the same array. It reads versions 1.0, 2.0 and 3.0 with the dtypes `<f4`,
/// `<f8`, `<i4` and `<i8` (integers, e.g. class labels, become floating-point values).
public enum NPY {
  /// Reads the array in the .npy file at `url` as a tensor of `S`, converting the elements.
  ///
  /// float32 → Float and float64 → Double are exact; float64 → Float rounds to nearest; integers are
  /// exact up to 2²⁴ in Float and 2⁵³ in Double. A 0-d array gives a tensor of shape `[]`.
  /// Throws a `GraftIOError`: `.unreadable`; `.malformed` for a bad magic string or version, an
  /// unparsable header, Fortran (column-major) order, a big-endian dtype, or bytes left after the
  /// data; `.truncated` when the data is shorter than the shape needs; `.unsupportedDType` for other
  /// dtypes.
  public static func read<S: TensorScalar>(_ url: URL, as: S.Type = S.self) throws -> Tensor<S> {
    try GraftIOError.readingBytes(of: url) { try decode($0, source: url.path) }
  }

  /// Writes `tensor` to `url` as a version 1.0 .npy file, atomically (see `AtomicFile`).
  public static func write<S: TensorScalar>(_ tensor: Tensor<S>, to url: URL) throws {
    let header = header(descr: S.self == Float.self ? "<f4" : "<f8", shape: tensor.shape)
    try AtomicFile.write(to: url) { out in
      try out.write(header)
      try withLittleEndianBytes(of: tensor.scalars) { try out.write($0) }
    }
  }

  /// The bytes of `tensor` as a version 1.0 .npy file (what `write` writes).
  static func encode<S: TensorScalar>(_ tensor: Tensor<S>) -> [UInt8] {
    header(descr: S.self == Float.self ? "<f4" : "<f8", shape: tensor.shape)
      + withLittleEndianBytes(of: tensor.scalars) { [UInt8]($0) }
  }

  private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

  /// Everything before the data for a C-order array: magic, version 1.0, length, and the dict padded
  /// exactly as NumPy pads it (room for the first dimension to grow to 21 digits, then spaces and a
  /// newline up to a multiple of 64 bytes).
  static func header(descr: String, shape: [Int]) -> [UInt8] {
    let shapeText =
      shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
    var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
    if let first = shape.first {
      dict += String(repeating: " ", count: max(0, 21 - String(first).count))
    }
    // magic (6) + version (2) + length (2) + dict + padding + "\n" is a multiple of 64, with at least
    // one space of padding, as NumPy's _wrap_header does.
    let unpadded = magic.count + 2 + 2 + dict.utf8.count + 1
    let padding = 64 - unpadded % 64
    let headerLength = dict.utf8.count + padding + 1
    precondition(headerLength <= Int(UInt16.max), "NPY: header of \(headerLength) bytes needs format 2.0")
    var bytes = magic + [1, 0]
    bytes += [UInt8(headerLength & 0xFF), UInt8(headerLength >> 8)]
    bytes += Array(dict.utf8) + Array(repeating: UInt8(ascii: " "), count: padding) + [UInt8(ascii: "\n")]
    return bytes
  }

  /// Reads a whole .npy file from memory; `source` names it in errors. Checks as `read(_:as:)`.
  public static func read<S: TensorScalar>(data: Data, source: String, as: S.Type = S.self) throws -> Tensor<S> {
    try data.withUnsafeBytes { try decode($0, source: source) }
  }

  /// Parses the bytes of a whole .npy file; `source` names it in errors.
  static func decode<S: TensorScalar>(_ bytes: UnsafeRawBufferPointer, source: String) throws -> Tensor<S> {
    func malformed(_ problem: String) -> GraftIOError { .malformed(file: source, problem: problem) }

    guard bytes.count >= magic.count + 2, bytes.prefix(magic.count).elementsEqual(magic) else {
      let found = bytes.prefix(magic.count).map { String(format: "%02x", $0) }.joined(separator: " ")
      throw malformed(
        "not a .npy file: it should start with the bytes 93 4e 55 4d 50 59 (\"\\x93NUMPY\") but starts with "
          + "\(found.isEmpty ? "nothing (it is empty)" : found); was it saved with np.save?")
    }
    let (major, minor) = (bytes[6], bytes[7])
    let lengthSize: Int
    switch major {
    case 1: lengthSize = 2
    case 2, 3: lengthSize = 4
    default:
      throw malformed("format version \(major).\(minor) is not one Graft reads (1.0, 2.0 or 3.0)")
    }
    let lengthEnd = 8 + lengthSize
    guard bytes.count >= lengthEnd else {
      throw malformed("the file ends inside its header length; it was cut short, so save or copy it again")
    }
    var headerLength = 0
    for i in (8..<lengthEnd).reversed() { headerLength = headerLength << 8 | Int(bytes[i]) }
    let dataStart = lengthEnd + headerLength
    guard dataStart <= bytes.count else {
      throw malformed(
        "the header length is \(headerLength), larger than the \(bytes.count - lengthEnd) bytes after it; the "
          + "file was cut short or is not a .npy file")
    }

    let headerText = Array(bytes[lengthEnd..<dataStart])
    let header: PythonLiteral
    do {
      header = try PythonLiteralParser.parse(headerText)
    } catch {
      throw malformed("the header is not a Python dict literal (\(error.message)); the file is corrupt")
    }
    guard case .dict(let members) = header else {
      throw malformed("the header is \(header.pythonText), not a dict")
    }
    func entry(_ key: String) throws -> PythonLiteral {
      guard let value = members.first(where: { if case .string(key) = $0.key { true } else { false } })?.value
      else { throw malformed("the header has no '\(key)' entry; the file is corrupt") }
      return value
    }

    guard case .sequence(let dimensions, isTuple: true) = try entry("shape") else {
      throw malformed("the header's 'shape' is \(try entry("shape").pythonText), not a tuple of integers")
    }
    let shape = try dimensions.map { dimension in
      guard case .integer(let n) = dimension, n >= 0 else {
        throw malformed("the header's 'shape' holds \(dimension.pythonText), not a non-negative integer")
      }
      return n
    }
    guard case .bool(let fortranOrder) = try entry("fortran_order") else {
      throw malformed("the header's 'fortran_order' is \(try entry("fortran_order").pythonText), not True or False")
    }
    // Rank 0 and 1 arrays are laid out the same in either order.
    if fortranOrder && shape.count > 1 {
      throw malformed(
        "the array is stored in Fortran (column-major) order, which Graft does not read; save it in C order "
          + "with np.save(path, np.ascontiguousarray(a))")
    }

    let descrValue = try entry("descr")
    guard case .string(let descr) = descrValue else {
      throw GraftIOError.unsupportedDType(file: source, tensor: "", dtype: descrValue.pythonText)
    }
    let stored: StoredScalar
    switch descr {
    case "<f4": stored = .float32
    case "<f8": stored = .float64
    case "<i4": stored = .int32
    case "<i8": stored = .int64
    case _ where descr.hasPrefix(">"):
      throw malformed(
        "the array is stored big-endian ('\(descr)'), which Graft does not read; convert it with "
          + "a.astype(a.dtype.newbyteorder('<')) before saving")
    default:
      throw GraftIOError.unsupportedDType(file: source, tensor: "", dtype: "'\(descr)'")
    }

    var needed = stored.byteWidth
    for n in shape {
      let (product, overflow) = needed.multipliedReportingOverflow(by: n)
      guard !overflow else { throw malformed("the header's shape \(shape) is impossibly large; the file is corrupt") }
      needed = product
    }
    let count = needed / stored.byteWidth
    let available = bytes.count - dataStart
    guard needed <= available else {
      throw GraftIOError.truncated(file: source, tensor: "", needed: 0..<needed, available: available)
    }
    guard needed == available else {
      throw malformed(
        "there are \(available - needed) bytes after the array's data (shape \(shape) of '\(descr)' needs "
          + "\(needed)); the file is corrupt")
    }
    let raw = UnsafeRawBufferPointer(rebasing: bytes[dataStart...])
    return Tensor(shape: shape, scalars: decodeScalars(raw, as: stored, count: count))
  }
}
