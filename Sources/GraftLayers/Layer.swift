import GraftEngine

/// A named trainable (or buffer) tensor inside a layer, reached through a key path.
public struct ParameterPath<Root> {
  /// Dotted name, as PyTorch's `named_parameters()` prints it (`block1.conv.weight`).
  public let name: String
  public let keyPath: WritableKeyPath<Root, Tensor<Float>>

  public init(name: String, keyPath: WritableKeyPath<Root, Tensor<Float>>) {
    self.name = name
    self.keyPath = keyPath
  }

  /// This path seen from a parent that holds the layer at `child` under the name `prefix`.
  public func nested<Parent>(in child: WritableKeyPath<Parent, Root>, prefix: String) -> ParameterPath<Parent> {
    ParameterPath<Parent>(name: prefix + "." + name, keyPath: child.appending(path: keyPath))
  }
}

/// A neural-network layer: a function of its input with named parameters found through key paths.
///
/// Conforming types are values. They list their own parameters and those of their sublayers
/// (`paths(of:named:)` prefixes a sublayer's names), in a stable order: that order is the order of
/// gradients, optimizer state and checkpoint entries.
public protocol Layer<Input, Output> {
  associatedtype Input
  associatedtype Output
  func callAsFunction(_ input: Input) -> Output
  /// The trainable tensors of this layer and its sublayers, in a stable order.
  var parameterPaths: [ParameterPath<Self>] { get }
  /// State that is saved and loaded but not trained (batch-norm running statistics).
  var bufferPaths: [ParameterPath<Self>] { get }

  // The three below have defaults through `parameterPaths`. Training reads and writes every parameter
  // twice per step, and key paths into containers (`\.layers[i]`, appended paths) are built at run
  // time, so containers implement these directly.

  /// The parameter values, in `parameterPaths` order.
  var parameters: [Tensor<Float>] { get }
  /// The parameter names, in `parameterPaths` order.
  var parameterNames: [String] { get }
  /// Replaces the parameters, given in `parameterPaths` order; shapes must match.
  mutating func setParameters(_ values: [Tensor<Float>])
}

extension Layer {
  public var bufferPaths: [ParameterPath<Self>] { [] }

  /// The parameters of the sublayer at `child`, named `name.…`.
  public func paths<L: Layer>(of child: WritableKeyPath<Self, L>, named name: String) -> [ParameterPath<Self>] {
    self[keyPath: child].parameterPaths.map { $0.nested(in: child, prefix: name) }
  }

  /// The buffers of the sublayer at `child`, named `name.…`.
  public func bufferPaths<L: Layer>(of child: WritableKeyPath<Self, L>, named name: String) -> [ParameterPath<Self>] {
    self[keyPath: child].bufferPaths.map { $0.nested(in: child, prefix: name) }
  }

  public var parameters: [Tensor<Float>] {
    parameterPaths.map { self[keyPath: $0.keyPath] }
  }

  public var parameterNames: [String] { parameterPaths.map(\.name) }

  /// (name, value) for every parameter.
  public var namedParameters: [(name: String, value: Tensor<Float>)] {
    parameterPaths.map { ($0.name, self[keyPath: $0.keyPath]) }
  }

  /// (name, value) for every buffer.
  public var namedBuffers: [(name: String, value: Tensor<Float>)] {
    bufferPaths.map { ($0.name, self[keyPath: $0.keyPath]) }
  }

  /// The total number of trainable scalars.
  public var parameterCount: Int {
    parameters.reduce(0) { $0 + $1.count }
  }

  public mutating func setParameters(_ values: [Tensor<Float>]) {
    let paths = parameterPaths
    precondition(values.count == paths.count, "setParameters: \(values.count) tensors for \(paths.count) parameters")
    for (path, value) in zip(paths, values) {
      precondition(
        self[keyPath: path.keyPath].shape == value.shape,
        "setParameters: \(path.name) has shape \(self[keyPath: path.keyPath].shape), got \(value.shape)")
      self[keyPath: path.keyPath] = value
    }
  }
}

extension Layer where Output == Tensor<Float> {
  /// The value of `loss(model)` and its gradient with respect to every parameter of the model, in
  /// `parameterPaths` order. Set `createGraph` to differentiate the gradients again.
  public func valueWithGradient(
    createGraph: Bool = false, _ loss: (Self) throws -> Tensor<Float>
  ) throws -> (value: Tensor<Float>, gradient: [Tensor<Float>]) {
    let leaves = parameters.map { $0.requiringGrad() }
    var tracked = self
    tracked.setParameters(leaves)
    let value = try loss(tracked)
    let grads = try gradients(of: value, withRespectTo: leaves, createGraph: createGraph)
    return (createGraph ? value : value.detached(), grads)
  }
}

/// Whether layers behave as in training (batch norm uses and updates batch statistics) or in
/// evaluation (batch norm uses its running statistics): PyTorch's `model.train()` / `model.eval()`.
public enum LearningPhase {
  @TaskLocal public static var isTraining: Bool = true
}

/// Runs `body` with layers in evaluation mode (`training: false`) or training mode.
public func withLearningPhase<R>(training: Bool, _ body: () throws -> R) rethrows -> R {
  try LearningPhase.$isTraining.withValue(training, operation: body)
}

/// A layer whose parameters are a weight and an optional bias (Linear, the convolutions).
public protocol WeightAndBiasLayer: Layer {
  var weight: Tensor<Float> { get set }
  var bias: Tensor<Float>? { get set }
}

extension WeightAndBiasLayer {
  public var parameterPaths: [ParameterPath<Self>] {
    [ParameterPath(name: "weight", keyPath: \.weight)]
      + (bias == nil ? [] : [ParameterPath(name: "bias", keyPath: \.bias!)])
  }

  // Direct forms of the path-based defaults: key paths in this generic extension are built per call.
  public var parameters: [Tensor<Float>] { bias.map { [weight, $0] } ?? [weight] }

  public var parameterNames: [String] { bias == nil ? ["weight"] : ["weight", "bias"] }

  public mutating func setParameters(_ values: [Tensor<Float>]) {
    precondition(
      values.count == (bias == nil ? 1 : 2),
      "setParameters: \(values.count) tensors for \(parameterNames.count) parameters")
    precondition(
      values[0].shape == weight.shape, "setParameters: weight has shape \(weight.shape), got \(values[0].shape)")
    weight = values[0]
    if let b = bias {
      precondition(values[1].shape == b.shape, "setParameters: bias has shape \(b.shape), got \(values[1].shape)")
      bias = values[1]
    }
  }
}
