import Foundation
import GraftGAN
import GraftOptimizers
import GraftGANTestSupport
import GraftRun
import GraftTestSupport
import Testing

/// metrics.jsonl's per-group norms: what every optimizer has, and what a grafted one reports of its own.
@Suite("Per-group norms in metrics.jsonl")
struct MetricsLineTests {
  /// A grafted generator's lines have `g_magnitude_norm` and `g_direction_norm` for every group, the
  /// magnitude equal to the applied step's norm (grafting's identity); a plain Adam discriminator's have
  /// neither.
  @Test func graftedPlayerLogsMagnitudeAndDirection() throws {
    var config = smallConfig()
    config.steps = 10
    config.logEvery = 5
    config.generatorOptimizer = .adaNSGDA
    config.discriminatorOptimizer = .adam
    let trainer = try Trainer(config: config, directory: temporaryDirectory("components"))
    try trainer.train(log: { _ in })
    let lines = try String(contentsOf: trainer.run.metrics, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 2)
    for text in lines {
      let line = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
      let update = try #require(line["g_update_norm"] as? [String: Double])
      let magnitude = try #require(line["g_magnitude_norm"] as? [String: Double])
      let direction = try #require(line["g_direction_norm"] as? [String: Double])
      #expect(Set(magnitude.keys) == Set(update.keys) && Set(direction.keys) == Set(update.keys))
      for (group, norm) in update {
        #expect(abs(magnitude[group]! - norm) <= 1e-5 * norm, "\(group): ‖Δᴹ‖ \(magnitude[group]!) vs ‖Δ‖ \(norm)")
        #expect(direction[group]! > 0)
      }
      #expect(line["d_update_norm"] != nil)
      #expect(line.keys.filter { $0.hasPrefix("d_") }.sorted() == ["d_grad_norm", "d_update_norm"])
    }
  }
}
