package io.pxkv.bench.harness;

import java.nio.file.Files;

/** The px-kvstore launcher jar, which {@code bench/run} builds when it is missing or stale. */
public final class PxkvJar implements Requirement {
  public static final PxkvJar INSTANCE = new PxkvJar();

  private PxkvJar() {}

  @Override
  public String name() {
    return "px-kvstore jar";
  }

  @Override
  public Missing check(Settings settings) {
    if (Files.isRegularFile(settings.pxkvJar())) {
      return null;
    }
    return new Missing(
        "no px-kvstore jar at `" + settings.root().relativize(settings.pxkvJar()) + "`",
        null,
        "build it: `mvn -B -DskipTests package`, or run through `bench/run`, which does");
  }
}
