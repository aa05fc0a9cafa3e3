/// The data sets a run can train on.
public enum Dataset: String, SettingChoice {
  /// 8 Gaussians on a circle of radius 2, std 0.02.
  case ring8
  /// 25 Gaussians on a 5×5 grid, spacing 2, std 0.05.
  case grid25
  /// The paper's synthetic setting: K orthogonal modes in R^d plus noise.
  case theory
  /// Fashion-MNIST from Debian's dataset-fashion-mnist.
  case fashionMNIST = "fashion-mnist"
  /// CIFAR-10 binary batches from the data directory.
  case cifar10

  /// A 2-D mixture of Gaussians.
  public var isMixture: Bool { self == .ring8 || self == .grid25 }
  /// An image data set.
  public var isImages: Bool { self == .fashionMNIST || self == .cifar10 }

  /// What the data set is, for `graft info`.
  public var summary: String {
    switch self {
    case .ring8: return "8 Gaussians on a circle of radius 2, std 0.02"
    case .grid25: return "25 Gaussians on a 5x5 grid, spacing 2, std 0.05"
    case .theory: return "the paper's synthetic setting: K orthogonal modes in R^d plus noise (--theory-* settings)"
    case .fashionMNIST:
      return "Fashion-MNIST from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)"
    case .cifar10: return "CIFAR-10 binary batches from --data-dir (not downloadable here)"
    }
  }

  /// The models that fit the data set.
  public var architectures: [Architecture] {
    switch self {
    case .ring8, .grid25: return [.mlp]
    case .theory: return [.theory]
    case .fashionMNIST, .cifar10: return [.dcgan, .resnet]
    }
  }
}

/// The model families: the generator and discriminator a run builds.
public enum Architecture: String, SettingChoice {
  case mlp, dcgan, resnet, theory

  /// What the models are, for `graft info`.
  public var summary: String {
    switch self {
    case .mlp: return "2-D data: G latent→W→W→2, D 2→W→W→1, ReLU (W = --width)"
    case .dcgan: return "28/32 px: transposed convs with BN in G; strided convs, LeakyReLU 0.2 in D (no BN for wgan-gp)"
    case .resnet: return "32 px: WGAN-GP ResNet generator and critic, width --width"
    case .theory: return "synthetic: linear generator with one-hot codes, cubic discriminator"
    }
  }
}
