import GraftGAN
import GraftIO
import GraftReport
import GraftStatistics

/// How many confirmation seeds an experiment runs, fixed by a power analysis on a pilot before the
/// remaining seeds are looked at (an internal pilot, Wittes & Brittain 1990).
///
/// The confirmation's first `pilot` seeds run first (with the rest of the `minimum`, which runs in any
/// case). Once they have settled, each claim's spread and distance from its threshold on the pilot seeds
/// alone give the seeds it needs (`RequiredSeeds`: 80% power for its 95% interval to clear the
/// threshold); the plan takes the largest need, at least `minimum` and at most `budget`, and the
/// experiment runs up to it, then decides every claim on all of them. It never stops early because an
/// interval looks good: the count is a function of the pilot seeds only, so running the protocol again
/// (or resuming it) gives the same count. Seeds already on disk are reused, as every run is.
public struct SeedPlan: Codable, Sendable, Equatable {
  /// The first confirmation seed (seeds are `first`, `first + 1`, …).
  public var first: Int
  /// Seeds in the pilot.
  public var pilot: Int
  /// Seeds run whatever the pilot says.
  public var minimum: Int
  /// The most seeds the experiment may run (`graft reproduce --max-seeds`).
  public var budget: Int
  /// Per claim, what its pilot said it needs; empty until the pilot has settled.
  public var needs: [Need]

  /// A claim's need by the pilot.
  public struct Need: Codable, Sendable, Equatable {
    public var claim: String
    public var seeds: ClaimCheck.SeedsNeeded
  }

  /// The plan of an experiment at `scale`, before its pilot has settled, with seeds from `first` (by
  /// default 100: never a screen seed): a pilot of 5 seeds (quick: 3); at least `minimum` seeds (and the
  /// pilot); at most `--max-seeds` if given, else `budget` (quick: `quickExtra` past the minimum), never
  /// below the minimum.
  init(scale: ExperimentScale, minimum: Int, budget: Int, quickExtra: Int, first: Int = 100) {
    let pilot = scale.quick ? 3 : 5
    let minimum = max(pilot, minimum)
    let budget = max(minimum, scale.maxSeeds ?? (scale.quick ? minimum + quickExtra : budget))
    self.init(first: first, pilot: pilot, minimum: minimum, budget: budget)
  }

  /// A plan whose pilot has not settled yet: it runs the `minimum`.
  init(first: Int, pilot: Int, minimum: Int, budget: Int) {
    precondition(pilot >= 2 && minimum >= pilot && budget >= minimum, "pilot ≤ minimum ≤ budget, pilot ≥ 2")
    self.first = first
    self.pilot = pilot
    self.minimum = minimum
    self.budget = budget
    needs = []
  }

  /// The plan fixed by the claims measured on the pilot seeds.
  func fixed(by pilotClaims: [Claim]) -> SeedPlan {
    fixed(by: pilotClaims.map { Need(claim: $0.claim, seeds: $0.seedsNeeded) })
  }

  /// The plan fixed by the needs of the claims measured on the pilot seeds.
  func fixed(by needs: [Need]) -> SeedPlan {
    var plan = self
    plan.needs = needs
    return plan
  }

  /// Whether the pilot has settled and fixed the count.
  public var isFixed: Bool { !needs.isEmpty }

  /// The seeds to run: the largest need, within [`minimum`, `budget`]; `minimum` until fixed.
  public var seeds: Int {
    guard isFixed else { return minimum }
    return min(
      budget,
      max(
        minimum,
        needs.map { need in
          if case .count(let n) = need.seeds { return n }
          return budget
        }.max() ?? minimum))
  }

  public var pilotSeeds: [Int] { Array(first..<(first + pilot)) }
  public var confirmationSeeds: [Int] { Array(first..<(first + seeds)) }

  /// The plan in words, for results.md.
  public var markdown: String {
    var md =
      "Seed plan (power analysis on a pilot): the first \(pilot) confirmation seeds (\(first)…\(first + pilot - 1)) estimated each claim's spread and distance from its threshold; the seeds each claim needs for 80% power of its 95% interval clearing the threshold (Guenther's closed form) were fixed from them before the other seeds were looked at, at least \(minimum) and at most the budget of \(budget) (`--max-seeds`)."
    guard isFixed else { return md + " The pilot has not settled yet: \(minimum) seeds.\n\n" }
    md += " **\(seeds) seeds** (\(first)…\(first + seeds - 1)).\n\n"
    var table = MarkdownTable(["claim", "seeds needed by the pilot"])
    for need in needs {
      let over: Bool
      if case .count(let n) = need.seeds { over = n > budget } else { over = true }
      table.add(need.claim, need.seeds.text + (over ? " (beyond the budget)" : ""))
    }
    return md + table.markdown + "\n"
  }
}
