import Foundation
import GraftData
import GraftEngine
import GraftGAN
import GraftRun
import Testing

@Suite("Mixture and synthetic-setting metrics on sample sets with known answers")
struct MetricsTests {
  let ring = GaussianMixture.ring8

  func points(_ list: [[Float]]) -> Tensor<Float> {
    Tensor(shape: [list.count, 2], scalars: list.flatMap { $0 })
  }

  @Test func allModes() {
    var rng = RandomGenerator(seed: 1)
    let samples = ring.sample(4000, generator: &rng)
    let m = MixtureCoverage(samples: samples, centers: ring.centers, standardDeviation: ring.standardDeviation)
    #expect(m.modesCovered == 8)
    #expect(m.highQualityShare > 0.99)  // 3 std in 2-D holds 98.9% of a Gaussian's mass
    #expect(m.klToUniform < 0.01)
  }

  @Test func oneMode() {
    let samples = points(Array(repeating: ring.centers[3], count: 500))
    let m = MixtureCoverage(samples: samples, centers: ring.centers, standardDeviation: ring.standardDeviation)
    #expect(m.modesCovered == 1 && m.counts[3] == 500)
    #expect(m.highQualityShare == 1)
    #expect(abs(m.klToUniform - Float(Foundation.log(8.0))) < 1e-5)
  }

  @Test func halfTheModes() {
    let list = (0..<400).map { ring.centers[($0 % 4) * 2] }
    let m = MixtureCoverage(samples: points(list), centers: ring.centers, standardDeviation: ring.standardDeviation)
    #expect(m.modesCovered == 4)
    #expect(abs(m.klToUniform - Float(Foundation.log(2.0))) < 1e-5)
  }

  @Test func pureNoise() {
    var rng = RandomGenerator(seed: 2)
    let noise = Tensor<Float>(randomUniform: [2000, 2], lowerBound: -3, upperBound: 3, generator: &rng)
    let m = MixtureCoverage(samples: noise, centers: ring.centers, standardDeviation: ring.standardDeviation)
    // Eight discs of radius 0.06 cover 0.25% of the 6x6 square: a few stray hits, no covered mode.
    #expect(m.modesCovered == 0)
    #expect(m.highQualityShare < 0.01)
  }

  @Test func minimumShareDecidesCoverage() {
    let list = Array(repeating: ring.centers[0], count: 995) + Array(repeating: ring.centers[1], count: 5)
    let m = MixtureCoverage(samples: points(list), centers: ring.centers, standardDeviation: ring.standardDeviation)
    #expect(m.counts[1] == 5 && m.modesCovered == 1)
  }

  @Test func theoryRecoveryOnConstructedWeights() {
    let d = 10
    let modes = SyntheticModes(dimension: d, modeCount: 2).modeDirections
    func unit(_ i: Int, noise: Float = 0) -> [Float] {
      (0..<d).map { $0 == i ? 1 : noise }
    }
    // All neurons near mode 0: one mode recovered.
    let collapsed = Tensor<Float>(shape: [3, d], scalars: unit(0) + unit(0, noise: 0.05) + unit(0, noise: 0.02))
    let c = TheoryRecovery(neurons: collapsed, modes: modes, samples: collapsed)
    #expect(c.modesRecovered == 1)
    #expect(c.bestCosines[0] > 0.99 && c.bestCosines[1] < 0.2)
    #expect(c.sampleShares == [1, 0])
    // One neuron per mode plus a useless one: both recovered, shares 2/3 and 1/3.
    let both = Tensor<Float>(shape: [3, d], scalars: unit(0) + unit(1) + unit(0, noise: 0.01))
    let b = TheoryRecovery(neurons: both, modes: modes, samples: both)
    #expect(b.modesRecovered == 2)
    #expect(abs(b.sampleShares[0] - 2.0 / 3) < 1e-6)
    // A neuron between the modes (cosine 0.71 with each) recovers neither.
    let between = Tensor<Float>(shape: [1, d], scalars: (0..<d).map { $0 < 2 ? 1 : 0 })
    #expect(TheoryRecovery(neurons: between, modes: modes, samples: between).modesRecovered == 0)
  }
}
