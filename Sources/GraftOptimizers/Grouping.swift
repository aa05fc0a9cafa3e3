import GraftEngine

/// A set of parameter tensors that an optimizer treats as one vector: normalized together (nSGDA),
/// grafted together, and reported together in diagnostics.
public struct ParameterGroup: Sendable, Equatable {
  /// The group's name: the parameter's name, the module's name, or "all".
  public let name: String
  /// Indices into the model's `parameterPaths`.
  public let indices: [Int]
  /// Multiplies the optimizer's learning rate for this group (per-group learning rates), in double
  /// precision like the rate itself.
  public var learningRateScale: Double

  public init(name: String, indices: [Int], learningRateScale: Double = 1) {
    self.name = name
    self.indices = indices
    self.learningRateScale = learningRateScale
  }
}

/// How a player's parameters are grouped. The paper's "layer-wise" is `.perTensor`, the default.
public enum Grouping: String, Sendable, CaseIterable, Codable, CustomStringConvertible {
  /// One group per parameter tensor (`block1.conv.weight`).
  case perTensor = "tensor"
  /// One group per module: the parameters whose names agree up to the last dot (`block1.conv`).
  case perModule = "module"
  /// One group for all of the player's parameters.
  case global = "global"

  public var description: String { rawValue }

  /// The groups for parameters with these names (in order), with optional learning-rate scales by
  /// group name.
  public func groups(for names: [String], learningRateScales: [String: Double] = [:]) -> [ParameterGroup] {
    var groups: [ParameterGroup] = []
    switch self {
    case .perTensor:
      groups = names.enumerated().map { ParameterGroup(name: $1, indices: [$0]) }
    case .global:
      groups = names.isEmpty ? [] : [ParameterGroup(name: "all", indices: Array(names.indices))]
    case .perModule:
      var order: [String] = []
      var members: [String: [Int]] = [:]
      for (i, name) in names.enumerated() {
        let module = name.split(separator: ".").dropLast().joined(separator: ".")
        let key = module.isEmpty ? "(root)" : module
        if members[key] == nil { order.append(key) }
        members[key, default: []].append(i)
      }
      groups = order.map { ParameterGroup(name: $0, indices: members[$0]!) }
    }
    for i in groups.indices {
      if let scale = learningRateScales[groups[i].name] { groups[i].learningRateScale = scale }
    }
    return groups
  }
}

/// The Euclidean norm of several tensors taken as one vector.
public func groupNorm(_ tensors: [Tensor<Float>]) -> Float {
  // Eight running sums, so that the loop vectorises instead of waiting on one addition chain.
  var sums = SIMD8<Double>()
  var sum: Double = 0
  for t in tensors {
    t.scalars.withUnsafeBufferPointer { b in
      let blocks = b.count / 8
      for i in 0..<blocks {
        var lanes = SIMD8<Double>()
        for j in 0..<8 { lanes[j] = Double(b[i &* 8 &+ j]) }
        sums += lanes * lanes
      }
      for v in b[(blocks * 8)...] { sum += Double(v) * Double(v) }
    }
  }
  return Float((sum + sums.sum()).squareRoot())
}
