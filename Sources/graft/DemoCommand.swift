import ArgumentParser
import Foundation
import GraftEngine

/// The engine's smoke demo: a two-layer MLP fitted to y = sin(3x)·x on [−1, 1] with plain SGD written
/// directly against the autodiff API.
struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Fit a small MLP to a synthetic function and print the loss going down.")

  @Option(help: "Random seed.") var seed: UInt64 = 0
  @Option(help: "Training steps.") var steps: Int = 2000
  @Option(help: "Hidden units.") var hidden: Int = 64
  @Option(help: "Learning rate.") var learningRate: Float = 0.1

  func validate() throws {
    guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
    guard hidden > 0 else { throw ValidationError("--hidden must be positive, got \(hidden)") }
    guard learningRate > 0 else { throw ValidationError("--learning-rate must be positive, got \(learningRate)") }
  }

  func run() throws {
    var rng = RandomGenerator(seed: seed)
    let x = Tensor<Float>(rangeFrom: -1, to: 1, stride: 2 / 256).reshaped(to: [-1, 1])
    let target = (x * 3).applyingSine() * x

    // PyTorch's default Linear initialisation: U(−1/√fan_in, 1/√fan_in).
    func uniform(_ shape: [Int], fanIn: Int) -> Tensor<Float> {
      let bound = 1 / Float(fanIn).squareRoot()
      return Tensor(randomUniform: shape, lowerBound: -bound, upperBound: bound, generator: &rng)
    }
    var params = [
      uniform([1, hidden], fanIn: 1), uniform([hidden], fanIn: 1),
      uniform([hidden, 1], fanIn: hidden), uniform([1], fanIn: hidden),
    ]
    print("graft demo: fitting y = sin(3x)·x with a 1-\(hidden)-1 tanh MLP, SGD lr \(learningRate), seed \(seed)")
    var first: Float = 0
    var last: Float = 0
    for step in 0...steps {
      let (loss, grads) = try valueWithGradients(at: params) { p in
        let h = (matmul(x, p[0]) + p[1]).tanh()
        return (matmul(h, p[2]) + p[3] - target).squared().mean()
      }
      if step == 0 { first = loss.scalar }
      last = loss.scalar
      if step % (steps / 10) == 0 {
        print(String(format: "step %5d  loss %.6f", step, loss.scalar))
      }
      guard last.isFinite else {
        throw ValidationError("the loss became \(last) at step \(step); lower --learning-rate")
      }
      params = withoutGradients { zip(params, grads).map { $0 - $1 * learningRate } }
    }
    print(String(format: "loss went from %.6f to %.6f (%.1fx lower)", first, last, first / last))
  }
}

extension Tensor where Scalar == Float {
  /// sin of each element (for the demo's target only; not differentiable).
  fileprivate func applyingSine() -> Tensor {
    Tensor(shape: shape, scalars: scalars.map { Foundation.sin($0) })
  }
}
