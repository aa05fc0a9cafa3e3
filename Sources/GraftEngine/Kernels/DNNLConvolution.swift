import CGraftDNNL
import Synchronization

// Float convolutions through oneDNN's JIT kernels (Debian's libdnnl-dev, the library PyTorch's CPU
// convolutions run on), where they were measured faster than Graft's own: on CPUs where oneDNN runs
// AVX-512 code, and with both channel counts multiples of 16, the vector width its blocked layouts use.
// Its AVX2 kernels lost to Graft's im2col and OpenBLAS by 8–10% on a Zen 3 (docs/performance.md, tenth
// session), so AVX2 machines, and every other case (one input or output channel, Double), run Graft's
// kernels in ConvKernels.swift. Each call of oneDNN runs on one thread over a fixed chunk of the batch, and the
// chunks are spread over Graft's workers, so results do not depend on the number of threads: chunk sizes
// and the filter gradient's two partial sums depend on the geometry only.

extension Kernels {
  enum DNNLConvolution {
    /// Images per oneDNN call for the forward and input-gradient directions (measured on the DCGAN's
    /// shapes: 4 pays a fixed cost per call too often, 16 and more lose the cache).
    static let imagesPerChunk = 8
    /// Partial sums of the filter gradient, each over a contiguous half of the batch, added in order.
    static let filterLanes = 2

    /// Images in one oneDNN call in `direction` on `g` (the first call; the last chunk or lane may differ):
    /// a chunk for the forward and input-gradient directions, half the batch for the filter gradient.
    static func imagesPerCall(_ direction: ConvolutionDirection, _ g: ConvGeometry) -> Int {
      direction == .filterGradient ? g.batch / min(filterLanes, g.batch) : min(imagesPerChunk, g.batch)
    }

    /// Whether oneDNN's kernels here are AVX-512 ones, the only ones measured faster than Graft's.
    static let runsAVX512 = Runtime.convolutionInstructionSet.hasPrefix("avx512")

    /// Whether oneDNN is asked at all for `g` with `o` filters.
    static func applies(_ g: ConvGeometry, outChannels o: Int) -> Bool {
      runsAVX512 && g.channels % 16 == 0 && o % 16 == 0 && g.batch > 0
    }

    static func plan(
      _ direction: ConvolutionDirection, _ g: ConvGeometry, images: Int, outChannels o: Int, bias: Bool = false
    ) -> OpaquePointer? {
      graft_conv_plan_get(
        direction.oneDNN, Int32(images), Int32(g.channels), Int32(g.height), Int32(g.width), Int32(o),
        Int32(g.kernelHeight), Int32(g.kernelWidth), Int32(g.stride), Int32(g.padding), bias ? 1 : 0)
    }

    /// y = conv(x, w) + bias through oneDNN; false (nothing written) when it has no fast kernel here.
    static func forward(
      _ x: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>, bias: UnsafeBufferPointer<Float>,
      outChannels o: Int, _ g: ConvGeometry, _ y: UnsafeMutableBufferPointer<Float>
    ) -> Bool {
      let hasBias = !bias.isEmpty
      let (xs, ys, bs) = (UncheckedSendable(x.baseAddress!), UncheckedSendable(y.baseAddress!), UncheckedSendable(bias))
      return overImageChunks(.forward, g, outChannels: o, bias: hasBias, filter: w) { plan, filter, n0 in
        graft_conv_run_forward(
          plan, xs.value + n0 * g.channels * g.height * g.width, filter, hasBias ? bs.value.baseAddress : nil,
          ys.value + n0 * o * g.outHeight * g.outWidth)
      }
    }

    /// gx = the adjoint of conv in x applied to gy, through oneDNN; false when it has no fast kernel here.
    static func inputGradient(
      _ gy: UnsafeBufferPointer<Float>, _ w: UnsafeBufferPointer<Float>, outChannels o: Int, _ g: ConvGeometry,
      _ gx: UnsafeMutableBufferPointer<Float>
    ) -> Bool {
      let (gys, gxs) = (UncheckedSendable(gy.baseAddress!), UncheckedSendable(gx.baseAddress!))
      return overImageChunks(.inputGradient, g, outChannels: o, bias: false, filter: w) { plan, filter, n0 in
        graft_conv_run_backward_data(
          plan, gys.value + n0 * o * g.outHeight * g.outWidth, filter,
          gxs.value + n0 * g.channels * g.height * g.width)
      }
    }

