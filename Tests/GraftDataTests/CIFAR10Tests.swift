import GraftData
import GraftEngine
import Testing

@Suite("CIFAR-10 binary batches")
struct CIFAR10Tests {
  /// Record `i`: label `label`, red plane all `10 + i`, green value = row, blue value = 100 + column.
  static func record(_ i: Int, label: UInt8) -> [UInt8] {
    let red = [UInt8](repeating: UInt8(10 + i), count: 1024)
    let green = (0..<32).flatMap { r in [UInt8](repeating: UInt8(r), count: 32) }
    let blue = (0..<32).flatMap { _ in (0..<32).map { UInt8(100 + $0) } }
    return CIFAR10.encodedRecord(label: label, pixels: red + green + blue)
  }

  static func scaled(_ byte: Int) -> Float { Float(byte) / 127.5 - 1 }

  @Test func batchFileRoundTrip() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = try dir.write(
      "test_batch.bin", Self.record(0, label: 3) + Self.record(1, label: 9) + Self.record(2, label: 0))
    let (images, labels) = try CIFAR10.readBatch(path: path)
    #expect(images.shape == [3, 3, 32, 32])
    #expect(labels == [3, 9, 0])
    for i in 0..<3 {
      for (r, c) in [(0, 0), (5, 17), (31, 31), (12, 3)] {
        #expect(images[i, 0, r, c] == Self.scaled(10 + i))
        #expect(images[i, 1, r, c] == Self.scaled(r))
        #expect(images[i, 2, r, c] == Self.scaled(100 + c))
      }
    }
    let split = try CIFAR10(split: .test, directory: dir.path, limit: 2)
    #expect(split.images.shape == [2, 3, 32, 32] && split.labels == [3, 9])
    #expect(CIFAR10.classNames[split.labels[0]] == "cat")
  }

  @Test func trainSplitReadsTheFiveBatchesInOrderAndFindsTheArchiveFolder() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let folder = try TemporaryDirectory.nested(in: dir, CIFAR10.archiveFolder)
    for b in 1...5 {
      try folder.write(
        "data_batch_\(b).bin", Self.record(2 * b, label: UInt8(b)) + Self.record(2 * b + 1, label: UInt8(b)))
    }
    let train = try CIFAR10(split: .train, directory: dir.path)
    #expect(train.count == 10)
    #expect(train.labels == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    #expect((0..<10).map { train.images[$0, 0, 0, 0] } == (0..<10).map { Self.scaled(12 + $0) })
    let firstThree = try CIFAR10(split: .train, directory: folder.path, limit: 3)
    #expect(firstThree.labels == [1, 1, 2])
  }

  @Test func lengthNotAMultipleOfTheRecordIsAnError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = try dir.write("test_batch.bin", Self.record(0, label: 1) + [1, 2, 3])
    let error = #expect(throws: DataError.self) { try CIFAR10.readBatch(path: path) }
    #expect(error == .badRecordLength(path: path, length: 3076, recordLength: 3073))
    #expect(error?.description.contains(path) == true && error?.description.contains("3073") == true)
    let empty = try dir.write("empty.bin", [])
    #expect(throws: DataError.badRecordLength(path: empty, length: 0, recordLength: 3073)) {
      try CIFAR10.readBatch(path: empty)
    }
  }

  @Test func labelsAboveNineAreAnError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let path = try dir.write("test_batch.bin", Self.record(0, label: 2) + Self.record(1, label: 10))
    #expect(throws: DataError.badLabel(path: path, index: 1, value: 10, classCount: 10)) {
      try CIFAR10.readBatch(path: path)
    }
  }

  @Test func missingBatchFileIsAnError() throws {
    let dir = try TemporaryDirectory()
    defer { dir.remove() }
    let error = #expect(throws: DataError.self) { try CIFAR10(split: .train, directory: dir.path) }
    #expect(error?.description.contains("CIFAR-10 not found in \(dir.path)") == true)
    #expect(error?.description.contains("data_batch_1.bin") == true)
  }
}

extension TemporaryDirectory {
  /// A directory `name` inside `parent` (removed with it).
  static func nested(in parent: TemporaryDirectory, _ name: String) throws -> TemporaryDirectory {
    try TemporaryDirectory(path: parent.file(name))
  }
}
