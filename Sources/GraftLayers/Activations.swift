import GraftEngine

/// A layer without parameters that applies a tensor function: activations, flatten, reshape.
public struct Function: Layer {
  public let name: String
  let body: (Tensor<Float>) -> Tensor<Float>

  public init(_ name: String, _ body: @escaping (Tensor<Float>) -> Tensor<Float>) {
    self.name = name
    self.body = body
  }

  public func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> { body(x) }
  public var parameterPaths: [ParameterPath<Self>] { [] }
}

extension Function {
  public static var relu: Function { Function("ReLU") { $0.relu() } }
  public static func leakyRelu(slope: Float = 0.01) -> Function {
    Function("LeakyReLU(\(slope))") { $0.leakyRelu(slope: slope) }
  }
  public static var tanh: Function { Function("Tanh") { $0.tanh() } }
  public static var sigmoid: Function { Function("Sigmoid") { $0.sigmoid() } }
  public static var softplus: Function { Function("Softplus") { $0.softplus() } }
  /// [N, ...] → [N, prod(...)].
  public static var flatten: Function { Function("Flatten") { $0.flattened() } }
  /// [N, ...] → [N] + shape.
  public static func reshape(_ shape: [Int]) -> Function {
    Function("Reshape\(shape)") { $0.reshaped(to: [-1] + shape) }
  }
  /// Nearest-neighbour upsampling by an integer factor.
  public static func upsample(scale: Int) -> Function {
    Function("Upsample(\(scale))") { $0.upsampledNearest(scale: scale) }
  }
  /// Average pooling over kernel×kernel windows.
  public static func avgPool(kernel: Int) -> Function {
    Function("AvgPool(\(kernel))") { $0.avgPool2d(kernel: kernel) }
  }
}
