// Trains a GAN on ring8 (8 Gaussians on a circle of radius 2) with Graft's library, one step at a time.
import GraftData  // data sets
import GraftEngine  // tensors, random numbers, gradients
import GraftGAN  // MLP players, the GAN losses' objectives
import GraftLayers  // valueWithGradient on a model
import GraftOptimizers  // Adam, learning-rate schedules
import GraftRun  // the GAN losses by name, mode coverage

Runtime.prepareForTraining()  // OpenBLAS's fastest kernels for this CPU
var rng = RandomGenerator(seed: 0)
let data = GaussianMixture.ring8
let (steps, batch, latent) = (4000, 256, 16)
var g = MLP.make(widths: [latent, 128, 128, 2], generator: &rng)  // noise → point
var d = MLP.make(widths: [2, 128, 128, 1], generator: &rng)  // point → logit
var gAdam = Adam(learningRate: 1e-3, beta1: 0.5)
var dAdam = Adam(learningRate: 1e-3, beta1: 0.5)
let decay = LearningRateSchedule(.cosine, totalSteps: steps)
let loss = GANLoss.hinge

for step in 0..<steps {
  let lr = 1e-3 * decay.multiplier(atStep: step)  // each step is given its rate, as PyTorch's scheduler sets it
  // D learns to score real points above G's; then G learns to raise D's score of its points. Each
  // closure gets a copy of the model whose parameters record gradients.
  let real = data.sample(batch, generator: &rng)
  let fake = g(Tensor(randomNormal: [batch, latent], generator: &rng))
  let (dLoss, dGrad) = try d.valueWithGradient { d in loss.discriminatorLoss(real: d(real), fake: d(fake)) }
  dAdam.update(&d, along: dGrad, learningRate: lr)
  let z = Tensor<Float>(randomNormal: [batch, latent], generator: &rng)
  let (gLoss, gGrad) = try g.valueWithGradient { g in loss.generatorLoss(fake: d(g(z))) }
  gAdam.update(&g, along: gGrad, learningRate: lr)
  if step % 1000 == 0 { print("step \(step): loss D \(dLoss.scalar), G \(gLoss.scalar)") }
}

let samples = withoutGradients { g(Tensor(randomNormal: [2000, latent], generator: &rng)) }
let coverage = MixtureCoverage(samples: samples, centers: data.centers, standardDeviation: data.standardDeviation)
print("modes covered: \(coverage.modesCovered) of \(coverage.modeCount), \(coverage.counts) samples near each")
