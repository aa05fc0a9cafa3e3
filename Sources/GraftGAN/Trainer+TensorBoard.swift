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
  func tensorBoardScalars(_ line: TrainingMetrics) -> [(tag: String, value: Float)] {
    var scalars = line.tensorBoardScalars.map { ($0.tag, Float($0.value)) }
    for (kind, tag) in [(NormKind.update, "magnitude_ratio"), (.component("magnitude"), "magnitude_ratio/grafted")] {
      guard let g = line.generator[kind], let d = line.discriminator[kind] else { continue }
      let ratio = GroupOrdering.meanRatio(
        g, layers: GroupOrdering.layers(g.keys, shapes: generatorShapes),
        over: d, layers: GroupOrdering.layers(d.keys, shapes: discriminatorShapes))
      scalars.append((tag, Float(ratio)))
    }
    return scalars
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
}
