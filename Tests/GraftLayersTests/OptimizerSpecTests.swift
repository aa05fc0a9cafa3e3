import Foundation
import GraftEngine
import GraftLayers
import GraftOptimizers
import Testing

/// The optimizer `name` names, with the grouping it implies (what the trainer builds from a config).
func makeOptimizer(_ name: String, _ settings: OptimizerSettings) throws -> (
  optimizer: any Optimizer, grouping: Grouping
) {
  let spec = try OptimizerSpec(parsing: name)
  return (spec.make(settings), spec.grouping)
}

struct OptimizerSpecTests {
  @Test func namesReadBackAsWritten() throws {
    let names =
      OptimizerSpec.descriptions.map(\.spec.name) + [
        "graft:adam:sgd", "graft:sgd:adam", "graft:rmsprop:nsgd", "graft:graft:adam:sgd:rmsprop",
        "graft:adam:graft:nsgd:rmsprop", "graft:ada-nsgda:sgda-ada",
      ]
    for name in names {
      let spec = try OptimizerSpec(parsing: name)
      #expect(spec.name == name && "\(spec)" == name)
      let json = try JSONEncoder().encode(spec)
      #expect(String(decoding: json, as: UTF8.self) == "\"\(name)\"")
      #expect(try JSONDecoder().decode(OptimizerSpec.self, from: json) == spec)
    }
    // The aliases the parts of a graft are written with, and `sgd` for `sgda`.
    #expect(try OptimizerSpec(parsing: "sgd") == .sgda)
    #expect(try OptimizerSpec(parsing: "graft:sgda:nsgda") == .graft(magnitude: .sgda, direction: .nsgda))
    #expect(try OptimizerSpec(parsing: "graft:sgda:nsgda").name == "graft:sgd:nsgd")
    #expect(
      try OptimizerSpec(parsing: "graft:graft:adam:sgd:rmsprop")
        == .graft(magnitude: .graft(magnitude: .adam, direction: .sgda), direction: .rmsprop))
  }

  @Test func badNamesAreRefusedWithTheChoices() {
    for name in [
      "", "adamw", "graft", "graft:adam", "graft:adam:sgd:rmsprop", "graft:adam:lbfgs", "graft::sgd", "nsgd",
      "graft:nsgda-global:adam", "graft:graft:adam:sgd", "Adam",
    ] {
      #expect(throws: OptimizerNameError(name: name), "\(name)") { try OptimizerSpec(parsing: name) }
    }
    let message = OptimizerNameError(name: "adamw").description
    #expect(message.contains("unknown optimizer 'adamw'") && message.contains("ada-nsgda"))
    #expect(message.contains("graft:M:D"))
    #expect(throws: DecodingError.self) { try JSONDecoder().decode(OptimizerSpec.self, from: Data(#""adamw""#.utf8)) }
  }

  @Test func specsBuildTheirOptimizers() throws {
    let s = OptimizerSettings(learningRate: 0.01, momentum: 0.5)
    #expect(OptimizerSpec.adaNSGDA.make(s).kind == "graft:adam:sgd")
    #expect(OptimizerSpec.sgdaAda.make(s).kind == "graft:sgd:adam")
    #expect(OptimizerSpec.nsgdaGlobal.make(s).kind == "nsgd" && OptimizerSpec.nsgdaGlobal.grouping == .global)
    #expect(OptimizerSpec.nsgda.grouping == .perTensor)
    let nested = try OptimizerSpec(parsing: "graft:graft:adam:sgd:rmsprop").make(s)
    #expect(nested.kind == "graft:graft:adam:sgd:rmsprop" && nested.learningRate == 0.01)
  }

  /// A step at a given rate is the step of the same optimizer made with that rate: the rate is an
  /// argument of the step, not state (the trainer's schedule passes it every step).
  @Test(arguments: ["sgda", "adam", "rmsprop", "nsgda", "ada-nsgda", "sgda-ada", "graft:graft:adam:sgd:rmsprop"])
  func aStepsRateIsItsArgument(_ name: String) throws {
    var rng = RandomGenerator(seed: 11)
    let parameters = [
      Tensor<Float>(randomNormal: [3, 4], generator: &rng), Tensor<Float>(randomNormal: [4], generator: &rng),
    ]
    let groups = Grouping.perTensor.groups(for: ["w", "b"])
    let spec = try OptimizerSpec(parsing: name)
    var given = spec.make(OptimizerSettings(learningRate: 0.1, momentum: 0.3))
    var built = spec.make(OptimizerSettings(learningRate: 0.1, momentum: 0.3))
    for rate in [0.02, 0.007, 0.05] {
      let gradients = parameters.map { Tensor<Float>(randomNormal: $0.shape, generator: &rng) }
      let a = given.advance(gradients: gradients, parameters: parameters, groups: groups, learningRate: rate)
      // The same optimizer made with `rate` and the state `given` had. A graft's direction keeps its
      // own rate (its step is normalized, so the rate only changes its rounding).
      var reference = Self.made(spec, rate: rate, base: 0.1)
      reference.step = built.step
      reference.state = built.state
      let b = reference.advance(gradients: gradients, parameters: parameters, groups: groups)
      _ = built.advance(gradients: gradients, parameters: parameters, groups: groups, learningRate: rate)
      #expect(a.updates.map(\.scalars) == b.updates.map(\.scalars), "\(name) at \(rate)")
      #expect(given.state.map { $0.mapValues(\.scalars) } == built.state.map { $0.mapValues(\.scalars) })
      // The optimizer's own rate is untouched by the steps.
      #expect(given.learningRate == 0.1)
    }
  }

  private static func made(_ spec: OptimizerSpec, rate: Double, base: Double) -> any Optimizer {
    switch spec {
    case .graft(let m, let d):
      GraftedOptimizer(
        magnitude: made(m, rate: rate, base: base),
        direction: d.make(OptimizerSettings(learningRate: base, momentum: 0.3)))
    case .adaNSGDA: made(.graft(magnitude: .adam, direction: .sgda), rate: rate, base: base)
    case .sgdaAda: made(.graft(magnitude: .sgda, direction: .adam), rate: rate, base: base)
    default: spec.make(OptimizerSettings(learningRate: rate, momentum: 0.3))
    }
  }
}
