// Convolution kernels that work through the batch a few images at a time.
//
// The column matrix of a whole batch (im2col) is tens of megabytes for the DCGAN's middle layers: writing
// it, then reading it back into the product, goes through main memory, and im2col's stride-2 gathers in
// NCHW move one number at a time. Here each worker takes a few images, copies them into a zero-padded
// channels-last buffer, where each kernel row of a receptive field is one contiguous run of kw·C
// numbers, builds that chunk's columns (sized to stay in the core's L2 cache) and multiplies them at
// once. Chunk sizes and the split of the filter gradient's sum depend on the geometry only, so results
// do not depend on the number of threads.

extension ConvGeometry {
  /// Images the convolution kernels take at a time for `outChannels` filters (one chunk of the batch).
  public func imagesPerChunk(outChannels: Int) -> Int { Kernels.convImagesPerChunk(self, outChannels: outChannels) }
}

extension Kernels {
  /// Numbers in one chunk's column matrix (1 MB of Float): small enough to stay in L2.
  static let convColumnBudget = 1 << 18
  /// Independent partial sums of the filter gradient (fixed, so results do not depend on threads).
  static let convFilterLanes = 4

  /// Images per chunk for `g` and `outChannels` filters: the column budget, or as many images as make
  /// the columns as large as the filter (every chunk's product packs the whole filter again), and at
  /// least four chunks per batch for the workers.
  static func convImagesPerChunk(_ g: ConvGeometry, outChannels o: Int) -> Int {
    let perImage = max(1, g.outHeight * g.outWidth * g.rows)
    let quarter = (g.batch + 3) / 4
    let filterSized = (o * g.rows + perImage - 1) / perImage
    return max(1, min(quarter, max(convColumnBudget / perImage, filterSized)))
  }

