// swift-tools-version:6.1
import PackageDescription

// Every target: a member (a method, a property) of a type can be used only in a file that imports the module
// declaring it, as a type's name already can; without this, importing one module would quietly expose the
// extensions of every module it depends on.
let honestImports: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

// No target sets compiler flags of its own: unsafe flags would keep other packages from depending on Graft by
// version. The Makefile passes the flags for speed (Haswell-class CPUs, cross-module optimization); see
// README.md, "Building".

let package = Package(
  name: "Graft",
  products: [
    .library(name: "GraftEngine", targets: ["GraftEngine"]),
    .library(name: "GraftLayers", targets: ["GraftLayers"]),
    .library(name: "GraftOptimizers", targets: ["GraftOptimizers"]),
    .library(name: "GraftIO", targets: ["GraftIO"]),
    .library(name: "GraftData", targets: ["GraftData"]),
    .library(name: "GraftTensorBoard", targets: ["GraftTensorBoard"]),
    .library(name: "GraftRun", targets: ["GraftRun"]),
    .library(name: "GraftStatistics", targets: ["GraftStatistics"]),
    .library(name: "GraftGAN", targets: ["GraftGAN"]),
    .library(name: "GraftSweep", targets: ["GraftSweep"]),
    .library(name: "GraftEval", targets: ["GraftEval"]),
    .library(name: "GraftReport", targets: ["GraftReport"]),
    .library(name: "GraftExperiments", targets: ["GraftExperiments"]),
    .executable(name: "graft", targets: ["graft"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
    // Only its runtime library: the TensorBoard event types are generated once and committed
    // (Scripts/generate-tensorboard-proto.sh), so no build runs protoc or builds its plugin.
    .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    // The zip container of PyTorch's `.pth` files (torch.save's format) and NumPy's `.npz`.
    .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
  ],
  targets: [
    // OpenBLAS from Debian's libopenblas-dev: every matrix product goes through it.
    .systemLibrary(
      name: "COpenBLAS",
      path: "Sources/COpenBLAS",
      providers: [.apt(["libopenblas-dev"])]
    ),
    // oneDNN from Debian's libdnnl-dev (the library PyTorch's CPU convolutions run on): Float convolutions,
    // through a small C layer that plans each shape once and runs one batch chunk per call.
    .target(
      name: "CGraftDNNL",
      linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]
    ),
    // glibc functions Swift's Glibc module does not export: mallopt (large training buffers stay in the
    // heap) and sincos (Box–Muller); Adam's step eight numbers at a time; prctl (a sweep's runs end
    // with the sweep); the FMA loops that measure a core's peak (`graft bench`).
    .systemLibrary(name: "CGlibcExtras", path: "Sources/CGlibcExtras"),
    // The tensor engine: storage, ops with their derivatives, reverse-mode autodiff.
    .target(
      name: "GraftEngine",
      dependencies: [
        "COpenBLAS",
        "CGlibcExtras",
        "CGraftDNNL",
        .product(name: "RealModule", package: "swift-numerics"),
      ],
      swiftSettings: honestImports
    ),
    // Layers (the Layer protocol, Linear, Conv2d, BatchNorm, ...), found through key paths.
    .target(name: "GraftLayers", dependencies: ["GraftEngine"], swiftSettings: honestImports),
    // Optimizers of the paper: SGD, Adam, RMSprop, grafting, nSGDA; parameter groups; schedules.
    .target(
      name: "GraftOptimizers", dependencies: ["GraftEngine", "GraftLayers", "GraftIO", "CGlibcExtras"],
      swiftSettings: honestImports),
    // Files: safetensors and .npy, checkpoints of models and optimizer state; PyTorch's `.pth` state dicts
    // (through a restricted unpickler that runs no code) and NumPy's `.npz`.
    .target(
      name: "GraftIO",
      dependencies: [
        "GraftEngine", "CGraftZlib", "COpenSSL", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
      ],
      swiftSettings: honestImports),
    // OpenSSL's libcrypto from Debian's libssl-dev: SHA-256, the checksum of a checkpoint.
    .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL", providers: [.apt(["libssl-dev"])]),
    // zlib from Debian's zlib1g-dev (gzip'd IDX files, PNG).
    // (Not "CGraftZlib": ZIPFoundation's own zlib module has that name, and two modules may not share one.)
    .systemLibrary(name: "CGraftZlib", path: "Sources/CGraftZlib", providers: [.apt(["zlib1g-dev"])]),
    // Data sets: mixtures of Gaussians, the paper's synthetic setting, Fashion-MNIST (IDX), CIFAR-10; loaders.
    .target(name: "GraftData", dependencies: ["GraftEngine", "CGraftZlib"], swiftSettings: honestImports),
    // The git commit a build was made from, written before each build by BuildCommitPlugin.
    .target(name: "GraftBuildInfo", plugins: ["BuildCommitPlugin"]),
    .plugin(name: "BuildCommitPlugin", capability: .buildTool()),
    // TensorBoard event files: TFRecord framing with CRC32C, scalar, image and histogram summaries.
    .target(
      name: "GraftTensorBoard", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
      swiftSettings: honestImports),
    // The run contract: a run's directory and files (config, lock, metrics, summary, checkpoints), as types.
    .target(
      name: "GraftRun",
      dependencies: [
        "GraftEngine", "GraftOptimizers", "GraftIO", "GraftData", "GraftBuildInfo",
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: honestImports),
    // Seed statistics: intervals (Student-t, bootstrap), the seeds a claim needs, verdicts.
    .target(name: "GraftStatistics", dependencies: ["GraftEngine"], swiftSettings: honestImports),
    // GANs: models, losses, the trainer and its run directory.
    .target(
      name: "GraftGAN",
      dependencies: [
        "GraftEngine", "GraftLayers", "GraftOptimizers", "GraftIO", "GraftData", "GraftTensorBoard", "GraftRun",
      ],
      swiftSettings: honestImports),
    // Sweeps: many runs through an executor (a local pool of processes, or Slurm), their seed tables.
    .target(
      name: "GraftSweep", dependencies: ["GraftRun", "GraftIO", "GraftOptimizers", "GraftStatistics"], swiftSettings: honestImports),
    // Evaluation: the Fashion-MNIST feature classifier, FID in its features, class coverage; pytorch-fid's
    // Inception-v3 and the Inception Score.
    .target(
      name: "GraftEval",
      dependencies: ["GraftEngine", "GraftLayers", "GraftOptimizers", "GraftIO", "GraftData", "GraftRun", "COpenBLAS"],
      resources: [.copy("Resources")], swiftSettings: honestImports),
    // Pictures people look at: SVG plots and the HTML report comparing runs.
    .target(
      name: "GraftReport", dependencies: ["GraftIO", "GraftOptimizers", "GraftRun", "GraftStatistics"], swiftSettings: honestImports),
    // The paper's experiments end to end (`graft reproduce`).
    .target(
      name: "GraftExperiments",
      dependencies: ["GraftOptimizers", "GraftIO", "GraftRun", "GraftGAN", "GraftReport", "GraftStatistics", "GraftSweep"],
      swiftSettings: honestImports),
    // The command-line tool.
    .executableTarget(
      name: "graft",
      dependencies: [
        "GraftEngine", "GraftLayers", "GraftOptimizers", "GraftIO", "GraftData", "GraftRun", "GraftGAN", "GraftEval",
        "GraftReport", "GraftExperiments", "GraftStatistics", "GraftSweep", "CGlibcExtras",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Yams", package: "Yams"),
      ],
      swiftSettings: honestImports
    ),
    // The readers of given files (safetensors, npy, IDX, .pth, npz, configs, metrics) as fuzz targets, and
    // libFuzzer's driver that calls them (`make fuzz`).
    .target(
      name: "GraftFuzzTargets", dependencies: ["GraftEngine", "GraftIO", "GraftData", "GraftRun", "GraftReport"],
      swiftSettings: honestImports),
    .executableTarget(name: "graft-libfuzzer", dependencies: ["GraftFuzzTargets"], swiftSettings: honestImports),
    // What several test targets share: the finite-difference gradient check, tolerance checks, fixture
    // loading, temporary directories. A plain target (not a test target), so that test targets can import it.
    .target(
      name: "GraftTestSupport", dependencies: ["GraftEngine"], path: "Tests/GraftTestSupport",
      swiftSettings: honestImports),
    // What the GAN-level test targets share: a small, quick training configuration.
    .target(
      name: "GraftGANTestSupport", dependencies: ["GraftRun"], path: "Tests/GraftGANTestSupport",
      swiftSettings: honestImports),
    .testTarget(
      name: "GraftEngineTests", dependencies: ["GraftEngine", "GraftTestSupport", "COpenBLAS"], resources: [.copy("Fixtures")],
      swiftSettings: honestImports),
    .testTarget(
      name: "GraftLayersTests",
      dependencies: ["GraftEngine", "GraftLayers", "GraftIO", "GraftOptimizers", "GraftTestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: honestImports),
    .testTarget(
      name: "GraftDataTests", dependencies: ["GraftEngine", "GraftData", "CGraftZlib"], swiftSettings: honestImports),
    .testTarget(
      name: "GraftGANTests",
      dependencies: [
        "GraftEngine", "GraftLayers", "GraftIO", "GraftData", "GraftOptimizers", "GraftRun", "GraftGAN", "GraftBuildInfo",
        "GraftTensorBoard", "GraftTestSupport", "GraftGANTestSupport",
      ],
      swiftSettings: honestImports),
    .testTarget(
      name: "GraftSweepTests",
      dependencies: [
        "GraftEngine", "GraftRun", "GraftGAN", "GraftOptimizers", "GraftSweep", "GraftTestSupport", "GraftGANTestSupport",
      ], swiftSettings: honestImports),
    .testTarget(
      name: "GraftRunTests", dependencies: ["GraftRun", "GraftIO"], resources: [.copy("Fixtures")],
      swiftSettings: honestImports),
    .testTarget(
      name: "GraftStatisticsTests", dependencies: ["GraftStatistics"], swiftSettings: honestImports),
    .testTarget(
      name: "GraftEvalTests",
      dependencies: ["GraftEngine", "GraftLayers", "GraftData", "GraftEval", "GraftIO", "GraftRun", "GraftTestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: honestImports),
    .testTarget(
      name: "GraftReportTests",
      dependencies: [
        "GraftEngine", "GraftIO", "GraftOptimizers", "GraftRun", "GraftReport", "GraftStatistics", "GraftTestSupport",
      ],
      swiftSettings: honestImports),
    .testTarget(
      name: "GraftExperimentsTests",
      dependencies: [
        "GraftData", "GraftEngine", "GraftEval", "GraftIO", "GraftOptimizers", "GraftRun", "GraftGAN", "GraftReport",
        "GraftExperiments", "GraftStatistics", "GraftSweep", "GraftTestSupport",
      ],
      swiftSettings: honestImports),
    .testTarget(
      name: "GraftTensorBoardTests", dependencies: ["GraftTensorBoard", "GraftIO", "GraftTestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: honestImports),
    .testTarget(
      name: "GraftIOTests", dependencies: ["GraftEngine", "GraftIO", "CGraftZlib", "GraftTestSupport"],
      resources: [.copy("Fixtures")],
      swiftSettings: honestImports),
  ]
)
