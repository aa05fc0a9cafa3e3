import Foundation
import GraftEngine
import ZIPFoundation

/// NumPy's `.npz`: a zip archive of `.npy` files, one per named array (`np.savez`, stored, and
/// `np.savez_compressed`, deflated, both read). pytorch-fid's statistics files are `.npz` with `mu`
/// [D] and `sigma` [D, D] in float64.
public enum NPZ {
  /// The arrays of the `.npz` file at `url` as tensors of `S`, by name (the member's name without
  /// `.npy`), converted as `NPY.read` converts them.
  ///
  /// Throws `GraftIOError`: `.unreadable`; `.malformed` for a file that is not a zip archive, a damaged
  /// member (its CRC-32 check fails) or a member that is not a `.npy`; the `.npy` errors of each array
  /// (their `file` is `PATH[NAME.npy]`).
  public static func read<S: TensorScalar>(_ url: URL, as: S.Type = S.self) throws -> [String: Tensor<S>] {
    let source = url.path
    func malformed(_ problem: String) -> GraftIOError { .malformed(file: source, problem: problem) }
    guard FileManager.default.isReadableFile(atPath: source) else {
      throw GraftIOError.unreadable(file: source, reason: GraftIOError.readFailure(url, CocoaError(.fileReadUnknown)))
    }
    if let problem = try GraftIOError.readingBytes(of: url, ZipDirectory.problem) {
      throw malformed("\(problem), so it is not a readable .npz file")
    }
    let archive: Archive
    do {
      archive = try Archive(url: url, accessMode: .read)
    } catch {
      throw malformed("not a .npz file (a zip archive of .npy files, as np.savez writes): no zip directory was found")
    }
    var arrays: [String: Tensor<S>] = [:]
    for entry in archive where entry.type == .file {
      guard entry.path.hasSuffix(".npy") else {
        throw malformed("member '\(entry.path.escapedForMessage)' is not a .npy file, so this is not a .npz file")
      }
      var data = Data()
      do {
        _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
      } catch {
        throw malformed(
          "member '\(entry.path.escapedForMessage)' cannot be read (its CRC-32 check fails or it is cut short); get the file again"
        )
      }
      arrays[String(entry.path.dropLast(4))] = try NPY.read(
        data: data, source: "\(source)[\(entry.path.escapedForMessage)]")
    }
    return arrays
  }

  /// Writes `arrays` to `url` as an uncompressed `.npz` (as `np.savez` does: one `NAME.npy` member per
  /// array, version 1.0 headers), atomically.
  public static func write<S: TensorScalar>(_ arrays: [(name: String, tensor: Tensor<S>)], to url: URL) throws {
    let archive: Archive
    do {
      archive = try Archive(data: Data(), accessMode: .create)
      for (name, tensor) in arrays {
        let bytes = NPY.encode(tensor)
        try archive.addEntry(with: name + ".npy", type: .file, uncompressedSize: Int64(bytes.count)) { position, size in
          Data(bytes[Int(position)..<(Int(position) + size)])
        }
      }
    } catch {
      throw GraftIOError.invalidContent(file: url.path, problem: "the zip archive could not be assembled (\(error))")
    }
    guard let data = archive.data else {
      throw GraftIOError.invalidContent(file: url.path, problem: "the zip archive could not be assembled")
    }
    try AtomicFile.write(data, to: url)
  }
}
