import Foundation
import GraftTensorBoard
import GraftTestSupport
import Testing

/// Against an events file written by TensorBoard's own Python code (Scripts/make-tensorboard-fixture.py).
@Suite("TensorBoard's Python events file")
struct PythonFixtureTests {
  let script = "Scripts/make-tensorboard-fixture.py"

  func fixture() throws -> URL {
    try fixtureURL("python-tensorboard.tfevents", in: Bundle.module, writtenBy: script)
  }

  @Test func readsItsEvents() throws {
    let events = try EventFiles.read(try fixture())
    #expect(events.count == 5)
    #expect(events.first?.fileVersion == "brain.Event:2")
    #expect(events.first?.wallTime == 1_700_000_000)
    for step in 1...3 {
      let event = events[step]
      #expect(event.step == step)
      #expect(event.scalars == ["loss/d": 0.25 * Float(step), "loss/g": -1.5 * Float(step)])
    }
    let last = try #require(events.last)
    #expect(last.step == 3)
    let image = try #require(last.images["samples"])
    #expect(image.width == 3 && image.height == 2 && image.colorspace == 1)
    #expect(image.encoded == Data([0x89]) + Data("PNG not decoded".utf8))
    #expect(last.histogramCounts == ["weights/w": 4])
  }

  /// Graft's framing of TensorBoard's payloads is TensorBoard's, byte for byte.
  @Test func framingIsByteIdentical() throws {
    let file = try Data(contentsOf: try fixture())
    let (records, valid) = TFRecord.records(in: file)
    #expect(valid == file.count)
    #expect(records.count == 5)
    #expect(records.map { TFRecord.frame($0.payload) }.reduce(Data(), +) == file)
  }
}
