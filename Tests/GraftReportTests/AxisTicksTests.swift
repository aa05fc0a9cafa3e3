import GraftReport
import Testing

@Suite struct AxisTicksTests {
  @Test func niceTicksCoverTheRange() {
    let t = AxisTicks.linear(0, 97)
    #expect(t.values == [0, 20, 40, 60, 80, 100])
    #expect(t.lower == 0 && t.upper == 100)
  }

  @Test func decimalStepsAreClean() {
    let t = AxisTicks.linear(0.1, 0.37, target: 6)
    #expect(t.step == 0.05)
    #expect(t.values == [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4])
    #expect(
      t.values.map { NumberFormatting.tick($0, step: t.step) } == [
        "0.10", "0.15", "0.20", "0.25", "0.30", "0.35", "0.40",
      ])
    let small = AxisTicks.linear(0, 0.3, target: 3)
    #expect(small.values.map { NumberFormatting.tick($0, step: small.step) } == ["0", "0.1", "0.2", "0.3"])
  }

  @Test func negativeAndOffsetRanges() {
    #expect(AxisTicks.linear(-3.2, 7.9).values == [-5, -2.5, 0, 2.5, 5, 7.5, 10])
    #expect(AxisTicks.linear(1003, 1017).values == [1000, 1005, 1010, 1015, 1020])
  }

  @Test func degenerateRangesStillGiveTicks() {
    let flat = AxisTicks.linear(5, 5)
    #expect(flat.values.count >= 2 && flat.lower < 5 && flat.upper > 5)
    let zero = AxisTicks.linear(0, 0)
    #expect(zero.lower == 0 && zero.upper == 1)
    let bad = AxisTicks.linear(.nan, .infinity)
    #expect(bad.values.first == 0 && bad.values.last == 1)
  }

  @Test func logTicksArePowersOfTen() {
    let t = AxisTicks.logarithmic(0.003, 40)
    #expect(t.values == [0.001, 0.01, 0.1, 1, 10, 100])
    #expect(t.values.map(NumberFormatting.logTick) == ["0.001", "0.01", "0.1", "1", "10", "100"])
    // Under two decades: 1-2-5 ticks around the data.
    #expect(AxisTicks.logarithmic(0.3, 4).values == [0.2, 0.5, 1, 2, 5])
    // Many decades are thinned.
    let wide = AxisTicks.logarithmic(1e-9, 1e3)
    #expect(wide.values.count <= 8 && wide.lower <= 1e-9 && wide.upper >= 1e3)
    #expect(NumberFormatting.logTick(1e-6) == "1e-6")
  }

  @Test func metricFormatting() {
    #expect(NumberFormatting.metric(8) == "8")
    #expect(NumberFormatting.metric(0.91024) == "0.9102")
    #expect(NumberFormatting.metric(58.607) == "58.61")
    #expect(NumberFormatting.metric(0.0035) == "0.0035")
    #expect(NumberFormatting.metric(42.5) == "42.5")
    #expect(NumberFormatting.metric(1.5e-5) == "1.5e-5")
    #expect(NumberFormatting.metric(.nan) == "NaN")
  }
}
