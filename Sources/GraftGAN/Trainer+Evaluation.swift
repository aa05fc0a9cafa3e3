import Foundation
import GraftData
import GraftEngine
import GraftIO
import GraftLayers
import GraftOptimizers
import GraftRun

/// The run measured: samples from its sampling generator, mode coverage or recovered modes, image
/// metrics through an evaluator, the summary.
extension Trainer {
  /// The generator used for samples and evaluation: the EMA copy when there is one.
  public var sampler: AnyLayer { ema ?? players.generator }

  /// The run's metrics now: mode coverage for mixtures, recovered modes for the synthetic setting.
  public func evaluate() -> (mixture: MixtureCoverage?, theory: TheoryRecovery?) {
    switch reference {
    case .mixture(let centers, let std, _):
      return (
        MixtureCoverage(samples: evaluationSamples(config.evaluationSamples), centers: centers, standardDeviation: std),
        nil
      )
    case .theory(let modes):
      let fake = evaluationSamples(config.evaluationSamples)
      // G(z) = zV: the one-hot codes in order give the neurons' vectors, exactly.
      let neurons = withoutGradients { sampler(game.latent.basis) }
      return (nil, TheoryRecovery(neurons: neurons, modes: modes, samples: fake))
    case .images:
      return (nil, nil)
    }
  }

  /// `count` samples from the sampling generator, drawn with the evaluation seed (the same latent vectors
  /// at every evaluation), in batches, in evaluation mode or (`batchNormTraining`) with batch norm using
  /// each batch's statistics; the running statistics are left as they were either way.
  public func evaluationSamples(_ count: Int, batchSize: Int = 500, batchNormTraining: Bool = false) -> Tensor<Float> {
    var g = RandomGenerator(seed: evaluationSeed)
    let z = game.latent.sample(count, generator: &g)
    // Training mode moves the running statistics (shared boxes): put them back afterwards.
    var generator = players.generator
    let saved = generator.bufferPaths.map { ($0.keyPath, generator[keyPath: $0.keyPath]) }
    defer { for (path, value) in saved { generator[keyPath: path] = value } }
    let batches = stride(from: 0, to: count, by: batchSize).map { start in
      withLearningPhase(training: batchNormTraining) {
        withoutGradients { sampler(z[start..<min(start + batchSize, count)]) }
      }
    }
    return Tensor.concatenated(batches, alongAxis: 0)
  }

  /// Whether the generator has batch norm (so that its samples depend on the learning phase).
  public var generatorHasBatchNorm: Bool { !players.generator.bufferPaths.isEmpty }

  /// The run's metrics now as a JSON object: mixture coverage, recovered modes, or (with an
  /// `imageEvaluator`) image metrics of `evaluationSamples` samples.
  public func evaluation(batchNormTraining: Bool = false) throws -> Evaluation {
    let (mixture, theory) = evaluate()
    if let mixture { return .mixture(mixture) }
    if let theory { return .theory(theory) }
    if let imageEvaluator {
      let samples = evaluationSamples(config.evaluationSamples, batchNormTraining: batchNormTraining)
      return .images(try imageEvaluator(samples))
    }
    return .other(.object([]))
  }

  func summary(status: RunStatus, seconds: Double, steps: Int) throws -> TrainingSummary {
    let (mixture, theory) = evaluate()
    if !lastLosses.discriminator.isFinite || !lastLosses.generator.isFinite, let logged = loggedLosses(atStep: step) {
      game.state.lastLosses = logged
    }
    return TrainingSummary(
      status: status, steps: step, wallSeconds: seconds, stepsPerSecond: seconds > 0 ? Double(steps) / seconds : 0,
      discriminatorLoss: lastLosses.discriminator, generatorLoss: lastLosses.generator, mixture: mixture,
      theory: theory, theoryTimeline: theory == nil ? nil : TheoryTimeline(metrics: run.metrics),
      peakResidentMegabytes: Runtime.peakResidentMegabytes, provenance: .current)
  }
}
