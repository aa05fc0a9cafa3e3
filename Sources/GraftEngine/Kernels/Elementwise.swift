import CGlibcExtras
import RealModule

/// Element-wise functions of one tensor that the engine has a kernel for.
public enum UnaryOp: Sendable, Equatable {
  case negate, exp, log, sqrt, abs, square, reciprocal
  /// -1, 0 or 1.
  case sign
  case relu, sigmoid, tanh
  /// log(1 + eˣ), computed without overflow.
  case softplus
  /// xᵖ for a scalar exponent p.
  case pow(Double)
  /// x for x > 0, slope·x otherwise.
  case leakyRelu(slope: Double)
  case clamp(min: Double, max: Double)
  /// 1 where min ≤ x ≤ max, else 0 (the derivative of clamp).
  case insideMask(min: Double, max: Double)
}

/// Element-wise functions of two (broadcast) tensors that the engine has a kernel for.
public enum BinaryOp: Sendable, Equatable {
  case add, subtract, multiply, divide, maximum, minimum
  /// a / b where b ≠ 0, and 0 where b = 0.
  case safeDivide
  /// 1 where a > b, ½ where a = b, 0 where a < b: how `maximum` shares its gradient (as PyTorch does).
  case winnerMask
  /// 1 where a == b, else 0.
  case equalMask
  /// a where b > 0, slope·a elsewhere: the gradient g of (leaky) ReLU passed back through its input x
  /// in one pass instead of a mask and a product.
  case reluGradient(slope: Double)
}

/// Offset and strides (in elements) of an n-d view into a flat buffer.
public struct StridedLayout: Sendable, Equatable {
  public var offset: Int
  public var strides: [Int]
  public init(offset: Int = 0, strides: [Int]) {
    self.offset = offset
    self.strides = strides
  }
}

enum Kernels {
  /// out = op(x) element-wise, split across the cores when the tensor is large.
  static func unary<S: TensorScalar>(_ op: UnaryOp, _ x: UnsafeBufferPointer<S>, _ out: UnsafeMutableBufferPointer<S>) {
    guard let px = x.baseAddress, let po = out.baseAddress else { return }
    Parallel.forEachChunk(of: out.count, work: out.count) { range in
      unaryBlock(
        op, UnsafeBufferPointer(start: px + range.lowerBound, count: range.count),
        UnsafeMutableBufferPointer(start: po + range.lowerBound, count: range.count))
    }
  }

  /// The serial loop of `unary`. The switch sits inside the block so that each op's closure is inlined
  /// into its own loop (a closure passed through the parallel split would be called per element).
  static func unaryBlock<S: TensorScalar>(
    _ op: UnaryOp, _ x: UnsafeBufferPointer<S>, _ out: UnsafeMutableBufferPointer<S>
  ) {
    switch op {
    case .negate: map(x, out) { -$0 }
    case .exp: map(x, out) { S.exp($0) }
    case .log: map(x, out) { S.log($0) }
    case .sqrt: map(x, out) { $0.squareRoot() }
    case .abs: map(x, out) { Swift.abs($0) }
    case .square: map(x, out) { $0 * $0 }
    case .reciprocal: map(x, out) { 1 / $0 }
    case .sign: map(x, out) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
    case .relu: map(x, out) { $0 > 0 ? $0 : 0 }
    case .sigmoid:
      map(x, out) { v in
        // Two branches so that exp never overflows.
        if v >= 0 { return 1 / (1 + S.exp(-v)) }
        let e = S.exp(v)
        return e / (1 + e)
      }
    case .tanh:
      // Float: eight lanes at a time, each the Double tanh rounded once (tanh_lanes.h); Double: libm's.
      if S.self == Float.self, let px = x.baseAddress, let po = out.baseAddress {
        graft_tanh_floats(
          UnsafeRawPointer(px).assumingMemoryBound(to: Float.self),
          UnsafeMutableRawPointer(po).assumingMemoryBound(to: Float.self), out.count)
      } else {
        map(x, out) { S.tanh($0) }
      }
    case .softplus: map(x, out) { Swift.max($0, 0) + S.log(onePlus: S.exp(-Swift.abs($0))) }
    case .pow(let p):
      let e = S(p)
      // PyTorch multiplies out squares and cubes (and so rounds them as products, not as pow).
      if p == 2 {
        map(x, out) { $0 * $0 }
      } else if p == 3 {
        map(x, out) { $0 * $0 * $0 }
      } else if p == p.rounded(), Swift.abs(p) <= 64 {
        // Integer powers are defined for negative bases too (PyTorch gives (−2)³ = −8).
        let n = Int(p)
        map(x, out) { S.pow($0, n) }
      } else {
        map(x, out) { S.pow($0, e) }
      }
    case .leakyRelu(let slope):
      let s = S(slope)
      map(x, out) { $0 > 0 ? $0 : s * $0 }
    case .clamp(let lo, let hi):
      let l = S(lo)
      let h = S(hi)
      map(x, out) { Swift.min(Swift.max($0, l), h) }
    case .insideMask(let lo, let hi):
      let l = S(lo)
      let h = S(hi)
      map(x, out) { $0 >= l && $0 <= h ? 1 : 0 }
    }
  }

