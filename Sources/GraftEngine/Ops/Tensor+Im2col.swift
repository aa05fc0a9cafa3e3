extension Tensor {
  /// Unfolds an image batch [N, C, H, W] into the column matrix [C·kh·kw, N·OH·OW] of `geometry`
  /// (im2col with the batch in the columns). Its pullback is `col2im`.
  public func im2col(_ geometry: ConvGeometry) -> Tensor {
    precondition(
      shape == geometry.imageShape, "im2col: input shape \(shape) differs from the geometry's \(geometry.imageShape)")
    let x = self
    let y = Tensor(shape: [geometry.rows, geometry.columns]) { cols in
      scalars.withUnsafeBufferPointer { Scalar._im2col($0, geometry, cols) }
    }
    return y.recorded("Im2colBackward", x, { g in g.col2im(geometry) })
  }

  /// Folds a column matrix [C·kh·kw, N·OH·OW] back into an image batch, summing overlapping entries
  /// (col2im, the adjoint of `im2col`). Its pullback is `im2col`.
  public func col2im(_ geometry: ConvGeometry) -> Tensor {
    precondition(
      shape == [geometry.rows, geometry.columns],
      "col2im: input shape \(shape) differs from the geometry's columns \([geometry.rows, geometry.columns])")
    let cols = self
    var image = Scalar._filled(0, count: geometry.imageShape.reduce(1, *))
    image.withUnsafeMutableBufferPointer { x in
      scalars.withUnsafeBufferPointer { Scalar._col2im($0, geometry, x) }
    }
    return Tensor(shape: geometry.imageShape, scalars: image).recorded(
      "Col2imBackward", cols, { g in g.im2col(geometry) })
  }
}
