/// A vertex of the define-by-run autodiff graph: the op that made a tensor, and for each input that
/// requires a gradient, the function that maps the output's gradient to that input's gradient.
///
/// Pullbacks are written with tensor ops, so when they run with recording on (`createGraph: true`)
/// they build a graph of their own, and gradients of gradients come for free.
final class Node<Scalar: TensorScalar>: @unchecked Sendable {
  struct Edge {
    let node: Node
    let pullback: (Tensor<Scalar>) -> Tensor<Scalar>
  }

  let op: String
  let shape: [Int]
  let edges: [Edge]

  init(op: String, shape: [Int], edges: [Edge]) {
    self.op = op
    self.shape = shape
    self.edges = edges
  }
}

extension Tensor {
  /// This tensor as the output of `op` with one input: a node is recorded only when recording is on and
  /// the input requires a gradient. The pullback is an autoclosure so that no closure is even built
  /// for untracked tensors (inference, optimizer updates).
  func recorded(
    _ op: String, _ a: Tensor, _ pullbackA: @autoclosure () -> (Tensor) -> Tensor
  ) -> Tensor {
    guard let na = a.node, GradMode.isEnabled else { return self }
    return Tensor(
      shape: shape, scalars: scalars, node: Node(op: op, shape: shape, edges: [.init(node: na, pullback: pullbackA())]))
  }

  /// This tensor as the output of `op` with two inputs (see the one-input form).
  func recorded(
    _ op: String, _ a: Tensor, _ pullbackA: @autoclosure () -> (Tensor) -> Tensor, _ b: Tensor,
    _ pullbackB: @autoclosure () -> (Tensor) -> Tensor
  ) -> Tensor {
    guard a.node != nil || b.node != nil, GradMode.isEnabled else { return self }
    var edges: [Node<Scalar>.Edge] = []
    if let na = a.node { edges.append(.init(node: na, pullback: pullbackA())) }
    if let nb = b.node { edges.append(.init(node: nb, pullback: pullbackB())) }
    return Tensor(shape: shape, scalars: scalars, node: Node(op: op, shape: shape, edges: edges))
  }

  /// This tensor as the output of `op` with any number of inputs, each with its pullback.
  func recorded(_ op: String, _ inputs: [Tensor], pullbacks: () -> [(Tensor) -> Tensor]) -> Tensor {
    guard inputs.contains(where: { $0.node != nil }), GradMode.isEnabled else { return self }
    let all = pullbacks()
    var edges: [Node<Scalar>.Edge] = []
    for (input, pullback) in zip(inputs, all) {
      if let n = input.node { edges.append(.init(node: n, pullback: pullback)) }
    }
    return Tensor(shape: shape, scalars: scalars, node: Node(op: op, shape: shape, edges: edges))
  }
}
