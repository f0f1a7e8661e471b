package io.pxkv.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GoalTableTest {
  static SectionData section(
      String name, List<Run> runs, Map<String, Metric> metrics, Goal... goals) {
    return new SectionData(
        name,
        name,
        null,
        SectionData.Status.RAN,
        null,
        Samples.INFO,
        runs,
        List.of(),
        metrics,
        List.of(goals));
  }

  static Run run(String op, double rps, long errors, double other) {
    return new Run(op, rps, 1.0, 4.0, errors, 1000, other, 10, false);
  }

  static GoalTable.Row only(List<SectionData> sections) {
    List<GoalTable.Row> rows = GoalTable.rows(sections, 10);
    assertEquals(1, rows.size());
    return rows.get(0);
  }

  static final Goal AT_LEAST_09 =
      Goal.ratio("a / b", Ref.rps("a", "GET"), Ref.rps("b", "GET"), Target.ratioAtLeast(0.9));

  @Test
  void aRatioAtItsLimitPasses() {
    GoalTable.Row r =
        only(
            List.of(
                section("a", List.of(run("GET", 900, 0, 1)), Map.of(), AT_LEAST_09),
                section("b", List.of(run("GET", 1000, 0, 2)), Map.of())));
    assertEquals(new GoalTable.Row("a / b", "900", "1000", "0.90x", ">= 0.9x", "PASS", "2%"), r);
  }

  @Test
  void aRatioBelowItsLimitMisses() {
    GoalTable.Row r =
        only(
            List.of(
                section("a", List.of(run("GET", 880, 0, 0)), Map.of(), AT_LEAST_09),
                section("b", List.of(run("GET", 1000, 0, 0)), Map.of())));
    assertEquals("MISS", r.verdict());
    assertEquals("0.88x", r.ratio());
  }

  @Test
  void theRatioIsJudgedAsShownSoARowNeverReadsItsLimitAndMiss() {
    // 0.8951 shows as 0.90x.
    GoalTable.Row r =
        only(
            List.of(
                section("a", List.of(run("GET", 895.1, 0, 0)), Map.of(), AT_LEAST_09),
                section("b", List.of(run("GET", 1000, 0, 0)), Map.of())));
    assertEquals("0.90x", r.ratio());
    assertEquals("PASS", r.verdict());
  }

  @Test
  void aGoalWhoseRunsHadErrorsIsNotJudged() {
    GoalTable.Row r =
        only(
            List.of(
                section("a", List.of(run("GET", 2000, 0, 0)), Map.of(), AT_LEAST_09),
                section("b", List.of(run("GET", 1000, 3, 0)), Map.of())));
    assertEquals("INVALID (errors)", r.verdict());
  }

  @Test
  void aVerdictOnADisturbedRunIsMarked() {
    GoalTable.Row r =
        only(
            List.of(
                section("a", List.of(run("GET", 2000, 0, 12.4)), Map.of(), AT_LEAST_09),
                section("b", List.of(run("GET", 1000, 0, 1)), Map.of())));
    assertEquals("PASS (disturbed)", r.verdict());
    assertEquals("12%", r.otherLoad());
  }

  @Test
  void aRowWithoutATargetHasNoVerdictEvenWhenDisturbed() {
    Goal g = Goal.ratio("a / b", Ref.rps("a", "GET"), Ref.rps("b", "GET"), null);
    GoalTable.Row r =
        only(
            List.of(
                section("a", List.of(run("GET", 500, 0, 50)), Map.of(), g),
                section("b", List.of(run("GET", 1000, 0, 0)), Map.of())));
    assertEquals(new GoalTable.Row("a / b", "500", "1000", "0.50x", "-", "-", "50%"), r);
  }

  @Test
  void aGoalWhoseBaselineSectionIsAbsentIsNotMeasured() {
    GoalTable.Row r =
        only(List.of(section("a", List.of(run("GET", 900, 0, 0)), Map.of(), AT_LEAST_09)));
    assertEquals(new GoalTable.Row("a / b", "900", "NA", "-", ">= 0.9x", "not measured", "-"), r);
  }

  @Test
  void aGoalWhoseRunIsMissingOrHasNoRateIsNotMeasured() {
    Run noRate = new Run("GET", Double.NaN, Double.NaN, Double.NaN, 0, -1, 0, Double.NaN, false);
    assertEquals(
        "not measured",
        only(List.of(
                section("a", List.of(), Map.of(), AT_LEAST_09),
                section("b", List.of(run("GET", 1, 0, 0)), Map.of())))
            .verdict());
    assertEquals(
        "not measured",
        only(List.of(
                section("a", List.of(noRate), Map.of(), AT_LEAST_09),
                section("b", List.of(run("GET", 1, 0, 0)), Map.of())))
            .verdict());
    assertEquals(
        "not measured",
        only(List.of(
                section("a", List.of(run("GET", 1, 0, 0)), Map.of(), AT_LEAST_09),
                section("b", List.of(run("GET", 0, 0, 0)), Map.of())))
            .verdict());
  }

  @Test
  void aValueGoalComparesTheMetricItself() {
    Goal g = Goal.value("restart", Ref.metric("r", "restart_with_hints"), Target.below(3, "s"));
    assertEquals(
        new GoalTable.Row("restart", "1.71 s", "-", "-", "< 3 s", "PASS", "-"),
        only(
            List.of(
                section("r", List.of(), Map.of("restart_with_hints", new Metric(1.71, "s")), g))));
    assertEquals(
        "MISS",
        only(List.of(
                section("r", List.of(), Map.of("restart_with_hints", new Metric(3.0, "s")), g)))
            .verdict());
  }

  @Test
  void aLatencyRatioUsesTheRunsPercentileAndLowerIsBetter() {
    Goal g =
        Goal.ratio(
            "p99 during / before",
            Ref.run("c", "GET during", Ref.P99_MS),
            Ref.run("c", "GET before", Ref.P99_MS),
            Target.ratioAtMost(2));
    Run before = new Run("GET before", 1000, 1, 2.0, 0, 1, 0, 1, false);
    Run during = new Run("GET during", 900, 1, 5.0, 0, 1, 0, 1, false);
    assertEquals(
        new GoalTable.Row(
            "p99 during / before", "5.00 ms", "2.00 ms", "2.50x", "<= 2.0x", "MISS", "0%"),
        only(List.of(section("c", List.of(before, during), Map.of(), g))));
  }

  @Test
  void goalsAreListedSectionBySectionAndFindTheirNumbersInAnySection() throws Exception {
    Golden.assertMatches(
        "goals.md",
        GoalTable.render(
            List.of(
                Samples.bareServer(),
                Samples.node(),
                Samples.sideBySide(),
                Samples.restart(),
                Samples.failedRebalance()),
            10));
  }
}
