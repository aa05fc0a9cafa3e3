import GraftEngine

// The mixed blocks of Inception-v3 as pytorch-fid's FID network has them (torchvision's InceptionA–E,
// with pytorch-fid's FIDInceptionA, FIDInceptionC, FIDInceptionE_1 and FIDInceptionE_2 patches: their
// average pools leave the padding out of the mean, as TensorFlow's do, and the last block max-pools).
// Each block's branches run on the same input and are concatenated along the channels, in
// torchvision's order.

/// FIDInceptionA (Mixed_5b, 5c, 5d): 1×1; 1×1 → 5×5; 1×1 → 3×3 → 3×3; 3×3 average pool → 1×1.
struct InceptionA: Sendable {
  let branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branchPool: InceptionConv

  init(_ name: String, inChannels c: Int, poolFeatures: Int, parameters p: InceptionParameters) throws {
    branch1x1 = try InceptionConv("\(name).branch1x1", c, 64, kernel: (1, 1), parameters: p)
    branch5x5_1 = try InceptionConv("\(name).branch5x5_1", c, 48, kernel: (1, 1), parameters: p)
    branch5x5_2 = try InceptionConv("\(name).branch5x5_2", 48, 64, kernel: (5, 5), padding: (2, 2), parameters: p)
    branch3x3dbl_1 = try InceptionConv("\(name).branch3x3dbl_1", c, 64, kernel: (1, 1), parameters: p)
    branch3x3dbl_2 = try InceptionConv("\(name).branch3x3dbl_2", 64, 96, kernel: (3, 3), padding: (1, 1), parameters: p)
    branch3x3dbl_3 = try InceptionConv("\(name).branch3x3dbl_3", 96, 96, kernel: (3, 3), padding: (1, 1), parameters: p)
    branchPool = try InceptionConv("\(name).branch_pool", c, poolFeatures, kernel: (1, 1), parameters: p)
  }

  func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    Tensor.concatenated(
      [
        branch1x1(x), branch5x5_2(branch5x5_1(x)), branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
        branchPool(x.avgPool2d(kernel: 3, stride: 1, padding: 1, countIncludePad: false)),
      ], alongAxis: 1)
  }
}

/// InceptionB (Mixed_6a), the grid reduction 35 → 17: 3×3 stride 2; 1×1 → 3×3 → 3×3 stride 2; max pool.
struct InceptionB: Sendable {
  let branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3: InceptionConv

  init(_ name: String, inChannels c: Int, parameters p: InceptionParameters) throws {
    branch3x3 = try InceptionConv("\(name).branch3x3", c, 384, kernel: (3, 3), stride: 2, parameters: p)
    branch3x3dbl_1 = try InceptionConv("\(name).branch3x3dbl_1", c, 64, kernel: (1, 1), parameters: p)
    branch3x3dbl_2 = try InceptionConv("\(name).branch3x3dbl_2", 64, 96, kernel: (3, 3), padding: (1, 1), parameters: p)
    branch3x3dbl_3 = try InceptionConv("\(name).branch3x3dbl_3", 96, 96, kernel: (3, 3), stride: 2, parameters: p)
  }

  func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    Tensor.concatenated(
      [
        branch3x3(x), branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))), x.maxPool2d(kernel: 3, stride: 2),
      ], alongAxis: 1)
  }
}

/// FIDInceptionC (Mixed_6b–6e): 1×1; 1×1 → 1×7 → 7×1; 1×1 → 7×1 → 1×7 → 7×1 → 1×7; average pool → 1×1.
struct InceptionC: Sendable {
  let branch1x1, branch7x7_1, branch7x7_2, branch7x7_3: InceptionConv
  let branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branchPool: InceptionConv

  init(_ name: String, inChannels c: Int, channels7x7 c7: Int, parameters p: InceptionParameters) throws {
    branch1x1 = try InceptionConv("\(name).branch1x1", c, 192, kernel: (1, 1), parameters: p)
    branch7x7_1 = try InceptionConv("\(name).branch7x7_1", c, c7, kernel: (1, 1), parameters: p)
    branch7x7_2 = try InceptionConv("\(name).branch7x7_2", c7, c7, kernel: (1, 7), padding: (0, 3), parameters: p)
    branch7x7_3 = try InceptionConv("\(name).branch7x7_3", c7, 192, kernel: (7, 1), padding: (3, 0), parameters: p)
    branch7x7dbl_1 = try InceptionConv("\(name).branch7x7dbl_1", c, c7, kernel: (1, 1), parameters: p)
    branch7x7dbl_2 = try InceptionConv("\(name).branch7x7dbl_2", c7, c7, kernel: (7, 1), padding: (3, 0), parameters: p)
    branch7x7dbl_3 = try InceptionConv("\(name).branch7x7dbl_3", c7, c7, kernel: (1, 7), padding: (0, 3), parameters: p)
    branch7x7dbl_4 = try InceptionConv("\(name).branch7x7dbl_4", c7, c7, kernel: (7, 1), padding: (3, 0), parameters: p)
    branch7x7dbl_5 = try InceptionConv(
      "\(name).branch7x7dbl_5", c7, 192, kernel: (1, 7), padding: (0, 3), parameters: p)
    branchPool = try InceptionConv("\(name).branch_pool", c, 192, kernel: (1, 1), parameters: p)
  }

