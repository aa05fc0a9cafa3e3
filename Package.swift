// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "Graft",
  products: [
    .library(name: "GraftEngine", targets: ["GraftEngine"]),
    .library(name: "GraftLayers", targets: ["GraftLayers"]),
    .library(name: "GraftOptimizers", targets: ["GraftOptimizers"]),
    .library(name: "GraftIO", targets: ["GraftIO"]),
    .executable(name: "graft", targets: ["graft"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
  ],
  targets: [
    // OpenBLAS from Debian's libopenblas-dev: every matrix product goes through it.
    .systemLibrary(
      name: "COpenBLAS",
      path: "Sources/COpenBLAS",
      providers: [.apt(["libopenblas-dev"])]
    ),
    // glibc's mallopt, to keep large training buffers in the heap.
    .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
    // The tensor engine: storage, ops with their derivatives, reverse-mode autodiff.
    .target(
      name: "GraftEngine",
      dependencies: [
        "COpenBLAS",
        "CMalloc",
        .product(name: "RealModule", package: "swift-numerics"),
      ]
    ),
    // Layers (the Layer protocol, Linear, Conv2d, BatchNorm, ...), found through key paths.
    .target(name: "GraftLayers", dependencies: ["GraftEngine"]),
    // Optimizers of the paper: SGD, Adam, RMSprop, grafting, nSGDA; parameter groups; schedules.
    .target(name: "GraftOptimizers", dependencies: ["GraftEngine", "GraftLayers"]),
    // Files: safetensors and .npy, checkpoints of models and optimizer state.
    .target(name: "GraftIO", dependencies: ["GraftEngine"]),
    // The command-line tool.
    .executableTarget(
      name: "graft",
      dependencies: [
        "GraftEngine", "GraftLayers", "GraftOptimizers", "GraftIO",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "GraftEngineTests",
      dependencies: ["GraftEngine"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "GraftLayersTests",
      dependencies: ["GraftEngine", "GraftLayers", "GraftOptimizers"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "GraftIOTests",
      dependencies: ["GraftEngine", "GraftIO"],
      resources: [.copy("Fixtures")]
    ),
  ]
)
