package io.pxkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.bench.harness.CommandLine;
import io.pxkv.bench.harness.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchMainTest {
  @Test
  void namedScenariosRunInTheOrderNamedAndNoneMeansAll() {
    List<Scenario> all = Catalog.all();
    assertEquals(all, BenchMain.select(all, List.of()));
    assertEquals(
        List.of("webdis", "bare_server"),
        BenchMain.select(all, List.of("webdis", "bare_server")).stream()
            .map(Scenario::name)
            .toList());
  }

  @Test
  void anUnknownScenarioIsRefusedNamingTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> BenchMain.select(Catalog.all(), List.of("routr")));
    assertTrue(
        e.getMessage().startsWith("unknown scenario routr (known: bare_server, bare_chain,"),
        e.getMessage());
  }

  @Test
  void setMustNameAParamOfTheScenarioWithAValueThatParses() {
    List<Scenario> all = Catalog.all();
    BenchMain.checkOverrides(all, Map.of("restart_time.keys", "5000"));
    assertEquals(
        "restart_time has no param key (it has: keys, chunk)",
        assertThrows(
                IllegalArgumentException.class,
                () -> BenchMain.checkOverrides(all, Map.of("restart_time.key", "1")))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchMain.checkOverrides(all, Map.of("restart_time.keys", "many")));
    assertThrows(
        IllegalArgumentException.class,
        () -> BenchMain.checkOverrides(all, Map.of("nope.keys", "1")));
  }

  @Test
  void listNamesEveryScenarioWhatItNeedsAndItsParams() {
    String out =
        BenchMain.list(
            Catalog.all(),
            CommandLine.parse(new String[] {"--quick"}, Path.of("/repo"), null, "").settings());
    for (Scenario s : Catalog.all()) {
      assertTrue(out.contains(s.name() + ": " + s.title() + "\n"), s.name());
    }
    assertTrue(
        out.contains(
            "  needs: wrk, px-kvstore jar, redis-server, webdis -- missing wrk, redis-server, webdis"),
        out);
    assertTrue(
        out.contains(
            "  --set restart_time.keys=20000  keys loaded before the restarts (full 1000000, quick 20000)"),
        out);
  }

  @Test
  void badCommandLinesExitWithTwoAndHelpPrintsUsage() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    assertEquals(2, BenchMain.run(new String[] {"--bogus"}, out, ""));
    assertEquals(2, BenchMain.run(new String[] {"no_such_scenario"}, out, ""));
    assertEquals(0, BenchMain.run(new String[] {"--help"}, out, ""));
    assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("Usage: bench/run"));
  }
}
