import Foundation
import GraftEngine

/// Fashion-MNIST (Zalando): 28x28 greyscale images of clothing in 10 classes, 60 000 for training and
/// 10 000 for testing, read from the four IDX files of Debian's `dataset-fashion-mnist`.
///
/// Images are `[N, 1, S, S]` floats in [−1, 1] (pixel / 127.5 − 1; the background is −1), where S is
/// 28, or larger with the image centred on background −1 (32 for DCGAN-style networks).
public struct FashionMNIST: Sendable {
  /// Which of the two files sets to read.
  public enum Split: String, Sendable, Codable, CaseIterable {
    /// 60 000 images (`train-*`).
    case train
    /// 10 000 images (`t10k-*`).
    case test

    /// The prefix of the split's file names.
    public var filePrefix: String { self == .train ? "train" : "t10k" }
  }

  /// Where Debian's `dataset-fashion-mnist` installs the files.
  public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
  /// The side of the stored images, in pixels.
  public static let imageSide = 28
  /// The ten class names, indexed by label.
  public static let classNames = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
  ]

  /// The split read.
  public let split: Split
  /// Images `[N, 1, S, S]` in [−1, 1].
  public let images: Tensor<Float>
  /// Labels in `0..<10`, one per image.
  public let labels: [Int]

  /// Number of examples loaded.
  public var count: Int { labels.count }

  /// Loads `split` from `directory`: the first `limit` examples (all when `nil`), images of side
  /// `imageSize` (28 as stored; larger centres each image on background −1).
  ///
  /// Each file is looked for as `NAME-idx?-ubyte.gz`, then without `.gz`; gzip is detected from the
  /// content either way. Throws `DataError.datasetNotFound` (with the apt command) when a file is
  /// missing, and other `DataError`s for malformed files, mismatched counts or labels outside 0..<10.
  public init(
    split: Split, directory: String = FashionMNIST.defaultDirectory, limit: Int? = nil, imageSize: Int = 28
  ) throws(DataError) {
    precondition(imageSize >= Self.imageSide, "FashionMNIST: imageSize \(imageSize) is below 28")
    let (imagesPath, labelsPath) = try Self.locateFiles(split: split, directory: directory)
    let imageFile = try IDXFile(contentsOf: imagesPath, limit: limit)
    let labelFile = try IDXFile(contentsOf: labelsPath, limit: limit)
    let side = Self.imageSide
    guard imageFile.fileDimensions.count == 3, imageFile.fileDimensions[1] == side,
      imageFile.fileDimensions[2] == side
    else {
      throw .inconsistent(
        path: imagesPath, reason: "expected images of shape [N, 28, 28], the header says \(imageFile.fileDimensions)")
    }
    guard labelFile.fileDimensions.count == 1 else {
      throw .inconsistent(
        path: labelsPath, reason: "expected labels of shape [N], the header says \(labelFile.fileDimensions)")
    }
    guard imageFile.fileDimensions[0] == labelFile.fileDimensions[0] else {
      throw .inconsistent(
        path: labelsPath,
        reason: "\(labelFile.fileDimensions[0]) labels for \(imageFile.fileDimensions[0]) images in \(imagesPath)")
    }
    let labels = labelFile.bytes.map { Int($0) }
    if let bad = labels.firstIndex(where: { $0 >= Self.classNames.count }) {
      throw .badLabel(path: labelsPath, index: bad, value: labels[bad], classCount: Self.classNames.count)
    }
    let n = imageFile.itemCount
    self.split = split
    self.labels = labels
    self.images = Tensor(
      shape: [n, 1, imageSize, imageSize],
      scalars: PixelScaling.scaledImages(imageFile.bytes, count: n, side: side, paddedSide: imageSize))
  }

  /// The file names of a split, gzip'd as Debian ships them: `(images, labels)`.
  public static func fileNames(for split: Split) -> (images: String, labels: String) {
    ("\(split.filePrefix)-images-idx3-ubyte.gz", "\(split.filePrefix)-labels-idx1-ubyte.gz")
  }

  /// Whether both files of `split` are present in `directory` (with or without `.gz`).
  public static func isAvailable(split: Split, directory: String = defaultDirectory) -> Bool {
    (try? locateFiles(split: split, directory: directory)) != nil
  }

  /// The paths of a split's images and labels in `directory`, preferring the `.gz` names.
  static func locateFiles(split: Split, directory: String) throws(DataError) -> (images: String, labels: String) {
    let names = fileNames(for: split)
    return (try locate(names.images, in: directory), try locate(names.labels, in: directory))
  }

  private static func locate(_ gzName: String, in directory: String) throws(DataError) -> String {
    let base = directory.hasSuffix("/") ? directory : directory + "/"
    let plainName = String(gzName.dropLast(3))
    for name in [gzName, plainName] where FileManager.default.fileExists(atPath: base + name) {
      return base + name
    }
    throw .datasetNotFound(
      name: "Fashion-MNIST", directory: directory, missing: "\(gzName) (or \(plainName))",
      hint: DataError.fashionMNISTHint)
  }
}
