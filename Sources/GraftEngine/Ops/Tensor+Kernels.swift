// The bridge from tensors to the compute kernels: each helper runs one kernel and returns an untracked
// result. The public ops call these and then record their pullbacks.

extension Tensor {
  /// Applies an element-wise kernel.
  func applying(_ op: UnaryOp) -> Tensor {
    Tensor(shape: shape) { out in
      scalars.withUnsafeBufferPointer { x in Scalar._unary(op, x, out) }
    }
  }

  /// Applies a binary kernel with NumPy broadcasting; `name` is the op named in a shape error.
  func applying(_ op: BinaryOp, _ other: Tensor, name: String) -> Tensor {
    let outShape = checked { () throws(ShapeError) in try broadcastShape(shape, other.shape, op: name) }
    let aStrides = broadcastStrides(shape, to: outShape)
    let bStrides = broadcastStrides(other.shape, to: outShape)
    return Tensor(shape: outShape) { out in
      scalars.withUnsafeBufferPointer { a in
        other.scalars.withUnsafeBufferPointer { b in
          Scalar._binary(op, a, aStrides, b, bStrides, outShape, out)
        }
      }
    }
  }

  /// Gathers an n-d view (offset and strides into this tensor's elements) into a new contiguous tensor.
  func gathering(_ layout: StridedLayout, shape outShape: [Int]) -> Tensor {
    Tensor(shape: outShape) { out in
      scalars.withUnsafeBufferPointer { src in
        Scalar._copy(src, layout, out, StridedLayout(strides: contiguousStrides(outShape)), shape: outShape)
      }
    }
  }
}
