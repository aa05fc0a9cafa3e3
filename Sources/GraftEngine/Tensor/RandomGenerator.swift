import CGlibcExtras
import RealModule

/// The one source of randomness in Graft: a seeded xoshiro256** generator.
///
/// The same seed gives the same numbers on every run and machine. `split()` forks an independent
/// stream (for a data loader, a model's initialisation, ...) so that adding draws to one part of a
/// program does not shift the numbers another part sees. The state can be saved and restored.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
  /// The four words of xoshiro256** state.
  public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

  /// A generator seeded by expanding `seed` with SplitMix64 (as the xoshiro authors recommend).
  public init(seed: UInt64) {
    var s = seed
    state = (Self.splitMix(&s), Self.splitMix(&s), Self.splitMix(&s), Self.splitMix(&s))
  }

  /// A generator restored from saved state words (see `stateWords`).
  public init(stateWords: [UInt64]) {
    precondition(stateWords.count == 4, "RandomGenerator: expected 4 state words, got \(stateWords.count)")
    precondition(stateWords.contains { $0 != 0 }, "RandomGenerator: the all-zero state is invalid")
    state = (stateWords[0], stateWords[1], stateWords[2], stateWords[3])
  }

  /// The state as four words, to save in a checkpoint.
  public var stateWords: [UInt64] { [state.0, state.1, state.2, state.3] }

  public static func == (lhs: Self, rhs: Self) -> Bool { lhs.stateWords == rhs.stateWords }

  public mutating func next() -> UInt64 {
    let result = rotl(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotl(state.3, 45)
    return result
  }

  /// Writes the next `count` words at `p`: the values of `count` calls to `next()`, drawn by a local
  /// copy so that the state stays in registers.
  mutating func fill(_ p: UnsafeMutablePointer<UInt64>, count: Int) {
    var generator = self
    for i in 0..<count { p[i] = generator.next() }
    self = generator
  }

  /// A new generator whose stream is independent of this one's; advances this one.
  public mutating func split() -> RandomGenerator {
    RandomGenerator(seed: next() ^ 0x9E37_79B9_7F4A_7C15)
  }

  /// Uniform in [0, 1) with 53 random bits.
  public mutating func nextUnitDouble() -> Double {
    Self.unitDouble(next())
  }

  /// A word made a uniform draw in [0, 1) with its top 53 bits.
  @inline(__always)
  private static func unitDouble(_ word: UInt64) -> Double {
    Double(word >> 11) * 0x1.0p-53
  }

  /// A standard normal draw (Box–Muller, in Double).
  public mutating func nextNormal() -> Double {
    boxMuller(cosineOnly: true).0
  }

  /// `count` standard normal draws. Each Box–Muller pair gives two (the cosine and the sine), so this
  /// costs half of `count` calls to `nextNormal`; tensors and data samplers draw through it.
  public mutating func normals(count: Int) -> [Double] {
    normalRows(1, count: count) { _ in }.normals
  }

  /// For each of `rows` rows, `draw(&self)` (a sample's other draws, such as its mode) and then `count`
  /// normals: the values of calling `draw` and `normals(count:)` row after row. The normals' words are
  /// taken from the stream in that order and transformed together afterwards; the logarithms and sines
  /// (most of the cost) run on all cores for long runs, and each value depends only on its two words,
  /// so the result does not depend on the thread count.
  public mutating func normalRows<Draw>(
    _ rows: Int, count: Int, after draw: (inout RandomGenerator) -> Draw
  ) -> (draws: [Draw], normals: [Double]) {
    let pairsPerRow = (count + 1) / 2
    let (draws, words) = drawRows(rows, count: count, after: draw)
    let normals = [Double](unsafeUninitializedCapacity: rows * count) { out, initialized in
      words.withUnsafeBufferPointer { w in
        let (source, destination) = (UncheckedSendable(w.baseAddress!), UncheckedSendable(out.baseAddress!))
        // A pair costs about as much as a hundred element-wise operations.
        Parallel.forEachChunk(of: rows * pairsPerRow, work: rows * pairsPerRow * 128) { pairs in
          guard !pairs.isEmpty else { return }
          // Row and pair within it, advanced along the range (no division per pair).
          var (row, j) = pairs.lowerBound.quotientAndRemainder(dividingBy: pairsPerRow)
          for pair in pairs {
            let word = source.value + 2 * pair
            let (z0, z1) = Self.boxMuller(word[0], word[1], cosineOnly: 2 * j + 1 == count)
            let o = destination.value + row * count + 2 * j
            o[0] = z0
            if 2 * j + 1 < count { o[1] = z1 }
            j += 1
            if j == pairsPerRow { (row, j) = (row + 1, 0) }
          }
        }
      }
      initialized = rows * count
    }
    return (draws, normals)
  }

  /// `normalRows` rounded to Float as data samplers use it: for each row, `draw(&self)` and then `count`
  /// values Float(scale · zⱼ), or Float(offset(draw, j) + scale · zⱼ) with an offset, where z is that
  /// row's normals from `normalRows`. Exactly those values, bit for bit, but four pairs at a time
  /// (`BoxMullerKernel`: lane polynomials instead of glibc's `log` and `sincos`, each value certified
  /// to round as the scalar one does, and computed by the scalar transform where it might not).
  public mutating func normalRows<Draw>(
    _ rows: Int, count: Int, scale: Double, after draw: (inout RandomGenerator) -> Draw,
    offset: ((Draw, Int) -> Double)? = nil
  ) -> (draws: [Draw], values: [Float]) {
    let pairsPerRow = (count + 1) / 2
    let pairCount = rows * pairsPerRow
    let (draws, words) = drawRows(rows, count: count, after: draw)
    // The column's offset, looked up once per value, whichever of the bounds and the scalar normal it rounds.
    @inline(__always) func shift(_ row: Int, _ column: Int) -> Double? { offset.map { $0(draws[row], column) } }
    // Monotone in z (scale ≥ 0 or not), which the certificate relies on.
    @inline(__always) func rounded(_ z: Double, _ shift: Double?) -> Float {
      guard let shift else { return Float(scale * z) }
      return Float(shift + scale * z)
    }
    let values = [Float](unsafeUninitializedCapacity: rows * count) { out, initialized in
      words.withUnsafeBufferPointer { w in
        let (source, destination) = (UncheckedSendable(w.baseAddress!), UncheckedSendable(out.baseAddress!))
        Parallel.forEachChunk(of: pairCount, work: pairCount * 24) { pairs in
          guard !pairs.isEmpty else { return }
          var (row, j) = pairs.lowerBound.quotientAndRemainder(dividingBy: pairsPerRow)
          // Blocks of 64 pairs: the lanes' normals into a buffer that stays in cache, then rounded.
          withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 * 64) { buffer in
            let (radii, cosines, sines) = (buffer.baseAddress!, buffer.baseAddress! + 64, buffer.baseAddress! + 128)
            for start in stride(from: pairs.lowerBound, to: pairs.upperBound, by: 64) {
              let block = min(64, pairs.upperBound - start)
              BoxMullerKernel.pairs(source.value + 2 * start, count: block, radius: radii, cosine: cosines, sine: sines)
              for l in 0..<block {
                let cosineOnly = 2 * j + 1 == count
                // Nonzero, so that a value at zero (whose sign the lanes might not get right) is recomputed.
                let error = radii[l] * BoxMullerKernel.certifiedError + 0x1p-1000
                var exact: (Double, Double)?
                func emit(_ z: Double, _ k: Int) {
                  let offset = shift(row, 2 * j + k)
                  let low = rounded(z - error, offset)
                  var value = rounded(z + error, offset)
                  if low.bitPattern != value.bitPattern {
                    let word = source.value + 2 * (start + l)
                    let scalar = exact ?? Self.boxMuller(word[0], word[1], cosineOnly: cosineOnly)
                    exact = scalar
                    value = rounded(k == 0 ? scalar.0 : scalar.1, offset)
                  }
                  destination.value[row * count + 2 * j + k] = value
                }
                emit(cosines[l], 0)
                if !cosineOnly { emit(sines[l], 1) }
                j += 1
                if j == pairsPerRow { (row, j) = (row + 1, 0) }
              }
            }
          }
        }
      }
      initialized = rows * count
    }
    return (draws, values)
  }

  /// For each of `rows` rows, `draw(&self)` and then the words of `count` normals (two per pair).
  private mutating func drawRows<Draw>(
    _ rows: Int, count: Int, after draw: (inout RandomGenerator) -> Draw
  ) -> (draws: [Draw], words: [UInt64]) {
    precondition(rows >= 0 && count >= 0, "RandomGenerator: negative normal rows \(rows) or count \(count)")
    let wordsPerRow = 2 * ((count + 1) / 2)
    var draws: [Draw] = []
    draws.reserveCapacity(rows)
    // Written through a pointer: `append` checks capacity and uniqueness per word, which cost more than
    // drawing the word.
    var generator = self
    let words = [UInt64](unsafeUninitializedCapacity: rows * wordsPerRow) { w, initialized in
      for row in 0..<rows {
        draws.append(draw(&generator))
        if wordsPerRow > 0 { generator.fill(w.baseAddress! + row * wordsPerRow, count: wordsPerRow) }
      }
      initialized = rows * wordsPerRow
    }
    self = generator
    return (draws, words)
  }

  /// Two independent standard normal draws from two uniform ones (Box–Muller); the second is 0 when
  /// `cosineOnly`, which saves the sine.
  private mutating func boxMuller(cosineOnly: Bool) -> (Double, Double) {
    let (a, b) = (next(), next())
    return Self.boxMuller(a, b, cosineOnly: cosineOnly)
  }

  /// Box–Muller from two random words (each made a uniform draw as by `nextUnitDouble`).
  @inline(__always)
  private static func boxMuller(_ a: UInt64, _ b: UInt64, cosineOnly: Bool) -> (Double, Double) {
    // 1 − u lies in (0, 1], so the logarithm is finite.
    let u1 = 1 - unitDouble(a)
    let u2 = unitDouble(b)
    let r = (-2 * _log(u1)).squareRoot()
    let angle = 2 * Double.pi * u2
    if cosineOnly { return (r * _cos(angle), 0) }
    // glibc's sincos: the same values as sin and cos (checked bit for bit on 2·10⁷ angles), a third faster.
    var (sine, cosine) = (0.0, 0.0)
    sincos(angle, &sine, &cosine)
    return (r * cosine, r * sine)
  }

  private static func splitMix(_ x: inout UInt64) -> UInt64 {
    x &+= 0x9E37_79B9_7F4A_7C15
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// x rotated left by k (0 < k < 64); masking shifts, so that it is one rotate instruction.
  @inline(__always)
  private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x &<< k) | (x &>> (64 &- k)) }
}

@inline(__always) private func _log(_ x: Double) -> Double { Double.log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { Double.cos(x) }