  @inline(__always)
  static func map<S: TensorScalar>(
    _ x: UnsafeBufferPointer<S>, _ out: UnsafeMutableBufferPointer<S>, _ f: (S) -> S
  ) {
    guard let px = x.baseAddress, let po = out.baseAddress else { return }
    for i in 0..<out.count { po[i] = f(px[i]) }
  }

  /// out = op(a, b) over `shape`, where each operand is read through its strides (0 for a broadcast
  /// dimension) and `out` is contiguous. Large outputs are split across the cores along their outermost
  /// (collapsed) dimension.
  static func binary<S: TensorScalar>(
    _ op: BinaryOp, _ a: UnsafeBufferPointer<S>, _ aStrides: [Int], _ b: UnsafeBufferPointer<S>,
    _ bStrides: [Int], _ shape: [Int], _ out: UnsafeMutableBufferPointer<S>
  ) {
    let n = out.count
    guard n > 0, let baseA = a.baseAddress, let baseB = b.baseAddress, let baseOut = out.baseAddress else { return }
    let dims = collapse(shape, [aStrides, bStrides, contiguousStrides(shape)])
    let (sa0, sb0, so0) = (dims.strides[0][0], dims.strides[1][0], dims.strides[2][0])
    Parallel.forEachChunk(of: dims.shape[0], work: n) { range in
      var block = dims
      block.shape[0] = range.count
      binaryBlock(
        op, baseA + range.lowerBound * sa0, baseB + range.lowerBound * sb0, baseOut + range.lowerBound * so0,
        .strided(block))
    }
  }

  /// out[i] = op(a[i·aStep], b[i·bStep]) with steps 0 or 1: operands of the output's shape, or one of
  /// them a single element. The common cases of `binary`, without its shape and stride arrays (a small
  /// training step runs hundreds of such ops, and each array is an allocation).
  static func binaryFlat<S: TensorScalar>(
    _ op: BinaryOp, _ a: UnsafeBufferPointer<S>, aStep: Int, _ b: UnsafeBufferPointer<S>, bStep: Int,
    _ out: UnsafeMutableBufferPointer<S>
  ) {
    let n = out.count
    guard n > 0, let baseA = a.baseAddress, let baseB = b.baseAddress, let baseOut = out.baseAddress else { return }
    Parallel.forEachChunk(of: n, work: n) { range in
      binaryBlock(
        op, baseA + range.lowerBound * aStep, baseB + range.lowerBound * bStep, baseOut + range.lowerBound,
        .flat(count: range.count, aStep: aStep, bStep: bStep))
    }
  }

  /// How `binaryBlock` walks its operands: one run of `count` elements at fixed steps, or collapsed
  /// dimensions with a stride per operand.
  enum BinaryWalk {
    case flat(count: Int, aStep: Int, bStep: Int)
    case strided((shape: [Int], strides: [[Int]]))
  }

  /// The serial loop of `binary`; the switch sits inside so that each op's closure is inlined.
  static func binaryBlock<S: TensorScalar>(
    _ op: BinaryOp, _ a: UnsafePointer<S>, _ b: UnsafePointer<S>, _ out: UnsafeMutablePointer<S>, _ walk: BinaryWalk
  ) {
    // Each op's constant travels as an argument, not a capture: a closure with a context is not
    // inlined into the loop and costs a call per element.
    switch op {
    case .add: zipBlock(a, b, out, walk, 0) { x, y, _ in x + y }
    case .subtract: zipBlock(a, b, out, walk, 0) { x, y, _ in x - y }
    case .multiply: zipBlock(a, b, out, walk, 0) { x, y, _ in x * y }
    case .divide: zipBlock(a, b, out, walk, 0) { x, y, _ in x / y }
    case .maximum: zipBlock(a, b, out, walk, 0) { x, y, _ in Swift.max(x, y) }
    case .minimum: zipBlock(a, b, out, walk, 0) { x, y, _ in Swift.min(x, y) }
    case .safeDivide: zipBlock(a, b, out, walk, 0) { x, y, _ in y == 0 ? 0 : x / y }
    case .winnerMask: zipBlock(a, b, out, walk, 0) { x, y, _ in x > y ? 1 : (x == y ? 0.5 : 0) }
    case .equalMask: zipBlock(a, b, out, walk, 0) { x, y, _ in x == y ? 1 : 0 }
    case .reluGradient(let slope):
      if slope == 0 {
        zipBlock(a, b, out, walk, 0) { g, x, _ in x > 0 ? g : 0 }
      } else {
        zipBlock(a, b, out, walk, S(slope)) { g, x, s in x > 0 ? g : s * g }
      }
    }
  }

