package io.pxkv.bench.harness;

import io.pxkv.bench.report.Goal;
import java.util.List;

/**
 * One scenario: what it needs, its params, the text of its section, the goals it states and how it
 * runs. A new scenario is a small subclass plus one line in the catalog ({@code Catalog}); see
 * "Adding a scenario" in {@code bench/README.md}.
 */
public abstract class Scenario {
  private final String name;
  private final String title;

  /**
   * @param name its name on the command line and in the report's section markers ({@code
   *     router_side_by_side})
   * @param title its section's heading
   */
  protected Scenario(String name, String title) {
    this.name = name;
    this.title = title;
  }

  public final String name() {
    return name;
  }

  public final String title() {
    return title;
  }

  /** What must be there for it to run; if anything is missing it is skipped with the reason. */
  public abstract List<Requirement> requirements();

  /** Its params ({@code --set NAME.PARAM=VALUE}); none by default. */
  public List<Param<?>> params() {
    return List.of();
  }

  /** Its section's text: what runs, with which flags and sizes (Markdown). */
  public abstract String describe(Settings settings);

  /** The goals it states; none by default. Their numbers may come from other sections. */
  public List<Goal> goals(Settings settings) {
    return List.of();
  }

  /** Starts what it needs, measures, records; throws {@link BenchException} to fail. */
  public abstract void run(Bench bench) throws Exception;

  /** The value of {@code param} in {@code settings}, for {@link #describe} and {@link #goals}. */
  protected final <T> T param(Settings settings, Param<T> param) {
    return settings.param(name, param);
  }
}