  /// y [N, O, OH, OW] = the cross-correlation of x [N, C, H, W] with w [O, C, kh, kw] (geometry `g`),
  /// plus bias [O] unless it is empty.
  static func convForward<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, _ w: UnsafeBufferPointer<S>, bias: UnsafeBufferPointer<S>, outChannels o: Int,
    _ g: ConvGeometry, _ y: UnsafeMutableBufferPointer<S>
  ) {
    let bs = UncheckedSendable(bias)
    let filter = channelsLastFilter(w, o, g)
    defer { filter.deallocate() }
    let (xs, ys, fs) = (UncheckedSendable(x.baseAddress!), UncheckedSendable(y.baseAddress!), UncheckedSendable(filter))
    let (p, k) = (g.outHeight * g.outWidth, g.rows)
    forEachImageChunk(g, outChannels: o) { (buffers: ConvBuffers<S>, n0, count) in
      buffers.loadPadded(xs.value, from: n0, count: count)
      buffers.gatherColumns(count: count)
      // outputs [O, count·P] = filter · columnsᵀ, then each image's [O, P] block into y.
      S._gemmOneThread(
        transA: false, transB: true, m: o, n: count * p, k: k, alpha: 1, a: fs.value, lda: k,
        b: buffers.columns, ldb: k, beta: 0, c: buffers.outputs, ldc: count * p)
      buffers.unpackOutputs(into: ys.value, from: n0, count: count, adding: bs.value)
    }
  }

  /// gx [N, C, H, W] = the adjoint of `convForward` in x applied to gy [N, O, OH, OW] (also the
  /// transposed convolution of gy with w).
  static func convInputGradient<S: TensorScalar>(
    _ gy: UnsafeBufferPointer<S>, _ w: UnsafeBufferPointer<S>, outChannels o: Int, _ g: ConvGeometry,
    _ gx: UnsafeMutableBufferPointer<S>
  ) {
    let filter = channelsLastFilter(w, o, g)
    defer { filter.deallocate() }
    let (gys, gxs, fs) = (
      UncheckedSendable(gy.baseAddress!), UncheckedSendable(gx.baseAddress!), UncheckedSendable(filter)
    )
    let (p, k) = (g.outHeight * g.outWidth, g.rows)
    forEachImageChunk(g, outChannels: o) { (buffers: ConvBuffers<S>, n0, count) in
      buffers.packOutputs(gys.value, from: n0, count: count)
      // columns [count·P, K] = outputsᵀ · filter.
      S._gemmOneThread(
        transA: true, transB: false, m: count * p, n: k, k: o, alpha: 1, a: buffers.outputs, lda: count * p,
        b: fs.value, ldb: k, beta: 0, c: buffers.columns, ldc: k)
      buffers.scatterColumns(count: count)
      buffers.storeUnpadded(into: gxs.value, from: n0, count: count)
    }
  }

  /// Calls `body(buffers, first image, image count)` for each chunk of the batch; the chunks are spread
  /// over the workers, each with its own scratch buffers.
  private static func forEachImageChunk<S: TensorScalar>(
    _ g: ConvGeometry, outChannels o: Int, _ body: (ConvBuffers<S>, Int, Int) -> Void
  ) {
    let perChunk = convImagesPerChunk(g, outChannels: o)
    let chunks = (g.batch + perChunk - 1) / perChunk
    Parallel.forEachChunk(
      of: chunks, work: g.columns * g.rows, pieces: chunks,
      scratch: { ConvBuffers<S>(g, images: perChunk, outChannels: o) }, release: { $0.deallocate() }
    ) { range, buffers in
      for chunk in range {
        let n0 = chunk * perChunk
        body(buffers, n0, min(perChunk, g.batch - n0))
      }
    }
  }

  /// gw [O, C, kh, kw] = Σ over images and output pixels of gy [N, O, OH, OW] times the receptive
  /// fields of x [N, C, H, W]: the filter's gradient.
  static func convFilterGradient<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, _ gy: UnsafeBufferPointer<S>, outChannels o: Int, _ g: ConvGeometry,
    _ gw: UnsafeMutableBufferPointer<S>
  ) {
    let (p, k) = (g.outHeight * g.outWidth, g.rows)
    let lanes = max(1, min(convFilterLanes, g.batch))
    let partials = UnsafeMutablePointer<S>.allocate(capacity: lanes * o * k)
    defer { partials.deallocate() }
    let (xs, gys, ps) = (
      UncheckedSendable(x.baseAddress!), UncheckedSendable(gy.baseAddress!), UncheckedSendable(partials)
    )
    let perChunk = convImagesPerChunk(g, outChannels: o)
    Parallel.forEachChunk(
      of: lanes, work: g.columns * k, pieces: lanes,
      scratch: { ConvBuffers<S>(g, images: perChunk, outChannels: o) }, release: { $0.deallocate() }
    ) { laneRange, buffers in
      for lane in laneRange {
        let partial = ps.value + lane * o * k
        let (first, end) = (g.batch * lane / lanes, g.batch * (lane + 1) / lanes)
        var n0 = first
        while n0 < end {
          let count = min(perChunk, end - n0)
          buffers.loadPadded(xs.value, from: n0, count: count)
          buffers.gatherColumns(count: count)
          buffers.packOutputs(gys.value, from: n0, count: count)
          // partial [O, K] (+)= outputs [O, count·P] · columns.
          S._gemmOneThread(
            transA: false, transB: false, m: o, n: k, k: count * p, alpha: 1, a: buffers.outputs, lda: count * p,
            b: buffers.columns, ldb: k, beta: n0 == first ? 0 : 1, c: partial, ldc: k)
          n0 += count
        }
      }
    }
    // Lanes in a fixed order, then back from [O, kh, kw, C] to [O, C, kh, kw]; output channels split
    // across the workers.
    let taps = g.kernelHeight * g.kernelWidth
    let gws = UncheckedSendable(gw.baseAddress!)
    Parallel.forEachChunk(of: o, work: lanes * o * k) { outs in
      let (partials, gw) = (ps.value, gws.value)
      for out in outs {
        let total = partials + out * k
        for lane in 1..<lanes {
          let partial = partials + lane * o * k + out * k
          for i in 0..<k { total[i] += partial[i] }
        }
        transpose(total, rows: taps, columns: g.channels, into: gw + out * k)
      }
    }
  }

  /// w [O, C, kh, kw] reordered to [O, kh, kw, C], the column order of the channels-last chunks.
  private static func channelsLastFilter<S: TensorScalar>(
    _ w: UnsafeBufferPointer<S>, _ o: Int, _ g: ConvGeometry
  ) -> UnsafeMutablePointer<S> {
    let k = g.rows
    let taps = g.kernelHeight * g.kernelWidth
    let filter = UnsafeMutablePointer<S>.allocate(capacity: o * k)
    let (source, destination) = (UncheckedSendable(w.baseAddress!), UncheckedSendable(filter))
    Parallel.forEachChunk(of: o, work: o * k) { outs in
      for out in outs {
        transpose(source.value + out * k, rows: g.channels, columns: taps, into: destination.value + out * k)
      }
    }
    return filter
  }
}

