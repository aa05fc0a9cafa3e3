import Foundation

/// Choosing a learning rate by a screen, so that the chosen rate is a measured optimum rather than an
/// edge of a grid fixed beforehand: train every rate of a log-spaced grid, score each, and while the best
/// rate sits at an edge, widen the grid one step past that edge (up to `maxExtensions` times).
///
/// Rates live on a half-decade lattice, index k ↦ 10^(k/2) rounded to one digit: …, 0.01, 0.03, 0.1,
/// 0.3, 1, … (k = −4 is 0.01, k = −3 is 0.03). A search is a pure function of the scores it is given,
/// so an experiment can ask it again after every batch of runs (`Experiment.run(on:)` does) and a
/// protocol resumes where it stopped.
public struct RateSearch: Sendable, Equatable {
  /// The lattice indices of the first grid.
  public var grid: ClosedRange<Int>
  /// How many rates may be added past the grid's edges, in all.
  public var maxExtensions: Int

  /// A search starting from the lattice rates from `lowest` to `highest` (both on the lattice).
  public init(from lowest: Double, to highest: Double, maxExtensions: Int = 3) {
    let low = Self.index(of: lowest)
    let high = Self.index(of: highest)
    precondition(low <= high, "the grid's lowest rate is above its highest")
    grid = low...high
    self.maxExtensions = maxExtensions
  }

  /// The rate at lattice index `k`: 10^(k/2) for even k, 3·10^((k−1)/2) for odd k.
  public static func rate(_ k: Int) -> Double {
    let decade = Int((Double(k) / 2).rounded(.down))
    let mantissa = k - 2 * decade == 0 ? 1.0 : 3.0
    // Through the decimal text, so that 3·10⁻⁴ is the Double written "0.0003" (labels and names use it).
    return Double("\(mantissa == 1 ? "1" : "3")e\(decade)")!
  }

  /// The lattice index nearest `rate`.
  public static func index(of rate: Double) -> Int {
    precondition(rate > 0 && rate.isFinite, "a learning rate is positive")
    let decade = Int(log10(rate).rounded(.down))
    let mantissa = rate / pow(10, Double(decade))
    let k = 2 * decade + (mantissa < 1.7 ? 0 : mantissa < 5.5 ? 1 : 2)
    return k
  }

  /// Where a search stands.
  public struct State: Sendable, Equatable {
    /// The rates to train (the first grid and the extensions so far), ascending.
    public var rates: [Double]
    /// The chosen rate, once every rate has a score and no further extension is due.
    public var chosen: Double?
    /// Whether the chosen rate is still at an edge (the extension budget ran out first).
    public var chosenAtEdge: Bool
  }

  /// The search given `score` (higher is better; nil for a rate whose runs have not settled yet; a run
  /// that failed should score lowest, not nil). Among rates tied for best, the middle one (the lower of two
  /// middles) is chosen, so a plateau does not widen the grid and the choice keeps away from its ends.
  public func resolve(score: (Double) -> Double?) -> State {
    var indices = Array(grid)
    var extensions = 0
    while true {
      let rates = indices.map(Self.rate)
      let scores = rates.map(score)
      if scores.contains(where: { $0 == nil }) {
        return State(rates: rates, chosen: nil, chosenAtEdge: false)
      }
      let top = scores.map { $0! }.max()!
      let tied = scores.indices.filter { scores[$0]! == top }
      let best = tied[(tied.count - 1) / 2]
      let atLow = best == 0
      let atHigh = best == indices.count - 1
      // A one-rate grid has both edges at once: widen upward first (the smaller step is the safer guess
      // already tried).
      if (atLow || atHigh) && extensions < maxExtensions {
        extensions += 1
        if atHigh { indices.append(indices.last! + 1) } else { indices.insert(indices.first! - 1, at: 0) }
        continue
      }
      return State(rates: rates, chosen: rates[best], chosenAtEdge: (atLow || atHigh) && indices.count > 1)
    }
  }
}
