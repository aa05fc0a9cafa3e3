import Foundation
import GraftData
import GraftEngine
import Testing

@Suite("Fashion-MNIST from IDX files")
struct FashionMNISTTests {
  /// Writes a small fake test split: `n` images whose pixel (r, c) of image i is (i + r + c) mod 256,
  /// labels i mod 10; gzip'd or not.
  static func writeFixture(
    in dir: TemporaryDirectory, n: Int, gzip: Bool, labelCount: Int? = nil, labels: [UInt8]? = nil
  ) throws {
    let pixels = (0..<n).flatMap { i in (0..<28).flatMap { r in (0..<28).map { c in UInt8((i + r + c) % 256) } } }
    let labelBytes = labels ?? (0..<(labelCount ?? n)).map { UInt8($0 % 10) }
    let images = IDXFile.encoded(dimensions: [n, 28, 28], bytes: pixels)
    let labelFile = IDXFile.encoded(dimensions: [labelBytes.count], bytes: labelBytes)
    if gzip {
      try dir.writeGzip("t10k-images-idx3-ubyte.gz", images)
      try dir.writeGzip("t10k-labels-idx1-ubyte.gz", labelFile)
    } else {
      try dir.write("t10k-images-idx3-ubyte", images)
      try dir.write("t10k-labels-idx1-ubyte", labelFile)
    }
  }

  @Test(arguments: [true, false])
  func fixtureLoadsScaledAndPadded(gzip: Bool) throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.writeFixture(in: dir, n: 12, gzip: gzip)
    #expect(FashionMNIST.isAvailable(split: .test, directory: dir.path))
    #expect(!FashionMNIST.isAvailable(split: .train, directory: dir.path))
    let data = try FashionMNIST(split: .test, directory: dir.path)
    #expect(data.images.shape == [12, 1, 28, 28])
    #expect(data.labels == (0..<12).map { $0 % 10 })
    #expect(data.images[3, 0, 5, 7] == Float(3 + 5 + 7) / 127.5 - 1)
    let padded = try FashionMNIST(split: .test, directory: dir.path, limit: 5, imageSize: 32)
    #expect(padded.images.shape == [5, 1, 32, 32])
    #expect(padded.count == 5)
    for i in 0..<5 {
      for r in 0..<32 {
        for c in 0..<32 {
          let inside = (2..<30).contains(r) && (2..<30).contains(c)
          let expected = inside ? data.images[i, 0, r - 2, c - 2] : -1
          #expect(padded.images[i, 0, r, c] == expected)
        }
      }
    }
  }

  @Test func pixelScalingMapsTheByteRangeOntoMinusOneToOne() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    var pixels = [UInt8](repeating: 0, count: 784)
    pixels[1] = 255
    pixels[2] = 128
    try dir.write("t10k-images-idx3-ubyte", IDXFile.encoded(dimensions: [1, 28, 28], bytes: pixels))
    try dir.write("t10k-labels-idx1-ubyte", IDXFile.encoded(dimensions: [1], bytes: [9]))
    let data = try FashionMNIST(split: .test, directory: dir.path)
    let expected: [Float] = [-1, 1, Float(128) / 127.5 - 1]
    #expect(Array(data.images.scalars[0..<3]) == expected)
    #expect(FashionMNIST.classNames[data.labels[0]] == "Ankle boot")
    #expect(FashionMNIST.classNames.count == 10)
  }

  @Test func missingFilesSayHowToInstallTheDataSet() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let error = #expect(throws: DataError.self) { try FashionMNIST(split: .train, directory: dir.path) }
    let message = error?.description ?? ""
    #expect(message.contains("Fashion-MNIST not found in \(dir.path)"))
    #expect(message.contains("apt-get install dataset-fashion-mnist"))
    #expect(message.contains("/usr/share/datasets/fashion-mnist"))
    #expect(message.contains("--data-dir"))
  }

  @Test func imageAndLabelCountsMustAgree() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.writeFixture(in: dir, n: 4, gzip: true, labelCount: 5)
    let error = #expect(throws: DataError.self) { try FashionMNIST(split: .test, directory: dir.path, limit: 2) }
    #expect(error?.description.contains("5 labels for 4 images") == true)
  }

  @Test func labelsOutsideTheTenClassesAreRefused() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    try Self.writeFixture(in: dir, n: 3, gzip: false, labels: [1, 10, 2])
    #expect(throws: DataError.badLabel(path: dir.file("t10k-labels-idx1-ubyte"), index: 1, value: 10, classCount: 10)) {
      try FashionMNIST(split: .test, directory: dir.path)
    }
  }

  @Test(
    .enabled(
      if: FashionMNIST.isAvailable(split: .test),
      "Fashion-MNIST is not installed in \(FashionMNIST.defaultDirectory) (apt-get install dataset-fashion-mnist): skipped"
    ))
  func realTestSplitFirstThousand() throws {
    let data = try FashionMNIST(split: .test, limit: 1000)
    #expect(data.images.shape == [1000, 1, 28, 28])
    #expect(data.labels.count == 1000)
    #expect(data.labels.allSatisfy { (0..<10).contains($0) })
    #expect(Set(data.labels).count == 10)
    #expect(data.images.scalars.min() == -1 && data.images.scalars.max() == 1)
    #expect(data.images.scalars.allSatisfy { $0 >= -1 && $0 <= 1 })
    // The first test image is an ankle boot (label 9) in the published files.
    #expect(data.labels[0] == 9)
    let padded = try FashionMNIST(split: .test, limit: 1000, imageSize: 32)
    #expect(padded.images.shape == [1000, 1, 32, 32])
    let p = padded.images.scalars
    for i in 0..<1000 {
      let image = i * 1024
      for k in 0..<32 {
        for (r, c) in [(0, k), (1, k), (30, k), (31, k), (k, 0), (k, 1), (k, 30), (k, 31)] {
          #expect(p[image + r * 32 + c] == -1)
        }
      }
    }
    #expect(padded.images[17, 0, 2 + 14, 2 + 9] == data.images[17, 0, 14, 9])
  }
}