  /// out[i] = f(a[i'], b[i''], c) as `walk` says, from pointers to the first elements.
  @inline(__always)
  static func zipBlock<S: TensorScalar>(
    _ baseA: UnsafePointer<S>, _ baseB: UnsafePointer<S>, _ baseOut: UnsafeMutablePointer<S>, _ walk: BinaryWalk,
    _ c: S, _ f: (S, S, S) -> S
  ) {
    let dims: (shape: [Int], strides: [[Int]])
    switch walk {
    case .flat(let count, let sa, let sb):
      zipRow(baseA, sa, baseB, sb, baseOut, count, c, f)
      return
    case .strided(let d):
      dims = d
    }
    let rank = dims.shape.count
    let inner = dims.shape[rank - 1]
    let sa = dims.strides[0][rank - 1]
    let sb = dims.strides[1][rank - 1]
    let total = dims.shape.reduce(1, *)
    var index = [Int](repeating: 0, count: rank)
    var offA = 0
    var offB = 0
    var o = 0
    while o < total {
      zipRow(baseA + offA, sa, baseB + offB, sb, baseOut + o, inner, c, f)
      o += inner
      // Advance the outer multi-index like an odometer.
      var d = rank - 2
      while d >= 0 {
        index[d] += 1
        offA += dims.strides[0][d]
        offB += dims.strides[1][d]
        if index[d] < dims.shape[d] { break }
        offA -= dims.strides[0][d] * dims.shape[d]
        offB -= dims.strides[1][d] * dims.shape[d]
        index[d] = 0
        d -= 1
      }
    }
  }

  /// po[i] = f(pa[i·sa], pb[i·sb], c) for i < count. Pointer-based loops: index arithmetic like `offA + i`
  /// is overflow-checked, and the checks keep the loop from being vectorised.
  @inline(__always)
  static func zipRow<S: TensorScalar>(
    _ pa: UnsafePointer<S>, _ sa: Int, _ pb: UnsafePointer<S>, _ sb: Int, _ po: UnsafeMutablePointer<S>,
    _ count: Int, _ c: S, _ f: (S, S, S) -> S
  ) {
    if sa == 1 && sb == 1 {
      for i in 0..<count { po[i] = f(pa[i], pb[i], c) }
    } else if sa == 1 && sb == 0 {
      let bv = pb[0]
      for i in 0..<count { po[i] = f(pa[i], bv, c) }
    } else if sa == 0 && sb == 1 {
      let av = pa[0]
      for i in 0..<count { po[i] = f(av, pb[i], c) }
    } else {
      for i in 0..<count { po[i] = f(pa[i &* sa], pb[i &* sb], c) }
    }
  }

  /// Merges adjacent dimensions that every operand walks through contiguously, so that inner loops are
  /// as long as possible (a [64, 128, 8, 8] + [1, 128, 1, 1] bias becomes [64, 128, 64]).
  static func collapse(_ shape: [Int], _ strides: [[Int]]) -> (shape: [Int], strides: [[Int]]) {
    var outShape: [Int] = []
    var outStrides: [[Int]] = Array(repeating: [], count: strides.count)
    for d in 0..<shape.count where shape[d] != 1 {
      if let last = outShape.last,
        strides.indices.allSatisfy({ outStrides[$0].last! == strides[$0][d] * shape[d] })
      {
        outShape[outShape.count - 1] = last * shape[d]
        for k in strides.indices { outStrides[k][outStrides[k].count - 1] = strides[k][d] }
      } else {
        outShape.append(shape[d])
        for k in strides.indices { outStrides[k].append(strides[k][d]) }
      }
    }
    if outShape.isEmpty {
      return ([1], Array(repeating: [0], count: strides.count))
    }
    return (outShape, outStrides)
  }
}
