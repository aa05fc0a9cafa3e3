extension TrainingConfig {
  /// Checks every setting against its declaration, then the rules that tie settings together; the
  /// message names the setting and its valid values.
  public func validate() throws {
    for setting in Self.settings where !setting.isValid(self) {
      let key = setting.key.map { ", config key \($0)" } ?? ""
      throw ConfigError(
        "\(setting.option) must be \(setting.valid), got \(setting.text(self))\(key.isEmpty ? "" : " (\(key.dropFirst(2)))")"
      )
    }
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
      if !condition { throw ConfigError(message()) }
    }
    try require(
      dataset.architectures.contains(model),
      "dataset \(dataset.rawValue) needs model \(dataset.architectures.map(\.rawValue).joined(separator: " or ")), got \(model.rawValue)"
    )
    try require(model != .resnet || imageSize == 32, "the ResNet models need image size 32")
    try require(dataset != .cifar10 || imageSize == 32, "CIFAR-10 images are 32x32")
    try require(
      theory.modes <= theory.dimension,
      "--theory-modes must be at most --theory-dim (\(theory.dimension)), got \(theory.modes)")
    try require(
      theory.norms.isEmpty || theory.norms.count == theory.modes,
      "--theory-norms needs one number per mode (--theory-modes \(theory.modes)), got \(theory.norms.count): "
        + "give \(theory.modes) comma-separated norms or none")
    try require(
      theory.weights.isEmpty || theory.weights.count == theory.modes,
      "--theory-weights needs one number per mode (--theory-modes \(theory.modes)), got \(theory.weights.count): "
        + "give \(theory.modes) comma-separated weights or none")
  }
}