    /// Runs `body(plan, packed filter, first image)` for each chunk of `imagesPerChunk` images (the last
    /// one shorter), the chunks spread over the workers; false when oneDNN has no fast kernel.
    private static func overImageChunks(
      _ direction: ConvolutionDirection, _ g: ConvGeometry, outChannels o: Int, bias: Bool,
      filter w: UnsafeBufferPointer<Float>, _ body: (OpaquePointer, UnsafePointer<Float>, Int) -> Int32
    ) -> Bool {
      guard applies(g, outChannels: o) else { return false }
      let per = imagesPerCall(direction, g)
      let tail = g.batch % per
      guard let main = plan(direction, g, images: per, outChannels: o, bias: bias) else { return false }
      let last = tail == 0 ? main : plan(direction, g, images: tail, outChannels: o, bias: bias)
      guard let last else { return false }
      // The filter in oneDNN's layout, once per call (twice if the short chunk's plan reads another).
      let packed = PackedFilter(main, w)
      defer { packed.deallocate() }
      let lastPacked = graft_conv_same_weights_layout(main, last) != 0 ? nil : PackedFilter(last, w)
      defer { lastPacked?.deallocate() }
      let filters = UncheckedSendable((packed.pointer, (lastPacked ?? packed).pointer))
      let plans = UncheckedSendable((main, last))
      let chunks = (g.batch + per - 1) / per
      let failed = Atomic<Bool>(false)
      Parallel.forEachChunk(of: chunks, work: g.columns * g.rows, pieces: chunks) { range in
        for chunk in range {
          let isLast = chunk == chunks - 1
          let status = body(
            isLast ? plans.value.1 : plans.value.0, isLast ? filters.value.1 : filters.value.0, chunk * per)
          if status != 0 { failed.store(true, ordering: .relaxed) }
        }
      }
      if failed.load(ordering: .relaxed) { oneDNNFailed(direction) }
      return true
    }

    /// gw = the filter gradient of conv for x and gy through oneDNN, as `filterLanes` partial sums over
    /// halves of the batch added in order; false when oneDNN has no fast kernel here.
    static func filterGradient(
      _ x: UnsafeBufferPointer<Float>, _ gy: UnsafeBufferPointer<Float>, outChannels o: Int, _ g: ConvGeometry,
      _ gw: UnsafeMutableBufferPointer<Float>
    ) -> Bool {
      guard applies(g, outChannels: o) else { return false }
      let lanes = min(filterLanes, g.batch)
      let bounds = (0...lanes).map { g.batch * $0 / lanes }
      var lanePlans: [OpaquePointer] = []
      for lane in 0..<lanes {
        guard let p = plan(.filterGradient, g, images: bounds[lane + 1] - bounds[lane], outChannels: o) else {
          return false
        }
        lanePlans.append(p)
      }
      let size = gw.count
      let partials = UnsafeMutablePointer<Float>.allocate(capacity: (lanes - 1) * size)
      defer { partials.deallocate() }
      let (xs, gys, gws, ps) = (
        UncheckedSendable(x.baseAddress!), UncheckedSendable(gy.baseAddress!), UncheckedSendable(gw.baseAddress!),
        UncheckedSendable(partials)
      )
      let plans = UncheckedSendable(lanePlans)
      let failed = Atomic<Bool>(false)
      Parallel.forEachChunk(of: lanes, work: g.columns * g.rows, pieces: lanes) { range in
        for lane in range {
          let n0 = bounds[lane]
          let status = graft_conv_run_backward_weights(
            plans.value[lane], xs.value + n0 * g.channels * g.height * g.width,
            gys.value + n0 * o * g.outHeight * g.outWidth, lane == 0 ? gws.value : ps.value + (lane - 1) * size)
          if status != 0 { failed.store(true, ordering: .relaxed) }
        }
      }
      if failed.load(ordering: .relaxed) { oneDNNFailed(.filterGradient) }
      for lane in 1..<lanes {
        let partial = partials + (lane - 1) * size
        for i in 0..<size { gw[i] += partial[i] }
      }
      return true
    }

    private static func oneDNNFailed(_ direction: ConvolutionDirection) -> Never {
      fatalError(
        "oneDNN's convolution (\(direction)) failed: out of memory? Free memory or run with a smaller batch.")
    }
  }
}

/// The three convolution primitives, each the derivative of the others (Ops/Tensor+Conv.swift).
public enum ConvolutionDirection: Sendable, CaseIterable {
  /// y = conv(x, w) (+ bias).
  case forward
  /// The adjoint in x (also the transposed convolution).
  case inputGradient
  /// The gradient in w.
  case filterGradient

  var oneDNN: graft_conv_direction {
    switch self {
    case .forward: graft_conv_forward
    case .inputGradient: graft_conv_backward_data
    case .filterGradient: graft_conv_backward_weights
    }
  }
}

extension ConvGeometry {
  /// The kernel a Float convolution with this geometry and `outChannels` filters runs in `direction`:
  /// oneDNN's name for its own (e.g. "jit:avx512_core"), or "graft" for Graft's chunked im2col kernels.
  public func floatKernel(outChannels o: Int, direction: ConvolutionDirection = .forward) -> String {
    typealias DNNL = Kernels.DNNLConvolution
    guard DNNL.applies(self, outChannels: o),
      let plan = DNNL.plan(direction, self, images: DNNL.imagesPerCall(direction, self), outChannels: o)
    else { return "graft" }
    return String(cString: graft_conv_plan_kernel(plan))
  }
}

/// A filter packed into a plan's layout, on the heap for the duration of one call.
private struct PackedFilter {
  let pointer: UnsafeMutablePointer<Float>

  init(_ plan: OpaquePointer, _ w: UnsafeBufferPointer<Float>) {
    pointer = .allocate(capacity: max(1, graft_conv_packed_weights_count(plan)))
    if graft_conv_pack_weights(plan, w.baseAddress!, pointer) != 0 {
      fatalError("oneDNN could not reorder a convolution filter: out of memory?")
    }
  }

  func deallocate() { pointer.deallocate() }
}
