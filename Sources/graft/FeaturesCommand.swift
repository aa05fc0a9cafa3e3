import ArgumentParser
import Foundation
import GraftEngine
import GraftEval
import GraftIO

/// `graft features inception`: pytorch-fid's Inception features (or logits) of images in a .npy file.
struct FeaturesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "features",
    abstract: "Compute image features in a standard network (for FID and the Inception Score).",
    subcommands: [Inception.self])

  /// `graft features inception --weights W --images IN.npy --out OUT.npy [--logits]`.
  struct Inception: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "pytorch-fid's Inception-v3: 2048 pool features (or with --logits the 1008 logits) per image.",
      discussion:
        "IN.npy holds float32 images [N, C, H, W] in [0, 1], C = 3 (RGB) or 1 (grayscale, replicated to three channels); each is resized to 299x299 (bilinear, as pytorch-fid) and scaled to [-1, 1]. OUT.npy gets float32 [N, 2048] (pytorch-fid's FID features) or, with --logits, [N, 1008] (the fc's output, bias included). The weights are pytorch-fid's pt_inception-2015-12-05-6726825d.pth (or safetensors with its names), read without running any code from the file."
    )

    @Option(
      help:
        "pytorch-fid's weights: pt_inception-2015-12-05-6726825d.pth, or safetensors with its names (default: the copy in the cache, $GRAFT_CACHE_DIR or $XDG_CACHE_HOME/graft, downloaded once and verified)."
    )
    var weights: String?
    @Option(help: "The images: a .npy of float32 [N, C, H, W] in [0, 1].") var images: String
    @Option(help: "Where to write the features (.npy).") var out: String
    @Flag(help: "Write the 1008 logits instead of the 2048 pool features.") var logits = false
    @Flag(help: "The images are in [-1, 1] (a tanh generator's range, as graft sample --npy writes them), not [0, 1].")
    var minusOneToOne = false
    @Option(help: "Images per forward pass (memory grows with it).") var batchSize: Int = 25

    func validate() throws {
      guard batchSize > 0 else { throw ValidationError("--batch-size must be positive, got \(batchSize)") }
    }

    func run() throws {
      let file = try InceptionWeights.locate(path: weights, flag: "--weights") { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
      }
      let network = try FIDInceptionV3(weightsAt: file)
      Runtime.takeEveryBlockFromTheHeap()
      var input = try NPY.read(URL(fileURLWithPath: images), as: Float.self)
      if minusOneToOne { input = input * 0.5 + 0.5 }
      let start = Date()
      let output = try network.features(of: input, batchSize: batchSize)
      let seconds = Date().timeIntervalSince(start)
      let result = logits ? output.logits : output.pool
      try NPY.write(result, to: URL(fileURLWithPath: out))
      let rate = Double(input.shape[0]) / max(seconds, 1e-9)
      FileHandle.standardError.write(
        Data(
          "graft: wrote \(out) \(result.shape) (\(input.shape[0]) images in \(String(format: "%.1f", seconds)) s, \(String(format: "%.1f", rate)) images/s)\n"
            .utf8))
    }
  }
}
