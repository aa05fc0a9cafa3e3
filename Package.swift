// swift-tools-version:6.1
import PackageDescription

// The numeric targets are compiled for Haswell-class CPUs (AVX2, FMA: every x86 server and desktop since 2013-15)
// rather than the baseline SSE2, so that element-wise kernels use 8-wide vectors.
#if arch(x86_64)
  let vectorISA: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell", "-cross-module-optimization"])]
#else
  let vectorISA: [SwiftSetting] = []
#endif

let package = Package(
  name: "Graft",
  products: [
    .library(name: "GraftEngine", targets: ["GraftEngine"]),
    .library(name: "GraftLayers", targets: ["GraftLayers"]),
    .library(name: "GraftOptimizers", targets: ["GraftOptimizers"]),
    .library(name: "GraftIO", targets: ["GraftIO"]),
    .library(name: "GraftData", targets: ["GraftData"]),
    .library(name: "GraftGAN", targets: ["GraftGAN"]),
    .library(name: "GraftEval", targets: ["GraftEval"]),
    .library(name: "GraftReport", targets: ["GraftReport"]),
    .library(name: "GraftExperiments", targets: ["GraftExperiments"]),
    .executable(name: "graft", targets: ["graft"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // OpenBLAS from Debian's libopenblas-dev: every matrix product goes through it.
    .systemLibrary(
      name: "COpenBLAS",
      path: "Sources/COpenBLAS",
      providers: [.apt(["libopenblas-dev"])]
    ),
    // glibc functions Swift's Glibc module does not export: mallopt (large training buffers stay in the
    // heap) and sincos (Box–Muller); and Adam's step eight numbers at a time.
    .systemLibrary(name: "CGlibcExtras", path: "Sources/CGlibcExtras"),
    // The tensor engine: storage, ops with their derivatives, reverse-mode autodiff.
    .target(
      name: "GraftEngine",
      dependencies: [
        "COpenBLAS",
        "CGlibcExtras",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      swiftSettings: vectorISA
    ),
    // Layers (the Layer protocol, Linear, Conv2d, BatchNorm, ...), found through key paths.
    .target(name: "GraftLayers", dependencies: ["GraftEngine"], swiftSettings: vectorISA),
    // Optimizers of the paper: SGD, Adam, RMSprop, grafting, nSGDA; parameter groups; schedules.
    .target(
      name: "GraftOptimizers", dependencies: ["GraftEngine", "GraftLayers", "GraftIO", "CGlibcExtras"],
      swiftSettings: vectorISA),
    // Files: safetensors and .npy, checkpoints of models and optimizer state.
    .target(name: "GraftIO", dependencies: ["GraftEngine", "CZlib"]),
    // zlib from Debian's zlib1g-dev (gzip'd IDX files, PNG).
    .systemLibrary(name: "CZlib", path: "Sources/CZlib", providers: [.apt(["zlib1g-dev"])]),
    // Data sets: mixtures of Gaussians, the paper's synthetic setting, Fashion-MNIST (IDX), CIFAR-10; loaders.
    .target(name: "GraftData", dependencies: ["GraftEngine", "CZlib"]),
    // The git commit a build was made from, written before each build by BuildCommitPlugin.
    .target(name: "GraftBuildInfo", plugins: ["BuildCommitPlugin"]),
    .plugin(name: "BuildCommitPlugin", capability: .buildTool()),
    // GANs: models, losses, the trainer and its run directory.
    .target(
      name: "GraftGAN",
      dependencies: [
        "GraftLayers", "GraftOptimizers", "GraftIO", "GraftData", "GraftBuildInfo",
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: vectorISA),
    // Evaluation: the Fashion-MNIST feature classifier, FID in its features, class coverage.
    .target(name: "GraftEval", dependencies: ["GraftGAN", "COpenBLAS"], resources: [.copy("Resources")]),
    // Pictures people look at: SVG plots and the HTML report comparing runs.
    .target(name: "GraftReport", dependencies: ["GraftGAN"]),
    // The paper's experiments end to end (`graft reproduce`).
    .target(name: "GraftExperiments", dependencies: ["GraftGAN", "GraftEval", "GraftReport"]),
    // The command-line tool.
    .executableTarget(
      name: "graft",
      dependencies: [
        "GraftEngine", "GraftLayers", "GraftOptimizers", "GraftIO", "GraftData", "GraftGAN", "GraftEval",
        "GraftReport", "GraftExperiments",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
      ]
    ),
    // What several test targets share: the finite-difference gradient check, tolerance checks, fixture
    // loading, temporary directories. A plain target (not a test target), so that test targets can import it.
    .target(name: "GraftTestSupport", dependencies: ["GraftEngine"], path: "Tests/GraftTestSupport"),
    .testTarget(
      name: "GraftEngineTests",
      dependencies: ["GraftEngine", "GraftTestSupport"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(
      name: "GraftLayersTests",
      dependencies: ["GraftEngine", "GraftLayers", "GraftOptimizers", "GraftTestSupport"],
      resources: [.copy("Fixtures")]
    ),
    .testTarget(name: "GraftDataTests", dependencies: ["GraftData"]),
    .testTarget(name: "GraftGANTests", dependencies: ["GraftGAN", "GraftBuildInfo", "GraftTestSupport"]),
    .testTarget(name: "GraftEvalTests", dependencies: ["GraftEval"]),
    .testTarget(name: "GraftReportTests", dependencies: ["GraftReport", "GraftTestSupport"]),
    .testTarget(name: "GraftExperimentsTests", dependencies: ["GraftExperiments", "GraftTestSupport"]),
    .testTarget(
      name: "GraftIOTests",
      dependencies: ["GraftEngine", "GraftIO", "CZlib", "GraftTestSupport"],
      resources: [.copy("Fixtures")]
    ),
  ]
)
