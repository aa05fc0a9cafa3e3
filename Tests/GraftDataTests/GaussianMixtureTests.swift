import Foundation
import GraftData
import GraftEngine
import Testing

@Suite("Gaussian mixtures: ring8 and grid25")
struct GaussianMixtureTests {
  @Test func ring8CentresLieOnACircleOfRadius2EvenlySpaced() {
    let ring = GaussianMixture.ring8
    #expect(ring.name == "ring8")
    #expect(ring.modeCount == 8 && ring.dimension == 2)
    #expect(ring.standardDeviation == 0.02)
    for (k, c) in ring.centers.enumerated() {
      #expect(abs((c[0] * c[0] + c[1] * c[1]).squareRoot() - 2) < 1e-5)
      let angle = Foundation.atan2(Double(c[1]), Double(c[0]))
      let expected = 2 * Double.pi * Double(k) / 8
      let difference = Foundation.remainder(angle - expected, 2 * Double.pi)
      #expect(abs(difference) < 1e-5, "mode \(k) at angle \(angle), expected \(expected)")
    }
    #expect(ring.centers[0] == [2, 0])
    #expect(ring.centers[2] == [0, 2])
    #expect(ring.centerTensor.shape == [8, 2])
  }

  @Test func grid25CentresAreTheFiveByFiveGridWithSpacing2() {
    let grid = GaussianMixture.grid25
    #expect(grid.name == "grid25")
    #expect(grid.modeCount == 25)
    #expect(grid.standardDeviation == 0.05)
    let coordinates: [Float] = [-4, -2, 0, 2, 4]
    let expected = Set(coordinates.flatMap { x in coordinates.map { y in [x, y] } })
    #expect(Set(grid.centers) == expected)
    #expect(grid.centers.count == 25)
  }

  @Test(arguments: [GaussianMixture.ring8, GaussianMixture.grid25])
  func samplesHaveTheModesMeansAndStandardDeviation(_ mixture: GaussianMixture) {
    var rng = RandomGenerator(seed: 11)
    let n = 400 * mixture.modeCount
    let (points, modes) = mixture.sampleWithModes(n, generator: &rng)
    #expect(points.shape == [n, 2])
    var perMode = [[Float]](repeating: [], count: mixture.modeCount)
    for (i, k) in modes.enumerated() { perMode[k].append(contentsOf: points.scalars[(2 * i)..<(2 * i + 2)]) }
    let sigma = mixture.standardDeviation
    for k in 0..<mixture.modeCount {
      let m = perMode[k].count / 2
      #expect(m > 250, "mode \(k) drew \(m) of \(n) samples; expected about 400")
      for axis in 0..<2 {
        let values = stride(from: axis, to: perMode[k].count, by: 2).map { Double(perMode[k][$0]) }
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        #expect(abs(mean - Double(mixture.centers[k][axis])) < 4 * Double(sigma) / Double(m).squareRoot() + 1e-6)
        #expect(abs(std / Double(sigma) - 1) < 0.2, "mode \(k) axis \(axis): std \(std), expected \(sigma)")
      }
    }
    // Every point is within 6 standard deviations of the mode it was drawn from.
    for (i, k) in modes.enumerated() {
      let dx = points.scalars[2 * i] - mixture.centers[k][0]
      let dy = points.scalars[2 * i + 1] - mixture.centers[k][1]
      #expect((dx * dx + dy * dy).squareRoot() < 6 * sigma)
    }
  }

  @Test func allModesAppearAndTheSameSeedGivesTheSameSamples() {
    for mixture in [GaussianMixture.ring8, .grid25] {
      var a = RandomGenerator(seed: 5)
      var b = RandomGenerator(seed: 5)
      let (points, modes) = mixture.sampleWithModes(2000, generator: &a)
      #expect(Set(modes) == Set(0..<mixture.modeCount))
      #expect(mixture.sample(2000, generator: &b).scalars == points.scalars)
    }
  }

  @Test func generalInitializerWorksInAnyDimension() {
    let mixture = GaussianMixture(name: "pair", centers: [[0, 0, 0], [10, 10, 10]], standardDeviation: 0)
    var rng = RandomGenerator(seed: 1)
    let points = mixture.sample(50, generator: &rng)
    #expect(points.shape == [50, 3])
    for i in 0..<50 {
      let row = Array(points.scalars[(3 * i)..<(3 * i + 3)])
      #expect(row == [0, 0, 0] || row == [10, 10, 10])
    }
  }
}