  func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    let double = branch7x7dbl_5(branch7x7dbl_4(branch7x7dbl_3(branch7x7dbl_2(branch7x7dbl_1(x)))))
    return Tensor.concatenated(
      [
        branch1x1(x), branch7x7_3(branch7x7_2(branch7x7_1(x))), double,
        branchPool(x.avgPool2d(kernel: 3, stride: 1, padding: 1, countIncludePad: false)),
      ], alongAxis: 1)
  }
}

/// InceptionD (Mixed_7a), the grid reduction 17 → 8: 1×1 → 3×3 stride 2; 1×1 → 1×7 → 7×1 → 3×3 stride 2;
/// max pool.
struct InceptionD: Sendable {
  let branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4: InceptionConv

  init(_ name: String, inChannels c: Int, parameters p: InceptionParameters) throws {
    branch3x3_1 = try InceptionConv("\(name).branch3x3_1", c, 192, kernel: (1, 1), parameters: p)
    branch3x3_2 = try InceptionConv("\(name).branch3x3_2", 192, 320, kernel: (3, 3), stride: 2, parameters: p)
    branch7x7x3_1 = try InceptionConv("\(name).branch7x7x3_1", c, 192, kernel: (1, 1), parameters: p)
    branch7x7x3_2 = try InceptionConv("\(name).branch7x7x3_2", 192, 192, kernel: (1, 7), padding: (0, 3), parameters: p)
    branch7x7x3_3 = try InceptionConv("\(name).branch7x7x3_3", 192, 192, kernel: (7, 1), padding: (3, 0), parameters: p)
    branch7x7x3_4 = try InceptionConv("\(name).branch7x7x3_4", 192, 192, kernel: (3, 3), stride: 2, parameters: p)
  }

  func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    Tensor.concatenated(
      [
        branch3x3_2(branch3x3_1(x)), branch7x7x3_4(branch7x7x3_3(branch7x7x3_2(branch7x7x3_1(x)))),
        x.maxPool2d(kernel: 3, stride: 2),
      ], alongAxis: 1)
  }
}

/// FIDInceptionE_1 (Mixed_7b, average pool) and FIDInceptionE_2 (Mixed_7c, max pool): 1×1;
/// 1×1 → (1×3 ‖ 3×1); 1×1 → 3×3 → (1×3 ‖ 3×1); 3×3 pool (stride 1, padding 1) → 1×1.
struct InceptionE: Sendable {
  let branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b: InceptionConv
  let branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branchPool: InceptionConv
  /// FIDInceptionE_2's pool branch max-pools (likely a slip in the TensorFlow graph, kept for the FID).
  let maxPoolBranch: Bool

  init(_ name: String, inChannels c: Int, maxPoolBranch: Bool, parameters p: InceptionParameters) throws {
    branch1x1 = try InceptionConv("\(name).branch1x1", c, 320, kernel: (1, 1), parameters: p)
    branch3x3_1 = try InceptionConv("\(name).branch3x3_1", c, 384, kernel: (1, 1), parameters: p)
    branch3x3_2a = try InceptionConv("\(name).branch3x3_2a", 384, 384, kernel: (1, 3), padding: (0, 1), parameters: p)
    branch3x3_2b = try InceptionConv("\(name).branch3x3_2b", 384, 384, kernel: (3, 1), padding: (1, 0), parameters: p)
    branch3x3dbl_1 = try InceptionConv("\(name).branch3x3dbl_1", c, 448, kernel: (1, 1), parameters: p)
    branch3x3dbl_2 = try InceptionConv(
      "\(name).branch3x3dbl_2", 448, 384, kernel: (3, 3), padding: (1, 1), parameters: p)
    branch3x3dbl_3a = try InceptionConv(
      "\(name).branch3x3dbl_3a", 384, 384, kernel: (1, 3), padding: (0, 1), parameters: p)
    branch3x3dbl_3b = try InceptionConv(
      "\(name).branch3x3dbl_3b", 384, 384, kernel: (3, 1), padding: (1, 0), parameters: p)
    branchPool = try InceptionConv("\(name).branch_pool", c, 192, kernel: (1, 1), parameters: p)
    self.maxPoolBranch = maxPoolBranch
  }

  func callAsFunction(_ x: Tensor<Float>) -> Tensor<Float> {
    let a = branch3x3_1(x)
    let b = branch3x3dbl_2(branch3x3dbl_1(x))
    let pooled =
      maxPoolBranch
      ? x.maxPool2d(kernel: 3, stride: 1, padding: 1)
      : x.avgPool2d(kernel: 3, stride: 1, padding: 1, countIncludePad: false)
    return Tensor.concatenated(
      [
        branch1x1(x), branch3x3_2a(a), branch3x3_2b(a), branch3x3dbl_3a(b), branch3x3dbl_3b(b), branchPool(pooled),
      ], alongAxis: 1)
  }
}
