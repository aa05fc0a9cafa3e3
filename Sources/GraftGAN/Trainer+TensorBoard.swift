import Foundation
import GraftEngine
import GraftLayers
import GraftOptimizers
import GraftRun
import GraftTensorBoard

/// What a run shows in TensorBoard (RUN/tensorboard, see `EventFileWriter` for how a resumed run avoids
/// logging a step twice). Tags are metrics.jsonl's keys, a per-group value's as `key/group`
/// (`g_grad_norm/0.weight`), so that TensorBoard groups each quantity's layers together and the Python
/// reader's columns have the same names; evaluations are `eval/<metric>`.
extension Trainer {
  /// The run's event writer, opened for a `train` call: cut back to the steps up to the current one.
  func openTensorBoard() throws -> EventFileWriter? {
    guard config.tensorboard else { return nil }
    return try EventFileWriter(directory: run.tensorboard, keepingStepsThrough: step)
  }

  /// The numbers of a metrics.jsonl line (but the step and the elapsed time, which TensorBoard keeps
  /// itself), plus the G/D magnitude ratio of the applied updates and, for grafted optimizers, of their
  /// magnitude parts: the report's aggregate ratio (`GroupOrdering.meanRatio` over the layers).
  func tensorBoardScalars(_ line: [String: Any]) -> [(tag: String, value: Float)] {
    var scalars = Self.numbers(line, prefix: "").filter { $0.tag != "step" && $0.tag != "time" }
    for field in ["update_norm", "magnitude_norm"] {
      guard let g = line["g_\(field)"] as? [String: Float], let d = line["d_\(field)"] as? [String: Float] else {
        continue
      }
      let ratio = GroupOrdering.meanRatio(
        g.mapValues(Double.init), layers: GroupOrdering.layers(g.keys, shapes: generatorShapes),
        over: d.mapValues(Double.init), layers: GroupOrdering.layers(d.keys, shapes: discriminatorShapes))
      scalars.append((field == "update_norm" ? "magnitude_ratio" : "magnitude_ratio/grafted", Float(ratio)))
    }
    return scalars
  }

  /// An evaluation's numbers (mode coverage, FID, KID, ...) as `eval/<name>`.
  static func evaluationScalars(_ evaluation: Any) -> [(tag: String, value: Float)] {
    (evaluation as? [String: Any]).map { numbers($0, prefix: "eval/") } ?? []
  }

  /// Histograms of both players' weights, tagged `weights/generator/<name>` and `weights/discriminator/<name>`;
  /// the generator's are those it samples with (its moving average when the run keeps one).
  func logWeightHistograms(to writer: EventFileWriter) throws {
    let weights = [("generator", sampler), ("discriminator", players.discriminator)].flatMap { player, model in
      zip(model.parameterNames, model.parameters).map { name, tensor in
        (tag: "weights/\(player)/\(name)", values: tensor.scalars)
      }
    }
    try writer.addHistograms(weights, step: step)
  }

  /// Parameter shapes by name: what tells a layer's weight matrix or kernel (rank ≥ 2) from a bias.
  private var generatorShapes: [String: [Int]] { Self.shapes(players.generator) }
  private var discriminatorShapes: [String: [Int]] { Self.shapes(players.discriminator) }

  private static func shapes(_ model: AnyLayer) -> [String: [Int]] {
    Dictionary(zip(model.parameterNames, model.parameters.map(\.shape)), uniquingKeysWith: { a, _ in a })
  }

  /// The numeric leaves of a JSON-like object, nested keys joined with "/", in key order.
  private static func numbers(_ object: [String: Any], prefix: String) -> [(tag: String, value: Float)] {
    object.keys.sorted().flatMap { key -> [(tag: String, value: Float)] in
      switch object[key] {
      case let nested as [String: Any]: return numbers(nested, prefix: prefix + key + "/")
      case let v as Float: return [(prefix + key, v)]
      case let v as Double: return [(prefix + key, Float(v))]
      case let v as Int: return [(prefix + key, Float(v))]
      default: return []
      }
    }
  }
}
