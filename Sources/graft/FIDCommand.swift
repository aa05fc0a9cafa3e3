import ArgumentParser
import Foundation
import GraftEval

/// `graft fid A B`: the Fréchet distance between two feature sets or pytorch-fid statistics files.
struct FIDCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "fid",
    abstract: "Print the Fréchet distance between two feature sets (FID when they are Inception features).",
    discussion:
      "Each argument is a pytorch-fid statistics file (.npz with mu and sigma, as pytorch_fid --save-stats writes) or a features file (.npy, float32 [N, F], e.g. from graft features inception). Prints the distance alone on standard output, computed as pytorch-fid's calculate_frechet_distance in double precision. --save-stats writes the statistics of the first argument as a pytorch-fid .npz (computed once, reused as a reference)."
  )

  @Argument(help: "The first set: .npz (mu, sigma) or .npy features [N, F].") var first: String
  @Argument(help: "The second set: .npz (mu, sigma) or .npy features [N, F].") var second: String
  @Option(help: "Also write the first set's statistics to this .npz (pytorch-fid's format).") var saveStats: String?

  func run() throws {
    let a = try FeatureStatistics(contentsOf: URL(fileURLWithPath: first))
    let b = try FeatureStatistics(contentsOf: URL(fileURLWithPath: second))
    guard a.dimension == b.dimension else {
      throw ValidationError(
        "\(first) has \(a.dimension) features per image and \(second) has \(b.dimension); compare sets from the same network"
      )
    }
    if let saveStats { try a.write(npzTo: URL(fileURLWithPath: saveStats)) }
    print(try frechetDistance(a, b))
  }
}
