import ArgumentParser
import Foundation
import GraftReport
import GraftRun

/// `graft layer-scales RUN`: per-layer learning-rate scales from a reference run's settled update norms.
struct LayerScalesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "layer-scales",
    abstract: "Per-layer learning-rate scales from a run's update norms (config-file form, for nSGDA).",
    discussion: """
      Each parameter's scale is its mean update norm (g_update_norm / d_update_norm in metrics.jsonl) over \
      the last --window of the logged steps, divided by the mean of those means over all parameters, so the \
      scales average 1. nSGDA with these scales and a learning rate equal to that overall mean (printed to \
      stderr) moves each layer by the reference run's settled step. The reference run should group per \
      tensor (the default for adam), so that its group names are parameter names.
      """)

  @Argument(help: "The reference run directory.") var runDirectory: String
  @Option(help: "Player: g or d.") var player: String = "g"
  @Option(help: "Fraction of the logged steps, from the end, to average over.") var window: Double = 0.25
  @Option(help: "Write the config object to this file instead of standard output.") var out: String?

  func validate() throws {
    guard ["g", "d"].contains(player) else { throw ValidationError("--player must be g or d, got \(player)") }
    guard window > 0, window <= 1 else { throw ValidationError("--window must be in (0, 1], got \(window)") }
  }

  func run() throws {
    let metrics = URL(fileURLWithPath: runDirectory).appendingPathComponent("metrics.jsonl")
    guard let text = try? String(contentsOf: metrics, encoding: .utf8) else {
      throw ValidationError("cannot read \(metrics.path)")
    }
    let who: Player = player == "g" ? .generator : .discriminator
    guard let derived = LayerScaleDerivation(log: MetricsLog(text: text), player: who, window: window) else {
      throw ValidationError("\(metrics.path) has no \(who.prefix)_\(NormKind.update.key) values")
    }
    let key = player == "g" ? "generatorLayerScales" : "discriminatorLayerScales"
    let json = derived.configJSON(key: key)
    FileHandle.standardError.write(
      Data(
        ("graft: \(derived.steps) logged steps; the mean update norm (an nSGDA --\(player)-lr that reproduces "
          + "them) is \(String(format: "%.6g", derived.referenceRate))\n").utf8))
    if let out {
      try json.write(toFile: out, atomically: true, encoding: .utf8)
      print("graft: wrote \(out)")
    } else {
      print(json, terminator: "")
    }
  }
}
