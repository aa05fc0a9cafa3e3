// swift-tools-version:6.1
import PackageDescription

// A package that uses Graft as any other package would: by path here, by URL and version elsewhere.
let package = Package(
  name: "Ring8",
  dependencies: [.package(name: "Graft", path: "../..")],
  targets: [
    .executableTarget(
      name: "Ring8",
      dependencies: [
        .product(name: "GraftEngine", package: "Graft"),
        .product(name: "GraftLayers", package: "Graft"),
        .product(name: "GraftOptimizers", package: "Graft"),
        .product(name: "GraftData", package: "Graft"),
        .product(name: "GraftRun", package: "Graft"),
        .product(name: "GraftGAN", package: "Graft"),
      ]
    )
  ]
)
