import Foundation
import GraftEngine
import GraftTestSupport
import Testing

/// One case of a fixture file written by Scripts/make_engine_fixtures.py (PyTorch 2.13, float32, CPU).
struct GoldenCase: Decodable, CustomTestStringConvertible {
  let name: String
  let params: [String: Int]
  let tensors: [String: FixtureTensor]

  func tensor(_ key: String) -> Tensor<Float> {
    guard let t = tensors[key] else { fatalError("fixture \(name) lacks tensor \(key)") }
    return t.floats
  }

  var testDescription: String { name }
}

func loadGolden(_ op: String) -> [GoldenCase] {
  fixtureCases(op, in: .module, writtenBy: "Scripts/make_engine_fixtures.py")
}

@Suite("Forward and backward against PyTorch (committed fixtures)")
struct TorchGoldenTests {
  @Test(arguments: loadGolden("matmul"))
  func matmulMatchesTorch(_ c: GoldenCase) throws {
    let a = c.tensor("a").requiringGrad()
    let b = c.tensor("b").requiringGrad()
    let out = matmul(a, b)
    expectClose(out, c.tensor("output"), "\(c.name) output")
    let grads = try gradients(of: out, withRespectTo: [a, b], seed: c.tensor("grad_output"))
    expectClose(grads[0], c.tensor("grad_a"), "\(c.name) grad_a")
    expectClose(grads[1], c.tensor("grad_b"), "\(c.name) grad_b")
  }

  @Test(arguments: loadGolden("conv2d"))
  func conv2dMatchesTorch(_ c: GoldenCase) throws {
    let x = c.tensor("input").requiringGrad()
    let w = c.tensor("weight").requiringGrad()
    let b = c.tensor("bias").requiringGrad()
    let out = conv2d(x, filter: w, bias: b, stride: c.params["stride"]!, padding: c.params["padding"]!)
    expectClose(out, c.tensor("output"), "\(c.name) output")
    let grads = try gradients(of: out, withRespectTo: [x, w, b], seed: c.tensor("grad_output"))
    expectClose(grads[0], c.tensor("grad_input"), "\(c.name) grad_input")
    expectClose(grads[1], c.tensor("grad_weight"), "\(c.name) grad_weight")
    expectClose(grads[2], c.tensor("grad_bias"), "\(c.name) grad_bias")
  }

  @Test(arguments: loadGolden("conv_transpose2d"))
  func convTranspose2dMatchesTorch(_ c: GoldenCase) throws {
    let x = c.tensor("input").requiringGrad()
    let w = c.tensor("weight").requiringGrad()
    let b = c.tensor("bias").requiringGrad()
    let out = convTranspose2d(
      x, filter: w, bias: b, stride: c.params["stride"]!, padding: c.params["padding"]!,
      outputPadding: c.params["output_padding"]!)
    expectClose(out, c.tensor("output"), "\(c.name) output")
    let grads = try gradients(of: out, withRespectTo: [x, w, b], seed: c.tensor("grad_output"))
    expectClose(grads[0], c.tensor("grad_input"), "\(c.name) grad_input")
    expectClose(grads[1], c.tensor("grad_weight"), "\(c.name) grad_weight")
    expectClose(grads[2], c.tensor("grad_bias"), "\(c.name) grad_bias")
  }

  @Test(arguments: loadGolden("avg_pool2d"))
  func avgPoolMatchesTorch(_ c: GoldenCase) throws {
    let x = c.tensor("input").requiringGrad()
    let out = x.avgPool2d(kernel: c.params["kernel"]!, stride: c.params["stride"]!)
    expectClose(out, c.tensor("output"), "\(c.name) output")
    let grad = try gradients(of: out, withRespectTo: [x], seed: c.tensor("grad_output"))[0]
    expectClose(grad, c.tensor("grad_input"), "\(c.name) grad_input")
  }

  @Test(arguments: loadGolden("upsample_nearest2d"))
  func upsampleMatchesTorch(_ c: GoldenCase) throws {
    let x = c.tensor("input").requiringGrad()
    let out = x.upsampledNearest(scale: c.params["scale"]!)
    expectClose(out, c.tensor("output"), "\(c.name) output")
    let grad = try gradients(of: out, withRespectTo: [x], seed: c.tensor("grad_output"))[0]
    expectClose(grad, c.tensor("grad_input"), "\(c.name) grad_input")
  }
}
