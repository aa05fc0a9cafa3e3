import GraftEngine

/// Any tensor-to-tensor layer, type-erased so that different layers can share an array.
public struct AnyLayer: Layer {
  public private(set) var base: any Layer<Tensor<Float>, Tensor<Float>>

  public init(_ layer: any Layer<Tensor<Float>, Tensor<Float>>) {
    base = (layer as? AnyLayer)?.base ?? layer
  }

  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { base(x) }

  public var parameterPaths: [ParameterPath<Self>] {
    Self.names(base, buffers: false).enumerated().map { ParameterPath(name: $1, keyPath: \.[parameter: $0]) }
  }

  public var bufferPaths: [ParameterPath<Self>] {
    Self.names(base, buffers: true).enumerated().map { ParameterPath(name: $1, keyPath: \.[buffer: $0]) }
  }

  public var parameters: [Tensor<Float>] { Self.parameters(base) }

  public var parameterNames: [String] { Self.parameterNames(base) }

  public mutating func setParameters(_ values: [Tensor<Float>]) { Self.setParameters(&base, values) }

  /// The wrapped layer's parameter at `index` of its `parameterPaths`.
  public subscript(parameter index: Int) -> Tensor<Float> {
    get { Self.value(base, index, buffers: false) }
    set { Self.update(&base, index, newValue, buffers: false) }
  }

  /// The wrapped layer's buffer at `index` of its `bufferPaths`.
  public subscript(buffer index: Int) -> Tensor<Float> {
    get { Self.value(base, index, buffers: true) }
    set { Self.update(&base, index, newValue, buffers: true) }
  }

  // The existential is opened by passing it to these generic functions.
  private static func parameters<L: Layer>(_ layer: L) -> [Tensor<Float>] { layer.parameters }

  private static func parameterNames<L: Layer>(_ layer: L) -> [String] { layer.parameterNames }

  private static func setParameters<L: Layer>(_ layer: inout L, _ values: [Tensor<Float>]) {
    layer.setParameters(values)
  }

  private static func names<L: Layer>(_ layer: L, buffers: Bool) -> [String] {
    (buffers ? layer.bufferPaths : layer.parameterPaths).map(\.name)
  }

  private static func value<L: Layer>(_ layer: L, _ index: Int, buffers: Bool) -> Tensor<Float> {
    layer[keyPath: (buffers ? layer.bufferPaths : layer.parameterPaths)[index].keyPath]
  }

  private static func update<L: Layer>(_ layer: inout L, _ index: Int, _ value: Tensor<Float>, buffers: Bool) {
    let path = (buffers ? layer.bufferPaths : layer.parameterPaths)[index].keyPath
    layer[keyPath: path] = value
  }
}

/// Layers applied in order (PyTorch's `nn.Sequential`); parameters are named by position (`0.weight`).
public struct Sequential: Layer {
  public var layers: [AnyLayer]

  public init(_ layers: [any Layer<Tensor<Float>, Tensor<Float>>]) {
    self.layers = layers.map { AnyLayer($0) }
  }

  public init(_ layers: any Layer<Tensor<Float>, Tensor<Float>>...) {
    self.init(layers)
  }

  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    layers.reduce(x) { $1($0) }
  }

  public var parameterPaths: [ParameterPath<Self>] {
    layers.indices.flatMap { paths(of: \.layers[$0], named: "\($0)") }
  }

  public var bufferPaths: [ParameterPath<Self>] {
    layers.indices.flatMap { bufferPaths(of: \.layers[$0], named: "\($0)") }
  }

  public var parameters: [Tensor<Float>] { layers.flatMap(\.parameters) }

  public var parameterNames: [String] {
    layers.indices.flatMap { i in layers[i].parameterNames.map { "\(i).\($0)" } }
  }

  public mutating func setParameters(_ values: [Tensor<Float>]) {
    var start = 0
    for i in layers.indices {
      let count = layers[i].parameters.count
      guard count > 0 else { continue }
      precondition(
        start + count <= values.count, "setParameters: \(values.count) tensors for more parameters than that")
      layers[i].setParameters(Array(values[start..<(start + count)]))
      start += count
    }
    precondition(start == values.count, "setParameters: \(values.count) tensors for \(start) parameters")
  }
}