/// One worker's scratch space for a chunk of images: the images zero-padded and channels-last
/// [images, H + 2p, W + 2p, C], their columns [images·OH·OW, kh·kw·C] and their outputs (or output
/// gradients) channel by channel [O, images·OH·OW].
private struct ConvBuffers<S: TensorScalar> {
  let g: ConvGeometry
  let padded: UnsafeMutablePointer<S>
  let columns: UnsafeMutablePointer<S>
  let outputs: UnsafeMutablePointer<S>
  let outChannels: Int
  let paddedHeight: Int, paddedWidth: Int, paddedCount: Int

  init(_ g: ConvGeometry, images: Int, outChannels: Int) {
    self.g = g
    paddedHeight = g.height + 2 * g.padding
    paddedWidth = g.width + 2 * g.padding
    paddedCount = images * paddedHeight * paddedWidth * g.channels
    padded = .allocate(capacity: paddedCount)
    // The border stays zero: chunks only ever write the interior (or zero it all again, see scatter).
    padded.initialize(repeating: 0, count: paddedCount)
    let pixels = images * g.outHeight * g.outWidth
    columns = .allocate(capacity: pixels * g.rows)
    outputs = .allocate(capacity: pixels * outChannels)
    self.outChannels = outChannels
  }

  func deallocate() {
    padded.deallocate()
    columns.deallocate()
    outputs.deallocate()
  }

  /// outputs[o, b·P + q] = y[n0 + b, o, q]: runs of P numbers, no transposes.
  func packOutputs(_ y: UnsafePointer<S>, from n0: Int, count: Int) {
    let p = g.outHeight * g.outWidth
    for b in 0..<count {
      for o in 0..<outChannels {
        (outputs + o * count * p + b * p).update(from: y + ((n0 + b) * outChannels + o) * p, count: p)
      }
    }
  }

  /// y[n0 + b, o, q] = outputs[o, b·P + q] (+ bias[o] unless bias is empty).
  func unpackOutputs(into y: UnsafeMutablePointer<S>, from n0: Int, count: Int, adding bias: UnsafeBufferPointer<S>) {
    let p = g.outHeight * g.outWidth
    for b in 0..<count {
      for o in 0..<outChannels {
        let (dst, src) = (y + ((n0 + b) * outChannels + o) * p, outputs + o * count * p + b * p)
        if bias.isEmpty {
          dst.update(from: src, count: p)
        } else {
          let shift = bias[o]
          for q in 0..<p { dst[q] = src[q] + shift }
        }
      }
    }
  }

  /// padded[b, y + p, x + p, c] = x[n0 + b, c, y, x].
  func loadPadded(_ x: UnsafePointer<S>, from n0: Int, count: Int) {
    forEachImageRow(from: n0, count: count) { offset, row in
      // row[x·C + ch] = image[ch, y, x]: a [C, W] → [W, C] transpose of one image row.
      Kernels.transpose(x + offset, rows: g.channels, columns: g.width, into: row, sourceStride: g.height * g.width)
    }
  }

  /// x[n0 + b, c, y, x] = padded[b, y + p, x + p, c].
  func storeUnpadded(into x: UnsafeMutablePointer<S>, from n0: Int, count: Int) {
    forEachImageRow(from: n0, count: count) { offset, row in
      // image[ch, y, x] = row[x·C + ch]: a [W, C] → [C, W] transpose, rows of the image h·w apart.
      Kernels.transpose(
        row, rows: g.width, columns: g.channels, into: x + offset, destinationStride: g.height * g.width)
    }
  }

  /// Calls `body(offset, row)` for each row y of images n0..<n0 + count: `offset` of x[n0 + b, 0, y, 0]
  /// in the NCHW batch, `row` the start of that row's interior in `padded` (channels-last).
  private func forEachImageRow(from n0: Int, count: Int, _ body: (Int, UnsafeMutablePointer<S>) -> Void) {
    let (c, h, w, p) = (g.channels, g.height, g.width, g.padding)
    for b in 0..<count {
      for y in 0..<h {
        body((n0 + b) * c * h * w + y * w, padded + ((b * paddedHeight + y + p) * paddedWidth + p) * c)
      }
    }
  }

  /// columns[(b·OH + oy)·OW + ox, (i·kw + j)·C + ch] = padded[b, oy·s + i, ox·s + j, ch].
  func gatherColumns(count: Int) {
    let (c, kh, kw, s) = (g.channels, g.kernelHeight, g.kernelWidth, g.stride)
    let run = kw * c
    var dst = columns
    for b in 0..<count {
      for oy in 0..<g.outHeight {
        for ox in 0..<g.outWidth {
          for i in 0..<kh {
            let src = padded + ((b * paddedHeight + oy * s + i) * paddedWidth + ox * s) * c
            if run == 4 {
              // One-channel layers (4x4 filters): runs of four, one vector each.
              UnsafeMutableRawPointer(dst).storeBytes(
                of: UnsafeRawPointer(src).loadUnaligned(as: SIMD4<S>.self), as: SIMD4<S>.self)
            } else {
              for t in 0..<run { dst[t] = src[t] }
            }
            dst += run
          }
        }
      }
    }
  }

