import Foundation
import GraftIO
import GraftTensorBoard
import GraftTestSupport
import Testing

@Suite("Events file writer")
struct EventFileWriterTests {
  func steps(_ directory: URL) throws -> [Int] {
    try EventFiles.list(in: directory).flatMap { try EventFiles.read($0) }.filter { !$0.scalars.isEmpty }.map(\.step)
  }

  @Test func writesScalarsImagesAndHistogramsThatReadBack() throws {
    try withTemporaryDirectory { dir in
      let png = try PNG.encode(width: 3, height: 2, channels: 3, pixels: [UInt8](repeating: 7, count: 18))
      do {
        let writer = try EventFileWriter(directory: dir, keepingStepsThrough: 0)
        #expect(writer.file.lastPathComponent.hasPrefix("events.out.tfevents."))
        try writer.addScalars([("loss/d", 0.5), ("lr/g", 1e-3)], step: 10)
        try writer.addImage(tag: "samples", png: png, step: 10)
        try writer.addHistograms([("weights/w", [-1, 0, 0.5, 2, .nan]), ("weights/none", [.nan])], step: 10)
      }
      let files = try EventFiles.list(in: dir)
      #expect(files.count == 1)
      let events = try EventFiles.read(files[0])
      #expect(events.count == 4)
      #expect(events[0].fileVersion == "brain.Event:2")
      #expect(events[1].scalars == ["loss/d": 0.5, "lr/g": 1e-3])
      #expect(events[1].step == 10)
      let image = try #require(events[2].images["samples"])
      #expect(image.width == 3 && image.height == 2 && image.colorspace == 3 && image.encoded == png)
      #expect(events[3].histogramCounts == ["weights/w": 4])
    }
  }

  @Test func refusesBytesThatAreNotPNG() throws {
    try withTemporaryDirectory { dir in
      let writer = try EventFileWriter(directory: dir, keepingStepsThrough: 0)
      #expect(throws: TensorBoardError.self) { try writer.addImage(tag: "x", png: Data("GIF89a".utf8), step: 1) }
    }
  }

  /// A resume cuts the file back to the checkpoint's step (and drops a half-written record), then appends:
  /// every step once, in order, in one file.
  @Test func resumingCutsBackToTheCheckpointAndAppends() throws {
    try withTemporaryDirectory { dir in
      do {
        let writer = try EventFileWriter(directory: dir, keepingStepsThrough: 0)
        for step in 1...9 { try writer.addScalars([("loss", Float(step))], step: step) }
      }
      // A process killed while writing step 10's record.
      let file = try EventFiles.list(in: dir)[0]
      let handle = try FileHandle(forWritingTo: file)
      try handle.seekToEnd()
      try handle.write(contentsOf: Data([42, 0, 0, 0, 0, 0, 0, 0, 1, 2]))
      try handle.close()
      do {
        let writer = try EventFileWriter(directory: dir, keepingStepsThrough: 6)
        #expect(writer.file == file)
        for step in 7...12 { try writer.addScalars([("loss", Float(step) + 100)], step: step) }
      }
      #expect(try steps(dir) == Array(1...12))
      let events = try EventFiles.read(file)
      #expect(events.filter { $0.fileVersion != nil }.count == 1)
      #expect(events.first { $0.step == 6 }?.scalars["loss"] == 6)
      #expect(events.first { $0.step == 7 }?.scalars["loss"] == 107)
      #expect(TFRecord.records(in: try Data(contentsOf: file)).validLength == (try Data(contentsOf: file)).count)
    }
  }
}
