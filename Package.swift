// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "Graft",
  products: [
    .library(name: "GraftEngine", targets: ["GraftEngine"]),
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
    // The command-line tool.
    .executableTarget(
      name: "graft",
      dependencies: [
        "GraftEngine",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .testTarget(
      name: "GraftEngineTests",
      dependencies: ["GraftEngine"],
      resources: [.copy("Fixtures")]
    ),
  ]
)
