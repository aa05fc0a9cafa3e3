/// An n-dimensional array of `Float` or `Double`, stored contiguously in row-major order, that records
/// the operations applied to it when it (or one of its inputs) requires gradients.
///
/// Tensors are values: the storage is a copy-on-write array, and no operation changes a tensor in place.
public struct Tensor<Scalar: TensorScalar>: @unchecked Sendable {
  /// The size of each dimension; `[]` for a scalar.
  public let shape: [Int]
  /// The elements in row-major order.
  public let scalars: [Scalar]
  /// The node of the autodiff graph that produced this tensor; `nil` when it requires no gradient.
  let node: Node<Scalar>?

  /// A tensor with this shape and these row-major elements. The counts must agree.
  public init(shape: [Int], scalars: [Scalar]) {
    precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative dimension in shape \(shape)")
    let count = shape.reduce(1, *)
    precondition(
      count == scalars.count,
      "Tensor: shape \(shape) holds \(count) elements but \(scalars.count) scalars were given")
    self.shape = shape
    self.scalars = scalars
    self.node = nil
  }

  init(shape: [Int], scalars: [Scalar], node: Node<Scalar>?) {
    self.shape = shape
    self.scalars = scalars
    self.node = node
  }

  /// A tensor of `shape` whose elements `fill` writes into an uninitialised buffer of the right size.
  init(shape: [Int], fill: (UnsafeMutableBufferPointer<Scalar>) -> Void) {
    let count = shape.reduce(1, *)
    self.shape = shape
    self.scalars = [Scalar](unsafeUninitializedCapacity: count) { buffer, initialized in
      fill(buffer)
      initialized = count
    }
    self.node = nil
  }

  /// A 0-d tensor holding one value.
  public init(_ value: Scalar) {
    self.init(shape: [], scalars: [value])
  }

  /// A 1-d tensor of these values.
  public init(_ values: [Scalar]) {
    self.init(shape: [values.count], scalars: values)
  }

  /// A 2-d tensor from rows of equal length.
  public init(_ rows: [[Scalar]]) {
    let width = rows.first?.count ?? 0
    precondition(rows.allSatisfy { $0.count == width }, "Tensor: rows have different lengths")
    self.init(shape: [rows.count, width], scalars: rows.flatMap { $0 })
  }

  /// Number of dimensions.
  public var rank: Int { shape.count }
  /// Number of elements.
  public var count: Int { scalars.count }
  /// Whether gradients flow back to this tensor.
  public var requiresGrad: Bool { node != nil }

  /// The single element of a tensor with one element.
  public var scalar: Scalar {
    precondition(scalars.count == 1, "scalar: tensor of shape \(shape) has \(scalars.count) elements, not 1")
    return scalars[0]
  }

  /// This tensor as a leaf of the autodiff graph: gradients can be taken with respect to it.
  /// Each call makes a new leaf, so two calls give two independent variables.
  public func requiringGrad() -> Tensor {
    Tensor(shape: shape, scalars: scalars, node: Node(op: "leaf", shape: shape, edges: []))
  }

  /// The same values, cut off from the autodiff graph (PyTorch's `detach()`).
  public func detached() -> Tensor {
    Tensor(shape: shape, scalars: scalars, node: nil)
  }

  /// Element at a multi-index.
  public subscript(index: Int...) -> Scalar {
    precondition(index.count == rank, "subscript: \(index.count) indices for a tensor of rank \(rank)")
    var flat = 0
    for (d, i) in index.enumerated() {
      precondition(i >= 0 && i < shape[d], "subscript: index \(i) out of range for dimension \(d) of size \(shape[d])")
      flat = flat * shape[d] + i
    }
    return scalars[flat]
  }

  /// The values converted to another scalar type (not differentiable).
  public func converted<T: TensorScalar>(to: T.Type = T.self) -> Tensor<T> {
    Tensor<T>(shape: shape, scalars: scalars.map { T($0) })
  }
}