  /// The adjoint of `gatherColumns`: padded (zeroed first) accumulates every column entry.
  func scatterColumns(count: Int) {
    let (c, kh, kw, s) = (g.channels, g.kernelHeight, g.kernelWidth, g.stride)
    let run = kw * c
    padded.update(repeating: 0, count: count * paddedHeight * paddedWidth * c)
    var src = UnsafePointer(columns)
    for b in 0..<count {
      for oy in 0..<g.outHeight {
        for ox in 0..<g.outWidth {
          for i in 0..<kh {
            let dst = padded + ((b * paddedHeight + oy * s + i) * paddedWidth + ox * s) * c
            if run == 4 {
              let sum =
                UnsafeRawPointer(dst).loadUnaligned(as: SIMD4<S>.self)
                + UnsafeRawPointer(src).loadUnaligned(as: SIMD4<S>.self)
              UnsafeMutableRawPointer(dst).storeBytes(of: sum, as: SIMD4<S>.self)
            } else {
              for t in 0..<run { dst[t] += src[t] }
            }
            src += run
          }
        }
      }
    }
  }
}

extension Kernels {
  /// dst [columns, rows] = src [rows, columns]ᵀ: dst[c·ds + r] = src[r·ss + c], where the rows of src lie
  /// `sourceStride` apart (default: columns) and those of dst `destinationStride` apart (default: rows).
  /// Works in 4x4 blocks held in vector registers.
  @inline(__always)
  static func transpose<S: TensorScalar>(
    _ src: UnsafePointer<S>, rows: Int, columns: Int, into dst: UnsafeMutablePointer<S>,
    sourceStride: Int? = nil, destinationStride: Int? = nil
  ) {
    let (ss, ds) = (sourceStride ?? columns, destinationStride ?? rows)
    let (rows4, columns4) = (rows & ~3, columns & ~3)
    var r = 0
    while r < rows4 {
      var c = 0
      while c < columns4 {
        transpose4x4(src + (r &* ss &+ c), ss, dst + (c &* ds &+ r), ds)
        c &+= 4
      }
      for c in columns4..<columns {
        for q in r..<r &+ 4 { dst[c &* ds &+ q] = src[q &* ss &+ c] }
      }
      r &+= 4
    }
    for q in rows4..<rows {
      for c in 0..<columns { dst[c &* ds &+ q] = src[q &* ss &+ c] }
    }
  }

  @inline(__always)
  private static func transpose4x4<S: TensorScalar>(
    _ src: UnsafePointer<S>, _ ss: Int, _ dst: UnsafeMutablePointer<S>, _ ds: Int
  ) {
    let a = UnsafeRawPointer(src).loadUnaligned(as: SIMD4<S>.self)
    let b = UnsafeRawPointer(src + ss).loadUnaligned(as: SIMD4<S>.self)
    let c = UnsafeRawPointer(src + 2 &* ss).loadUnaligned(as: SIMD4<S>.self)
    let d = UnsafeRawPointer(src + 3 &* ss).loadUnaligned(as: SIMD4<S>.self)
    // (a0 a2 b0 b2), (a1 a3 b1 b3), then the same for c, d; their even and odd halves are the columns.
    let (ab, cd) = (SIMD8(lowHalf: a, highHalf: b), SIMD8(lowHalf: c, highHalf: d))
    let even = SIMD8(lowHalf: ab.evenHalf, highHalf: cd.evenHalf)
    let odd = SIMD8(lowHalf: ab.oddHalf, highHalf: cd.oddHalf)
    UnsafeMutableRawPointer(dst).storeBytes(of: even.evenHalf, as: SIMD4<S>.self)
    UnsafeMutableRawPointer(dst + ds).storeBytes(of: odd.evenHalf, as: SIMD4<S>.self)
    UnsafeMutableRawPointer(dst + 2 &* ds).storeBytes(of: even.oddHalf, as: SIMD4<S>.self)
    UnsafeMutableRawPointer(dst + 3 &* ds).storeBytes(of: odd.oddHalf, as: SIMD4<S>.self)
  }
}
