/// `np.random.RandomState(seed).permutation(n)`: the shuffle torch-fidelity applies before splitting
/// samples for the Inception Score (seed 2020), so that Graft's splits are the same samples.
///
/// NumPy's legacy generator is MT19937 seeded by `mt19937_seed` (Knuth's initialisation of the 624
/// words), and its `shuffle` is Fisher–Yates from the end, each index drawn by `random_interval`:
/// 32-bit outputs masked to the next power of two minus one, rejected while above the bound.
public enum NumPyLegacyPermutation {
  /// The permutation of 0..<n that `RandomState(seed).permutation(n)` returns.
  public static func permutation(_ n: Int, seed: UInt32) -> [Int] {
    var generator = MersenneTwister(seed: seed)
    var values = Array(0..<n)
    var i = n - 1
    while i >= 1 {
      let j = generator.interval(UInt32(i))
      values.swapAt(i, Int(j))
      i -= 1
    }
    return values
  }

  /// MT19937 (Matsumoto and Nishimura, 1998), 32-bit outputs.
  struct MersenneTwister {
    private var state = [UInt32](repeating: 0, count: 624)
    private var position = 624

    init(seed: UInt32) {
      var s = seed
      for i in 0..<624 {
        state[i] = s
        s = 1_812_433_253 &* (s ^ (s >> 30)) &+ UInt32(i + 1)
      }
    }

    mutating func next() -> UInt32 {
      if position >= 624 { twist() }
      var y = state[position]
      position += 1
      y ^= y >> 11
      y ^= (y << 7) & 0x9D2C_5680
      y ^= (y << 15) & 0xEFC6_0000
      y ^= y >> 18
      return y
    }

    /// A value in 0...bound (NumPy's `random_interval` for bounds below 2³²).
    mutating func interval(_ bound: UInt32) -> UInt32 {
      guard bound > 0 else { return 0 }
      var mask = bound
      mask |= mask >> 1
      mask |= mask >> 2
      mask |= mask >> 4
      mask |= mask >> 8
      mask |= mask >> 16
      while true {
        let value = next() & mask
        if value <= bound { return value }
      }
    }

    private mutating func twist() {
      for i in 0..<624 {
        let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
        state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ (y & 1 == 0 ? 0 : 0x9908_B0DF)
      }
      position = 0
    }
  }
}
