import Foundation
import GraftEngine
import GraftIO
import GraftLayers

// Models and optimizers in a checkpoint, with PyTorch's state_dict names (`generator.0.weight`,
// `generator.0.running_mean`), so that Python opens Graft's weights directly.

extension Checkpoint {
  /// Adds the model's parameters and buffers, named `prefix.name` (or `name` without a prefix).
  public mutating func store<M: Layer>(_ model: M, prefix: String? = nil) {
    for (name, value) in model.namedParameters + model.namedBuffers {
      self[Self.key(prefix, name)] = value
    }
  }

  /// Loads the model's parameters and buffers stored by `store(_:prefix:)`. Throws, naming the tensor,
  /// when one is missing or has another shape; the model is unchanged then.
  public func restore<M: Layer>(_ model: inout M, prefix: String? = nil) throws {
    let paths = model.parameterPaths + model.bufferPaths
    // Read everything first: buffers live in shared boxes (batch norm), so a failure halfway through
    // must not have written anything.
    let values = try paths.map { path in
      try tensor(Self.key(prefix, path.name), shape: model[keyPath: path.keyPath].shape)
    }
    for (path, value) in zip(paths, values) { model[keyPath: path.keyPath] = value }
  }

  /// Adds an optimizer's state: tensors `prefix.PARAM.KEY` (e.g. `optimizer.generator.0.weight.exp_avg`)
  /// and the step count in the metadata under `prefix.step`.
  public mutating func store(_ optimizer: any Optimizer, parameterNames: [String], prefix: String) {
    setInt(optimizer.step, forKey: prefix + ".step")
    for (i, state) in optimizer.state.enumerated() where i < parameterNames.count {
      for key in state.keys.sorted() {
        self[prefix + "." + parameterNames[i] + "." + key] = state[key]!
      }
    }
  }

  /// Loads an optimizer's state stored by `store(_:parameterNames:prefix:)`.
  public func restore(_ optimizer: inout any Optimizer, parameterNames: [String], prefix: String) throws {
    try restore(&optimizer, parameters: parameterNames.map { ($0, nil) }, prefix: prefix)
  }

  /// Loads the state of `model`'s optimizer stored by `store(_:parameterNames:prefix:)`, checking every
  /// state tensor against its parameter's shape (a kernel would otherwise read past a short one). Throws,
  /// naming the tensor, when one has another shape.
  public func restore<M: Layer>(_ optimizer: inout any Optimizer, of model: M, prefix: String) throws {
    try restore(&optimizer, parameters: model.namedParameters.map { ($0.name, $0.value.shape) }, prefix: prefix)
  }

  private func restore(
    _ optimizer: inout any Optimizer, parameters: [(name: String, shape: [Int]?)], prefix: String
  ) throws {
    let step = try int(forKey: prefix + ".step")
    var state: [[String: Tensor<Float>]] = []
    for (name, shape) in parameters {
      let start = prefix + "." + name + "."
      var entry: [String: Tensor<Float>] = [:]
      for (stored, value) in tensors where stored.hasPrefix(start) {
        if let shape, value.shape != shape {
          throw GraftIOError.shapeMismatch(file: source, tensor: stored, found: value.shape, expected: shape)
        }
        entry[String(stored.dropFirst(start.count))] = value
      }
      state.append(entry)
    }
    optimizer.step = step
    optimizer.state = step == 0 ? [] : state
  }

  private static func key(_ prefix: String?, _ name: String) -> String {
    prefix.map { $0 + "." + name } ?? name
  }
}
