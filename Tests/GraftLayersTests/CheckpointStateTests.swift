import Foundation
import GraftEngine
import GraftIO
import GraftLayers
import GraftOptimizers
import GraftTestSupport
import Testing

@Suite("Model and optimizer checkpoints")
struct CheckpointStateTests {
  /// Two steps, save, two more steps; versus two steps, save, load into fresh objects, two more steps.
  @Test(arguments: ["adam", "ada-nsgda", "nsgda", "rmsprop", "sgda"])
  func resumedOptimizerContinuesIdentically(_ name: String) throws {
    var rng = RandomGenerator(seed: 5)
    var model = NestedGenerator(generator: &rng)
    let settings = OptimizerSettings(learningRate: 0.01, momentum: 0.5)
    var (optimizer, grouping) = try makeOptimizer(name, settings)
    let x = Tensor<Float>(randomNormal: [2, 2, 3, 3], generator: &rng)
    func step(_ m: inout NestedGenerator, _ o: inout any Optimizer) throws {
      let (_, g) = try m.valueWithGradient { $0(x).squared().mean() }
      o.update(&m, along: g, grouping: grouping)
    }
    for _ in 0..<2 { try step(&model, &optimizer) }
    var checkpoint = Checkpoint()
    checkpoint.store(model, prefix: "generator")
    checkpoint.store(optimizer, parameterNames: model.parameterPaths.map(\.name), prefix: "optimizer")
    checkpoint.setGenerator(rng, forKey: "rng")
    let url = temporaryDirectory("ckpt").appendingPathComponent("state.safetensors")
    try checkpoint.save(to: url)

    // A fresh model (different initialisation, own batch-norm boxes) and optimizer, restored.
    var otherRNG = RandomGenerator(seed: 99)
    var restored = NestedGenerator(generator: &otherRNG)
    var restoredOptimizer = try makeOptimizer(name, settings).optimizer
    let loaded = try Checkpoint.load(from: url)
    try loaded.restore(&restored, prefix: "generator")
    try loaded.restore(&restoredOptimizer, of: restored, prefix: "optimizer")
    #expect(try loaded.generator(forKey: "rng") == rng)
    #expect(restoredOptimizer.step == 2)

    for _ in 0..<2 {
      try step(&model, &optimizer)
      try step(&restored, &restoredOptimizer)
    }
    for (a, b) in zip(
      model.parameters + model.namedBuffers.map(\.value), restored.parameters + restored.namedBuffers.map(\.value))
    {
      #expect(a.scalars == b.scalars)
    }
  }

  @Test func loadingErrorsNameTheTensor() throws {
    var rng = RandomGenerator(seed: 6)
    let model = NestedGenerator(generator: &rng)
    var checkpoint = Checkpoint()
    checkpoint.store(model, prefix: "g")
    checkpoint["g.head.2.weight"] = nil
    var target = model
    do {
      try checkpoint.restore(&target, prefix: "g")
      Issue.record("a missing tensor was not reported")
    } catch {
      #expect("\(error)".contains("g.head.2.weight"))
    }
    checkpoint["g.head.2.weight"] = Tensor(zeros: [1, 3, 5, 5])
    do {
      try checkpoint.restore(&target, prefix: "g")
      Issue.record("a wrong shape was not reported")
    } catch {
      #expect("\(error)".contains("g.head.2.weight") && "\(error)".contains("[1, 3, 5, 5]"))
    }
    // Nothing was written into the model by the failed loads.
    #expect(target.parameters.map(\.scalars) == model.parameters.map(\.scalars))

    // A truncated file: the message names a tensor whose bytes are missing.
    var full = Checkpoint()
    full.store(model, prefix: "g")
    let url = temporaryDirectory("ckpt").appendingPathComponent("cut.safetensors")
    try full.save(to: url)
    let bytes = try Data(contentsOf: url)
    try bytes.prefix(bytes.count - 40).write(to: url)
    do {
      _ = try Checkpoint.load(from: url)
      Issue.record("a truncated file was not reported")
    } catch {
      #expect("\(error)".contains("truncated") && "\(error)".contains("tensor 'g.block1.bn2.running_mean'"), "\(error)")
    }
  }

  /// A state tensor of another size (a corrupt or foreign checkpoint) is refused by name on load, not
  /// read past its end by the optimizer's kernel; a grafted optimizer's prefixed state too.
  @Test(arguments: [
    ("adam", "exp_avg_sq"), ("ada-nsgda", "magnitude.exp_avg_sq"), ("sgda-ada", "direction.exp_avg"),
  ])
  func optimizerStateOfAnotherShapeIsRefused(_ optimizerName: String, _ key: String) throws {
    var rng = RandomGenerator(seed: 6)
    var model = NestedGenerator(generator: &rng)
    var (optimizer, grouping) = try makeOptimizer(optimizerName, OptimizerSettings(learningRate: 0.01))
    let x = Tensor<Float>(randomNormal: [2, 2, 3, 3], generator: &rng)
    let (_, g) = try model.valueWithGradient { $0(x).squared().mean() }
    optimizer.update(&model, along: g, grouping: grouping)
    var checkpoint = Checkpoint()
    checkpoint.store(optimizer, parameterNames: model.parameterPaths.map(\.name), prefix: "optimizer")
    let name = "optimizer." + model.parameterPaths[0].name + "." + key
    #expect(checkpoint[name] != nil, "the checkpoint has no \(name)")
    checkpoint[name] = Tensor<Float>(zeros: [1])
    var fresh = try makeOptimizer(optimizerName, OptimizerSettings(learningRate: 0.01)).optimizer
    do {
      try checkpoint.restore(&fresh, of: model, prefix: "optimizer")
      Issue.record("\(optimizerName): a \(key) of shape [1] was accepted")
    } catch let error as GraftIOError {
      #expect("\(error)".contains(name), "\(error)")
    }
  }
}
