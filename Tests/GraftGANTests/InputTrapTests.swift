import Foundation
import GraftEngine
import GraftGAN
import GraftGANTestSupport
import GraftIO
import GraftRun
import GraftTestSupport
import Testing

/// Inputs that once ended on a Swift trap: each now gives a message or the right behaviour.
@Suite("No traps from input")
struct InputTrapTests {
  /// A diverging generator's points (huge, infinite, NaN) once trapped converting to pixel coordinates.
  @Test func scatterPlotsLeaveOutHugeAndNonFinitePoints() throws {
    let points: [Float] = [0, 0, 1e30, -1e30, .infinity, 1, .nan, 0, -.infinity, .nan, 2.9, -2.9]
    let generated = Tensor(shape: [points.count / 2, 2], scalars: points)
    let url = temporaryDirectory("scatter").appendingPathComponent("scatter.png")
    try Pictures.writeScatter(
      real: Tensor(shape: [1, 2], scalars: [.nan, 1e38]), generated: generated, centers: [[0, 0], [1e35, 0]],
      extent: 3, to: url)
    #expect(try Data(contentsOf: url).count > 100)
  }

  /// A batch larger than the images there are trapped in the image loader.
  @Test func aBatchLargerThanTheImagesIsRefused() throws {
    let data = temporaryDirectory("few-images")
    try idxFile(magic: 0x0803, dimensions: [10, 28, 28], body: [UInt8](repeating: 0, count: 10 * 28 * 28))
      .write(to: data.appendingPathComponent("train-images-idx3-ubyte"))
    try idxFile(magic: 0x0801, dimensions: [10], body: [UInt8](repeating: 1, count: 10))
      .write(to: data.appendingPathComponent("train-labels-idx1-ubyte"))
    var config = smallConfig(dataset: .fashionMNIST)
    config.dataDirectory = data.path
    config.dataLimit = 8
    config.batchSize = 16
    let message = thrownMessage { _ = try Trainer(config: config, directory: temporaryDirectory("few-images-run")) }
    #expect(
      message == "--batch-size 16 is larger than the 8 images loaded (--data-limit 8); lower --batch-size to at "
        + "most 8 or raise --data-limit")
    config.batchSize = 8
    _ = try Trainer(config: config, directory: temporaryDirectory("few-images-run-ok"))
  }

  /// An oversized model is refused, with the memory it needs, before anything is allocated or written.
  @Test(arguments: [["--width", "1000000"], ["--dataset", "fashion-mnist", "--model", "dcgan", "--width", "100000"]])
  func anOversizedModelIsRefusedWithTheMemoryItNeeds(_ flags: [String]) throws {
    let out = temporaryDirectory("oversized").appendingPathComponent("run")
    let (status, output) = try runGraft(["train", "--steps", "1", "--out", out.path] + flags)
    #expect(status != 0)
    #expect(output.contains("needs about") && output.contains("GiB available; lower --width"), "\(output)")
    #expect(!output.contains("Fatal error"), "\(output)")
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  /// An IDX file: magic, big-endian dimensions, then the bytes.
  private func idxFile(magic: UInt32, dimensions: [UInt32], body: [UInt8]) -> Data {
    var data = Data()
    for word in [magic] + dimensions { withUnsafeBytes(of: word.bigEndian) { data.append(contentsOf: $0) } }
    data.append(contentsOf: body)
    return data
  }

  /// The diverging examples end in a result or a message, never a trap: SGDA at a generator rate
  /// of 1000 with the hinge loss (its points fly off the scatter plot), and latents of 1e30 given to
  /// `graft sample` (finite, so they are sampled; NaN ones are refused by name).
  @Test func divergingRunsAndHugeLatentsEndWithoutATrap() throws {
    let root = temporaryDirectory("diverge")
    let run = root.appendingPathComponent("run")
    let (status, output) = try runGraft(
      ["train", "--optimizer", "sgda", "--g-lr", "1000", "--loss", "hinge", "--steps", "400", "--out", run.path])
    #expect(status == 0 || status == 2, "\(output)")
    #expect(!output.contains("Fatal error") && output.contains("graft:"), "\(output)")
    let huge = root.appendingPathComponent("huge.npy")
    try NPY.write(Tensor<Float>(shape: [4, 16], repeating: 1e30), to: huge)
    let (sampled, text) = try runGraft(
      ["sample", run.path, "--latents", huge.path, "--npy", root.appendingPathComponent("out.npy").path])
    #expect(sampled == 0, "\(text)")
    let bad = root.appendingPathComponent("nan.npy")
    try NPY.write(Tensor<Float>(shape: [4, 16], repeating: .nan), to: bad)
    let (refused, message) = try runGraft(
      ["sample", run.path, "--latents", bad.path, "--npy", root.appendingPathComponent("out2.npy").path])
    #expect(refused != 0 && message.contains("NaN or infinite values"), "\(message)")
  }
}
