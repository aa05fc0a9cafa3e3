import Foundation
import GraftEngine

/// CIFAR-10 in its binary version (`cifar-10-binary.tar.gz`): 32x32 colour images in 10 classes,
/// five training batches `data_batch_1.bin` … `data_batch_5.bin` (10 000 images each) and
/// `test_batch.bin`.
///
/// Each record is 1 label byte then 3072 pixel bytes: the red plane, then green, then blue, each 32x32
/// row-major. Images are `[N, 3, 32, 32]` floats in [−1, 1] (pixel / 127.5 − 1).
public struct CIFAR10: Sendable {
  /// Which files to read.
  public enum Split: String, Sendable, Codable, CaseIterable {
    /// `data_batch_1.bin` … `data_batch_5.bin`.
    case train
    /// `test_batch.bin`.
    case test

    /// The split's batch files, in reading order.
    public var fileNames: [String] {
      self == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
    }
  }

  /// The side of an image, in pixels.
  public static let imageSide = 32
  /// Colour channels (R, G, B).
  public static let channels = 3
  /// Bytes per record: one label byte and 3 x 32 x 32 pixel bytes.
  public static let recordLength = 1 + 3 * 32 * 32
  /// The ten class names, indexed by label.
  public static let classNames = [
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
  ]
  /// The folder the official archive extracts to; looked for inside the directory given.
  public static let archiveFolder = "cifar-10-batches-bin"

  /// The split read.
  public let split: Split
  /// Images `[N, 3, 32, 32]` in [−1, 1].
  public let images: Tensor<Float>
  /// Labels in `0..<10`, one per image.
  public let labels: [Int]

  /// Number of examples loaded.
  public var count: Int { labels.count }

  /// Loads `split` from `directory` (the folder holding the `.bin` files, or the one holding
  /// `cifar-10-batches-bin/`), keeping the first `limit` records across the split's files (all when
  /// `nil`). Throws `DataError.datasetNotFound` when a batch file is missing.
  public init(split: Split, directory: String, limit: Int? = nil) throws(DataError) {
    precondition(limit.map { $0 >= 0 } ?? true, "CIFAR10: limit must be non-negative")
    let folder = Self.batchFolder(in: directory)
    var images: [Float] = []
    var labels: [Int] = []
    for name in split.fileNames {
      let remaining = limit.map { $0 - labels.count }
      if let remaining, remaining <= 0 { break }
      let path = folder + "/" + name
      guard FileManager.default.fileExists(atPath: path) else {
        throw .datasetNotFound(
          name: "CIFAR-10", directory: directory, missing: name,
          hint: "download the binary version (cifar-10-binary.tar.gz), extract it there, or pass --data-dir")
      }
      let batch = try Self.readBatch(path: path, limit: remaining)
      images += batch.images.scalars
      labels += batch.labels
    }
    self.split = split
    self.labels = labels
    self.images = Tensor(shape: [labels.count, Self.channels, Self.imageSide, Self.imageSide], scalars: images)
  }

  /// Reads one batch file: its first `limit` records (all when `nil`) as images `[N, 3, 32, 32]` in
  /// [−1, 1] and labels. The file (raw, or gzip'd, detected by content) must be a positive whole number
  /// of records with labels in `0..<10`.
  public static func readBatch(path: String, limit: Int? = nil) throws(DataError) -> (
    images: Tensor<Float>, labels: [Int]
  ) {
    let bytes = try GzipOrRawFile(path: path).readToEnd()
    guard !bytes.isEmpty, bytes.count % recordLength == 0 else {
      throw .badRecordLength(path: path, length: bytes.count, recordLength: recordLength)
    }
    let records = bytes.count / recordLength
    let n = Swift.min(limit ?? records, records)
    let pixels = recordLength - 1
    var labels: [Int] = []
    labels.reserveCapacity(n)
    for i in 0..<n {
      let label = Int(bytes[i * recordLength])
      guard label < classNames.count else {
        throw .badLabel(path: path, index: i, value: label, classCount: classNames.count)
      }
      labels.append(label)
    }
    let scalars = [Float](unsafeUninitializedCapacity: n * pixels) { out, initialized in
      bytes.withUnsafeBufferPointer { src in
        for i in 0..<n {
          let from = i * recordLength + 1
          for j in 0..<pixels { out[i * pixels + j] = PixelScaling.scaled(src[from + j]) }
        }
      }
      initialized = n * pixels
    }
    return (Tensor(shape: [n, channels, imageSide, imageSide], scalars: scalars), labels)
  }

  /// The record bytes of one example: `label` then the pixel bytes (R plane, G plane, B plane, each
  /// 32x32 row-major; 3072 bytes). For writing fixtures.
  public static func encodedRecord(label: UInt8, pixels: [UInt8]) -> [UInt8] {
    precondition(pixels.count == recordLength - 1, "CIFAR10: a record has \(recordLength - 1) pixel bytes")
    return [label] + pixels
  }

  /// `directory/cifar-10-batches-bin` when that folder exists, otherwise `directory`.
  static func batchFolder(in directory: String) -> String {
    let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
    var isDirectory: ObjCBool = false
    let nested = base + "/" + archiveFolder
    if FileManager.default.fileExists(atPath: nested, isDirectory: &isDirectory), isDirectory.boolValue {
      return nested
    }
    return base
  }
}
