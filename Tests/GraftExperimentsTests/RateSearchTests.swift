import Foundation
import GraftExperiments
import Testing

@Suite struct RateSearchTests {
  @Test func latticeRatesAreTheDecimalOnes() {
    #expect((-8...0).map(RateSearch.rate) == [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1])
    #expect(RateSearch.rate(3) == 30)
    for k in -12...6 { #expect(RateSearch.index(of: RateSearch.rate(k)) == k) }
    #expect(RateSearch.index(of: 2.9e-4) == -7)
    #expect(RateSearch.index(of: 9e-4) == -6)
  }

  @Test func waitsForEveryScoreOfTheGrid() {
    let search = RateSearch(from: 1e-3, to: 1e-1)
    let state = search.resolve { $0 == 1e-2 ? nil : 1 }
    #expect(state.rates == [1e-3, 3e-3, 1e-2, 3e-2, 0.1])
    #expect(state.chosen == nil)
  }

  @Test func anInteriorBestIsChosenWithoutWidening() {
    let search = RateSearch(from: 1e-3, to: 1e-1)
    // Peaked at 1e-2.
    let state = search.resolve { -abs(log10($0) + 2) }
    #expect(state.rates.count == 5)
    #expect(state.chosen == 1e-2)
    #expect(!state.chosenAtEdge)
  }

  @Test func anEdgeBestWidensUntilInterior() {
    let search = RateSearch(from: 1e-3, to: 1e-2, maxExtensions: 5)
    // Peaked at 0.1, past the high edge: the grid grows one rate at a time, asking for each.
    let score: (Double) -> Double = { -abs(log10($0) + 1) }
    var known: Set<Double> = [1e-3, 3e-3, 1e-2]
    var state = search.resolve { known.contains($0) ? score($0) : nil }
    #expect(state.rates == [1e-3, 3e-3, 1e-2, 3e-2])
    #expect(state.chosen == nil)
    known.formUnion(state.rates)
    state = search.resolve { known.contains($0) ? score($0) : nil }
    #expect(state.rates.last == 0.1)
    known.formUnion(state.rates)
    state = search.resolve { known.contains($0) ? score($0) : nil }
    #expect(state.rates.last == 0.3)
    known.formUnion(state.rates)
    state = search.resolve { known.contains($0) ? score($0) : nil }
    #expect(state.chosen == 0.1)
    #expect(!state.chosenAtEdge)
    // Downward too.
    let low = RateSearch(from: 1e-2, to: 1e-1).resolve { -abs(log10($0) + 3) }
    #expect(low.rates.first == 3e-4)
    #expect(low.chosen == 1e-3)
  }

  @Test func theExtensionBudgetEndsTheSearchAtAnEdgeAndSaysSo() {
    let state = RateSearch(from: 1e-3, to: 1e-2, maxExtensions: 2).resolve { $0 }  // bigger is better
    #expect(state.rates == [1e-3, 3e-3, 1e-2, 3e-2, 0.1])
    #expect(state.chosen == 0.1)
    #expect(state.chosenAtEdge)
  }

  @Test func aPlateauKeepsTheMiddle() {
    let state = RateSearch(from: 1e-3, to: 1e-1).resolve { _ in 8 }
    #expect(state.chosen == 1e-2)
    #expect(state.rates.count == 5)
    // Failed runs score lowest and push the choice away from them.
    let failedHigh = RateSearch(from: 1e-3, to: 1e-1).resolve { $0 >= 3e-2 ? -.infinity : 8 }
    #expect(failedHigh.chosen == 3e-3)
  }
}
