/// Parameter-group names ("0.weight", "2.bias", "10.weight", "blocks.1.conv.weight") in network
/// order: compared piece by piece, numbers as numbers, so "10.weight" comes after "2.weight".
public enum GroupOrdering {
  public static func sorted(_ names: some Sequence<String>) -> [String] {
    names.sorted { precedes($0, $1) }
  }

  static func precedes(_ a: String, _ b: String) -> Bool {
    let (pa, pb) = (
      a.split(separator: ".", omittingEmptySubsequences: false),
      b.split(separator: ".", omittingEmptySubsequences: false)
    )
    for (x, y) in zip(pa, pb) where x != y {
      switch (Int(x), Int(y)) {
      case (let i?, let j?): return i < j
      case (_?, nil): return true
      case (nil, _?): return false
      default: return x < y
      }
    }
    return pa.count < pb.count
  }

  /// The groups that stand for layers, in order. With the parameters' shapes (per-tensor grouping,
  /// where group names are parameter names): the tensors of rank ≥ 2, i.e. weight matrices and
  /// convolution kernels, leaving out biases and batch-norm scales. Without them: the groups named
  /// `weight` (which still counts batch-norm scales), else every group (module or global grouping).
  public static func layers(_ names: some Sequence<String>, shapes: [String: [Int]] = [:]) -> [String] {
    let all = sorted(names)
    if !all.isEmpty, all.allSatisfy({ shapes[$0] != nil }) {
      let matrices = all.filter { (shapes[$0]?.count ?? 0) >= 2 }
      if !matrices.isEmpty { return matrices }
    }
    let weights = all.filter { $0 == "weight" || $0.hasSuffix(".weight") }
    return weights.isEmpty ? all : weights
  }

  /// The G/D magnitude ratio at one step: the mean of `generator`'s values over `generatorLayers` divided by
  /// the mean of `discriminator`'s over `discriminatorLayers` (values missing or not finite left out of the
  /// means); NaN when either mean has no value or D's is not positive. One number per run that compares runs
  /// of different architectures too (the report's `MagnitudeRatio.aggregate`, TensorBoard's
  /// `magnitude_ratio`).
  public static func meanRatio(
    _ generator: [String: Double]?, layers generatorLayers: [String], over discriminator: [String: Double]?,
    layers discriminatorLayers: [String]
  ) -> Double {
    func mean(_ values: [String: Double]?, _ names: [String]) -> Double? {
      let present = names.compactMap { values?[$0] }.filter(\.isFinite)
      return present.isEmpty ? nil : present.reduce(0, +) / Double(present.count)
    }
    guard let g = mean(generator, generatorLayers), let d = mean(discriminator, discriminatorLayers), d > 0 else {
      return .nan
    }
    return g / d
  }

  /// At most `limit` of `names`, evenly spread and keeping the first and the last.
  public static func spread(_ names: [String], limit: Int) -> [String] {
    guard names.count > limit, limit > 1 else { return Array(names.prefix(max(limit, 0))) }
    let picks = (0..<limit).map { Int((Double($0) * Double(names.count - 1) / Double(limit - 1)).rounded()) }
    var seen = Set<Int>()
    return picks.filter { seen.insert($0).inserted }.map { names[$0] }
  }
}
