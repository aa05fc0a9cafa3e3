import GraftData
import GraftEngine
import Testing

@Suite("The paper's synthetic setting: orthogonal modes in R^d")
struct SyntheticModesTests {
  @Test func defaultsAreThePapersConstants() {
    let data = SyntheticModes()
    #expect(data.dimension == 100)
    #expect(data.modeCount == 2)
    #expect(data.noise == 0.01)
    #expect(data.weights == [1, 1])
    #expect(data.norms == [1, 1])
  }

  @Test func modeDirectionsAreOrthonormalBasisVectors() {
    let data = SyntheticModes(dimension: 20, modeCount: 5)
    let u = data.modeDirections
    #expect(u.shape == [5, 20])
    let gram = matmul(u, u.transposed())
    for i in 0..<5 {
      for j in 0..<5 { #expect(gram[i, j] == (i == j ? 1 : 0)) }
      #expect(u[i, i] == 1)
    }
  }

  @Test func samplesLieNearTheirModesCentre() {
    let data = SyntheticModes(dimension: 100, modeCount: 3, noise: 0.01, norms: [1, 2, 0.5])
    var rng = RandomGenerator(seed: 3)
    let (points, modes) = data.sample(600, generator: &rng)
    #expect(points.shape == [600, 100])
    #expect(modes.count == 600)
    let x = points.scalars
    let centres = data.modeCenters.scalars
    for (i, k) in modes.enumerated() {
      var distance: Float = 0
      var nearest = (mode: -1, distance: Float.infinity)
      for c in 0..<3 {
        var d2: Float = 0
        for j in 0..<100 {
          let diff = x[i * 100 + j] - centres[c * 100 + j]
          d2 += diff * diff
        }
        if c == k { distance = d2.squareRoot() }
        if d2 < nearest.distance { nearest = (c, d2) }
      }
      // The noise has norm about σ√d = 0.1.
      #expect(distance < 0.2, "sample \(i) is \(distance) from its mode \(k)")
      #expect(nearest.mode == k)
    }
  }

  @Test func modeFrequenciesFollowTheWeights() {
    let data = SyntheticModes(dimension: 10, modeCount: 4, weights: [3, 1, 0, 4])
    #expect(data.modeProbabilities == [0.375, 0.125, 0, 0.5])
    var rng = RandomGenerator(seed: 8)
    let n = 40_000
    let (_, modes) = data.sample(n, generator: &rng)
    var counts = [Int](repeating: 0, count: 4)
    for k in modes { counts[k] += 1 }
    #expect(counts[2] == 0)
    for k in [0, 1, 3] {
      let share = Double(counts[k]) / Double(n)
      #expect(abs(share - data.modeProbabilities[k]) < 0.01, "mode \(k): share \(share)")
    }
  }

  @Test func sameSeedSameSamples() {
    let data = SyntheticModes()
    var a = RandomGenerator(seed: 42)
    var b = RandomGenerator(seed: 42)
    let x = data.sample(10, generator: &a)
    let y = data.sample(10, generator: &b)
    #expect(x.points.scalars == y.points.scalars && x.modes == y.modes)
  }
}
