import ArgumentParser
import Foundation
import GraftEngine
import GraftGAN
import GraftIO
import GraftLayers
import GraftRun

/// `graft sample RUN_DIR`: samples from a run's generator as a PNG picture and/or a .npy array.
struct SampleCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sample", abstract: "Draw samples from a trained generator (PNG grid or scatter, .npy in/out).")

  @Argument(help: "The run directory.") var runDirectory: String
  @Option(help: "A checkpoint file instead of the run's latest.") var checkpoint: String?
  @Option(help: "Number of samples (ignored with --latents).") var count: Int = 64
  @Option(help: "Seed for the latent vectors.") var seed: UInt64 = 0
  @Option(help: "Latent vectors as a .npy array [N, latent] (e.g. from Python).") var latents: String?
  @Option(help: "Write the picture here (default RUN/samples/sampled.png).") var png: String?
  @Option(help: "Also write the samples as a .npy array here.") var npy: String?
  @Option(
    help: "Batch norm with its running statistics (eval, as PyTorch's model.eval()) or with the batch's own (train).")
  var bnMode: BatchNormMode = .eval

  /// How batch norm normalizes while sampling.
  enum BatchNormMode: String, ExpressibleByArgument, CaseIterable {
    case eval, train
  }

  func validate() throws {
    guard count > 0 else { throw ValidationError("--count must be positive, got \(count)") }
  }

  func run() throws {
    let directory = URL(fileURLWithPath: runDirectory)
    let trainer = try Trainer.load(directory, checkpoint: checkpoint.map { URL(fileURLWithPath: $0) })
    let z: Tensor<Float>
    if let latents {
      z = try NPY.read(URL(fileURLWithPath: latents), as: Float.self)
      let expected = LatentSampler(trainer.config).dimension
      guard z.rank == 2, z.shape[1] == expected else {
        throw ValidationError(
          "\(latents) has shape \(z.shape); this generator takes latent vectors of shape [N, \(expected)]")
      }
      guard z.scalars.allSatisfy(\.isFinite) else {
        throw ValidationError("\(latents) holds NaN or infinite values; latent vectors must be finite numbers")
      }
    } else {
      var rng = RandomGenerator(seed: seed)
      z = LatentSampler(trainer.config).sample(count, generator: &rng)
    }
    let samples = withLearningPhase(training: bnMode == .train) { withoutGradients { trainer.sampler(z) } }
    let picture =
      png.map { URL(fileURLWithPath: $0) } ?? RunDirectory(directory).samples.appendingPathComponent("sampled.png")
    let title = [
      "\(directory.lastPathComponent), step \(trainer.step)",
      "\(samples.shape[0]) samples, "
        + (latents.map { "latents from \(URL(fileURLWithPath: $0).lastPathComponent)" } ?? "latent seed \(seed)"),
      "batch norm in \(bnMode.rawValue) mode",
    ]
    if samples.rank == 4 {
      try Pictures.writeGrid(samples, title: title, to: picture)
      print("graft: wrote \(samples.shape[0]) samples to \(picture.path)")
    } else if samples.shape.last == 2, case .mixture(let centers, _, let extent) = trainer.reference {
      try Pictures.writeScatter(
        real: Tensor(zeros: [0, 2]), generated: samples, centers: centers, extent: extent, title: title, to: picture)
      print("graft: wrote a scatter of \(samples.shape[0]) samples to \(picture.path)")
    }
    if let npy {
      try NPY.write(samples, to: URL(fileURLWithPath: npy))
      print("graft: wrote samples of shape \(samples.shape) to \(npy)")
    }
  }
}
