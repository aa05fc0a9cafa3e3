import Foundation
import GraftEngine
import GraftIO
import GraftTestSupport
import Testing

struct InterruptedWrite: Error {}

@Suite("Atomic writes: the target is old or new, never partial; no temporary files remain")
struct AtomicFileTests {
  @Test func savesLeaveOnlyTheTargetBehind() throws {
    try withTemporaryDirectory { dir in
      var file = SafeTensorsFile()
      file["w"] = .float(arbitraryFloats([4, 4], seed: 1))
      try file.write(to: dir.appendingPathComponent("a.safetensors"))
      try NPY.write(arbitraryFloats([3], seed: 2), to: dir.appendingPathComponent("b.npy"))
      try Checkpoint(tensors: [("x", Tensor([1, 2]))]).save(to: dir.appendingPathComponent("c.safetensors"))
      try AtomicFile.write(Data("hello".utf8), to: dir.appendingPathComponent("d.txt"))
      #expect(try directoryListing(dir) == ["a.safetensors", "b.npy", "c.safetensors", "d.txt"])
    }
  }

  @Test func savingOverAnExistingFileReplacesIt() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("model.safetensors")
      var big = SafeTensorsFile()
      big["w"] = .float(arbitraryFloats([100, 100], seed: 3))
      try big.write(to: url)
      let bigSize = try Data(contentsOf: url).count

      var small = SafeTensorsFile(metadata: ["version": "2"])
      small["v"] = .double(Tensor([1.5, 2.5]))
      try small.write(to: url)
      let back = try SafeTensorsFile.read(from: url)
      #expect(back.names == ["v"])
      #expect(back.metadata == ["version": "2"])
      #expect(try back.doubleTensor("v").scalars == [1.5, 2.5])
      #expect(try Data(contentsOf: url).count < bigSize)
      #expect(try directoryListing(dir) == ["model.safetensors"])
    }
  }

  @Test func aFailedWriteLeavesTheOldFileAndNoTemporaryFile() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("state.bin")
      try AtomicFile.write(Data("old contents".utf8), to: url)
      #expect(throws: InterruptedWrite.self) {
        try AtomicFile.write(to: url) { out in
          try out.write(Array("new conte".utf8))
          throw InterruptedWrite()
        }
      }
      #expect(try Data(contentsOf: url) == Data("old contents".utf8))
      #expect(try directoryListing(dir) == ["state.bin"])
    }
  }

  @Test func aFailedFirstWriteCreatesNothing() throws {
    try withTemporaryDirectory { dir in
      #expect(throws: InterruptedWrite.self) {
        try AtomicFile.write(to: dir.appendingPathComponent("new.bin")) { _ in throw InterruptedWrite() }
      }
      let listing = try directoryListing(dir)
      #expect(listing.isEmpty)
    }
  }

  @Test func streamedWritesArriveInOrder() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("s.bin")
      let big = [UInt8]((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
      try AtomicFile.write(to: url) { out in
        try out.write([1, 2, 3])
        try out.write(Data([4, 5]))
        try out.write(big)
      }
      #expect(try Data(contentsOf: url) == Data([1, 2, 3, 4, 5] + big))
    }
  }

  @Test func replacingKeepsTheFilesPermissions() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("private.npy")
      try NPY.write(Tensor<Float>([1]), to: url)
      try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
      try NPY.write(Tensor<Float>([2]), to: url)
      let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int
      #expect(permissions == 0o600)
      #expect(try NPY.read(url, as: Float.self).scalars == [2])
    }
  }

  @Test func aDirectoryAtTheTargetIsAnError() throws {
    try withTemporaryDirectory { dir in
      let url = dir.appendingPathComponent("taken")
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
      #expect(errorMessage { try AtomicFile.write(Data([1]), to: url) }.hasPrefix("cannot write \(url.path)"))
      #expect(try directoryListing(dir) == ["taken"])
    }
  }
}
