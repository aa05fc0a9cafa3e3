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
    // Operands of one shape, or one of them a single element broadcast against the other (a scalar, or
    // a loss mean's gradient): one flat loop, with no shape or stride arrays to build.
    if shape == other.shape || (other.count == 1 && other.rank <= rank) {
      return applyingFlat(op, other, aStep: 1, bStep: other.count == 1 ? 0 : 1, shape: shape)
    }
    if count == 1 && rank <= other.rank {
      return applyingFlat(op, other, aStep: 0, bStep: 1, shape: other.shape)
    }
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

  /// op(self, other) as one flat loop over `shape`, each operand read at step 0 (a single element) or 1.
  private func applyingFlat(_ op: BinaryOp, _ other: Tensor, aStep: Int, bStep: Int, shape outShape: [Int]) -> Tensor {
    Tensor(shape: outShape) { out in
      scalars.withUnsafeBufferPointer { a in
        other.scalars.withUnsafeBufferPointer { b in
          Scalar._binaryFlat(op, a, aStep: aStep, b, bStep: bStep, out)
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
