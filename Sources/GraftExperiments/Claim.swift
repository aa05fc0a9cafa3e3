import GraftGAN
import GraftStatistics

/// One part of a claim: a measure over seeds and the test it must pass.
struct ClaimPart {
  /// What the measure is, in words ("ring8 modes, Ada_nSGDA − Adam").
  var what: String
  var statistics: SeedStatistics
  var criterion: Criterion
  /// Decimals in the evidence text.
  var digits = 1

  var verdict: Verdict { criterion.verdict(statistics) }

  /// The seeds this part needs by its spread and distance from the threshold (`RequiredSeeds`).
  var seedsNeeded: ClaimCheck.SeedsNeeded {
    criterion.requiredSeeds(statistics).map(ClaimCheck.SeedsNeeded.count) ?? .unbounded
  }
}

/// A paper claim stated once: its words and the parts (measure and criterion) it is decided from. The
/// verdict, rule text, evidence, seed count, interval method and the seeds it needs all follow from them.
struct Claim {
  var claim: String
  var parts: [ClaimPart]
  /// Other measures worth showing beside the evidence.
  var context = ""

  /// The seeds the claim needs to be decided: the largest need of its parts (`unbounded` if any has no
  /// finite need).
  var seedsNeeded: ClaimCheck.SeedsNeeded { Self.largest(parts.map(\.seedsNeeded)) }

  /// Held when all parts hold, not held when any is not held, otherwise inconclusive.
  var check: ClaimCheck {
    precondition(!parts.isEmpty, "a claim needs at least one part")
    let verdicts = parts.map(\.verdict)
    let verdict = parts.count == 1 ? verdicts[0] : Verdict.all(verdicts)
    let evidence = parts.map { GraftExperiments.evidence($0.what, $0.statistics, digits: $0.digits) }.joined(
      separator: "; ")
    let rules = parts.map { $0.criterion.rule($0.what) }
    let rule =
      parts.count == 1
      ? rules[0] + RuleText.otherwise : RuleText.both(rules[0], rules[1...].joined(separator: "; "))
    // An undecided claim reports what its undecided parts need.
    let needed =
      verdict == .inconclusive
      ? Self.largest(zip(parts, verdicts).filter { $0.1 == .inconclusive }.map(\.0.seedsNeeded)) : nil
    let methods = parts.map(\.statistics.intervalMethod.rawValue).reduce(into: [String]()) {
      if !$0.contains($1) { $0.append($1) }
    }
    return ClaimCheck(
      claim: claim, evidence: evidence + (context.isEmpty ? "" : "; " + context), rule: rule, verdict: verdict,
      seeds: parts.map(\.statistics.count).min(), intervalMethod: methods.joined(separator: " and "),
      seedsNeeded: needed)
  }

  static func largest(_ needs: [ClaimCheck.SeedsNeeded]) -> ClaimCheck.SeedsNeeded {
    var largest = 0
    for need in needs {
      guard case .count(let n) = need else { return .unbounded }
      largest = max(largest, n)
    }
    return .count(largest)
  }
}
