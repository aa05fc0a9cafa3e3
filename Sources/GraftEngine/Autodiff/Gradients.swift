/// Why a gradient could not be taken.
public enum GradientError: Error, CustomStringConvertible, Equatable {
  /// The output has more than one element and no seed gradient was given.
  case nonScalarOutput(shape: [Int])
  /// The seed gradient's shape differs from the output's.
  case seedShapeMismatch(output: [Int], seed: [Int])
  /// The output does not depend on any tensor that requires a gradient.
  case outputNotRecorded
  /// One of the tensors to differentiate with respect to does not require a gradient.
  case inputNotTracked(index: Int)

  public var description: String {
    switch self {
    case .nonScalarOutput(let shape):
      return "gradients: the output has shape \(shape), not a single element; pass a seed gradient of "
        + "that shape (seed:) or reduce the output first (e.g. .sum() or .mean())"
    case .seedShapeMismatch(let output, let seed):
      return "gradients: the seed gradient has shape \(seed) but the output has shape \(output)"
    case .outputNotRecorded:
      return "gradients: the output was not recorded: none of its inputs requires a gradient "
        + "(call requiringGrad() on the inputs, outside withoutGradients)"
    case .inputNotTracked(let index):
      return "gradients: input \(index) does not require a gradient; call requiringGrad() on it "
        + "before using it"
    }
  }
}

/// The gradients of `output` with respect to each of `inputs` (reverse mode).
///
/// - Parameters:
///   - output: a tensor computed from `inputs`; a single element unless `seed` is given.
///   - inputs: tensors made with `requiringGrad()` (or computed from such tensors).
///   - seed: the gradient of some scalar with respect to `output` (a vector-Jacobian product); ones if nil.
///   - createGraph: record the backward pass too, so the gradients can be differentiated again
///     (PyTorch's `create_graph=True`), as a gradient penalty needs.
/// - Returns: one gradient per input, of the input's shape; zeros for an input the output does not use.
public func gradients<Scalar>(
  of output: Tensor<Scalar>, withRespectTo inputs: [Tensor<Scalar>], seed: Tensor<Scalar>? = nil,
  createGraph: Bool = false
) throws -> [Tensor<Scalar>] {
  if let seed, seed.shape != output.shape {
    throw GradientError.seedShapeMismatch(output: output.shape, seed: seed.shape)
  }
  if seed == nil && output.count != 1 { throw GradientError.nonScalarOutput(shape: output.shape) }
  for (i, input) in inputs.enumerated() where input.node == nil {
    throw GradientError.inputNotTracked(index: i)
  }
  guard let root = output.node else { throw GradientError.outputNotRecorded }

  let targets = Set(inputs.map { ObjectIdentifier($0.node!) })
  let order = relevantNodes(from: root, reaching: targets)
  var grads: [ObjectIdentifier: Tensor<Scalar>] = [:]
  grads[ObjectIdentifier(root)] = seed ?? Tensor(shape: output.shape, repeating: 1)

  GradMode.$isEnabled.withValue(createGraph) {
    // `order` lists every node after all the nodes that consume it, so a node's gradient is complete
    // when its turn comes.
    for node in order {
      let id = ObjectIdentifier(node)
      guard let grad = targets.contains(id) ? grads[id] : grads.removeValue(forKey: id) else { continue }
      for edge in node.edges where order.contains(edge.node) {
        let g = edge.pullback(grad)
        precondition(
          g.shape == edge.node.shape,
          "Graft internal error: the pullback of \(node.op) gave shape \(g.shape) for an input of shape \(edge.node.shape)"
        )
        let key = ObjectIdentifier(edge.node)
        if let existing = grads[key] { grads[key] = existing + g } else { grads[key] = g }
      }
    }
  }
  return inputs.map { grads[ObjectIdentifier($0.node!)] ?? Tensor(shape: $0.shape, repeating: 0) }
}

/// The value of `body` at `inputs` and its gradient with respect to each of them (the scalar function
/// form of `gradients(of:withRespectTo:)`).
public func valueWithGradients<Scalar>(
  at inputs: [Tensor<Scalar>], createGraph: Bool = false, _ body: ([Tensor<Scalar>]) -> Tensor<Scalar>
) throws -> (value: Tensor<Scalar>, gradients: [Tensor<Scalar>]) {
  let tracked = inputs.map { $0.requiringGrad() }
  let value = body(tracked)
  let grads = try gradients(of: value, withRespectTo: tracked, createGraph: createGraph)
  return (createGraph ? value : value.detached(), grads)
}

/// The nodes between `root` and the targets, in an order where each node comes after every node that
/// uses it (reverse topological order), restricted to nodes from which some target can be reached.
private func relevantNodes<Scalar>(from root: Node<Scalar>, reaching targets: Set<ObjectIdentifier>)
  -> NodeOrder<Scalar>
{
  // Iterative depth-first search; a node is finished after all its inputs (post-order).
  var postOrder: [Node<Scalar>] = []
  var relevant: Set<ObjectIdentifier> = []
  var visited: Set<ObjectIdentifier> = [ObjectIdentifier(root)]
  var stack: [(node: Node<Scalar>, next: Int)] = [(root, 0)]
  while !stack.isEmpty {
    let (node, next) = stack[stack.count - 1]
    if next < node.edges.count {
      stack[stack.count - 1].next += 1
      let child = node.edges[next].node
      if visited.insert(ObjectIdentifier(child)).inserted { stack.append((child, 0)) }
    } else {
      stack.removeLast()
      let id = ObjectIdentifier(node)
      if targets.contains(id) || node.edges.contains(where: { relevant.contains(ObjectIdentifier($0.node)) }) {
        relevant.insert(id)
        postOrder.append(node)
      }
    }
  }
  return NodeOrder(nodes: postOrder.reversed(), members: relevant)
}

/// Nodes in processing order, with fast membership.
private struct NodeOrder<Scalar: TensorScalar>: Sequence {
  let nodes: [Node<Scalar>]
  let members: Set<ObjectIdentifier>
  func contains(_ node: Node<Scalar>) -> Bool { members.contains(ObjectIdentifier(node)) }
  func makeIterator() -> IndexingIterator<[Node<Scalar>]> { nodes.makeIterator() }
}
