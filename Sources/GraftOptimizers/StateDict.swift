import Foundation

// Models, optimizers and random generators in a safetensors file, with PyTorch's state_dict names
// (`generator.0.weight`, `generator.0.running_mean`), so that Python opens Graft's weights directly.

extension SafeTensorsFile {
  /// Adds the model's parameters and buffers, named `prefix.name` (or `name` without a prefix).
  public mutating func store<M: Layer>(_ model: M, prefix: String? = nil) {
    for (name, value) in model.namedParameters + model.namedBuffers {
      self[Self.key(prefix, name)] = .float(value)
    }
  }

  /// Loads the model's parameters and buffers stored by `store(_:prefix:)`. Throws, naming the tensor,
  /// when one is missing or has another shape; the model is unchanged then.
  public func restore<M: Layer>(_ model: inout M, prefix: String? = nil) throws {
    let paths = model.parameterPaths + model.bufferPaths
    // Read everything first: buffers live in shared boxes (batch norm), so a failure halfway through
    // must not have written anything.
    let values = try paths.map { path in
      try floatTensor(Self.key(prefix, path.name), shape: model[keyPath: path.keyPath].shape)
    }
    for (path, value) in zip(paths, values) { model[keyPath: path.keyPath] = value }
  }

  /// Adds an optimizer's state: tensors `prefix.PARAM.KEY` (e.g. `optimizer.g.0.weight.exp_avg`) and
  /// the step count in the metadata under `prefix.step`.
  public mutating func store(_ optimizer: any Optimizer, parameterNames: [String], prefix: String) {
    metadata[prefix + ".step"] = String(optimizer.step)
    for (i, state) in optimizer.state.enumerated() where i < parameterNames.count {
      for key in state.keys.sorted() {
        self[prefix + "." + parameterNames[i] + "." + key] = .float(state[key]!)
      }
    }
  }

  /// Loads an optimizer's state stored by `store(_:parameterNames:prefix:)`.
  public func restore(_ optimizer: inout any Optimizer, parameterNames: [String], prefix: String) throws {
    optimizer.step = try integer(prefix + ".step")
    var state: [[String: Tensor<Float>]] = []
    for name in parameterNames {
      let start = prefix + "." + name + "."
      var entry: [String: Tensor<Float>] = [:]
      for stored in names where stored.hasPrefix(start) {
        entry[String(stored.dropFirst(start.count))] = try floatTensor(stored)
      }
      state.append(entry)
    }
    optimizer.state = optimizer.step == 0 ? [] : state
  }

  /// Stores a generator's state words in the metadata.
  public mutating func store(_ generator: RandomGenerator, key: String) {
    metadata[key] = generator.stateWords.map { String($0) }.joined(separator: ",")
  }

  /// The generator stored under `key` by `store(_:key:)`.
  public func randomGenerator(_ key: String) throws -> RandomGenerator {
    guard let text = metadata[key] else {
      throw GraftIOError.missingMetadata(file: source, key: key, available: metadata.keys.sorted())
    }
    let words = text.split(separator: ",").compactMap { UInt64($0) }
    guard words.count == 4, words.contains(where: { $0 != 0 }) else {
      throw GraftIOError.invalidMetadata(file: source, key: key, value: text, expected: "four comma-separated 64-bit words")
    }
    return RandomGenerator(stateWords: words)
  }

  /// The decimal integer in the metadata under `key`.
  public func integer(_ key: String) throws -> Int {
    guard let text = metadata[key] else {
      throw GraftIOError.missingMetadata(file: source, key: key, available: metadata.keys.sorted())
    }
    guard let value = Int(text) else {
      throw GraftIOError.invalidMetadata(file: source, key: key, value: text, expected: "a decimal integer")
    }
    return value
  }

  private static func key(_ prefix: String?, _ name: String) -> String {
    prefix.map { $0 + "." + name } ?? name
  }
}
