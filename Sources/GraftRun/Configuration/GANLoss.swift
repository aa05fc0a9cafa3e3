/// The GAN objectives. Discriminators output logits; each loss is minimized by its player.
public enum GANLoss: String, Sendable, CaseIterable, Codable {
  /// L_D = −log σ(D(x)) − log(1 − σ(D(G(z)))); L_G = −log σ(D(G(z))). The default for DCGAN.
  case nonSaturating = "ns"
  /// The original minimax game: L_G = log(1 − σ(D(G(z)))) (saturates when D wins).
  case minimax
  /// Wasserstein loss with gradient penalty: L_D = D(G(z)) − D(x) + λ(‖∇D(x̂)‖ − 1)², L_G = −D(G(z)).
  case wganGP = "wgan-gp"
  /// Hinge loss: L_D = relu(1 − D(x)) + relu(1 + D(G(z))); L_G = −D(G(z)).
  case hinge
}
