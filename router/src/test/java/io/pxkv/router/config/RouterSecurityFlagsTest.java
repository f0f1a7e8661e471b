package io.pxkv.router.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router's token, secret and TLS flags: off by default, read from files or variables. */
class RouterSecurityFlagsTest {
  private static final String ADMIN = "admin-0123456789abcdef";
  private static final String DATA = "data-0123456789abcdef";

  private record Bad(Map<String, String> env, List<String> flags, String says) {}

  private static RouterConfig parse(Path dir, Map<String, String> env, List<String> flags)
      throws Exception {
    Path cluster = dir.resolve("cluster.json");
    Files.writeString(cluster, "{\"nodes\":[{\"id\":\"a\",\"url\":\"https://localhost:9001\"}]}");
    List<String> args = new ArrayList<>(List.of("--cluster", cluster.toString()));
    args.addAll(flags);
    return RouterConfig.fromArgs(args.toArray(String[]::new), env);
  }

  @Test
  void everythingIsOffByDefault(@TempDir Path dir) throws Exception {
    RouterConfig config = parse(dir, Map.of(), List.of());
    assertFalse(config.security().tokens().on());
    assertNull(config.security().tls());
    assertNull(config.security().nodes().clusterSecret());
    assertTrue(config.cluster().nodes().get(0).tls());
  }

  @Test
  void tokensAndTheSecretComeFromFilesOrVariables(@TempDir Path dir) throws Exception {
    Path admin = Files.writeString(dir.resolve("admin"), ADMIN + "\n");
    RouterSecurity s =
        parse(
                dir,
                Map.of("PXKV_DATA_TOKEN", DATA, "PXKV_CLUSTER_SECRET", "secret-0123456789abcdef"),
                List.of("--admin-token-file", admin.toString()))
            .security();
    assertEquals("Bearer " + ADMIN, s.tokens().admin().authorization());
    assertEquals("Bearer " + DATA, s.tokens().data().authorization());
    assertEquals("Bearer secret-0123456789abcdef", s.nodes().authorization());
    assertFalse(s.toString().contains(ADMIN) || s.toString().contains(DATA), s.toString());
  }

  @Test
  void badCombinationsAreOneLineUsageErrors(@TempDir Path dir) throws Exception {
    Path admin = Files.writeString(dir.resolve("admin"), ADMIN);
    Path notPem = Files.writeString(dir.resolve("x.pem"), "not a certificate");
    for (Bad bad :
        List.of(
            new Bad(Map.of("PXKV_DATA_TOKEN", DATA), List.of(), "needs an admin token"),
            new Bad(
                Map.of("PXKV_ADMIN_TOKEN", ADMIN),
                List.of("--admin-token-file", admin.toString()),
                "not both"),
            new Bad(
                Map.of("PXKV_ADMIN_TOKEN", ADMIN, "PXKV_DATA_TOKEN", ADMIN), List.of(), "differ"),
            new Bad(Map.of(), List.of("--tls-cert", notPem.toString()), "go together"),
            new Bad(
                Map.of(),
                List.of("--tls-cert", notPem.toString(), "--tls-key", notPem.toString()),
                "not a PEM certificate"),
            new Bad(
                Map.of(), List.of("--node-ca", dir.resolve("none").toString()), "no such file"))) {
      UsageException e =
          assertThrows(UsageException.class, () -> parse(dir, bad.env(), bad.flags()));
      assertTrue(e.getMessage().contains(bad.says()), e.getMessage());
      assertFalse(e.getMessage().contains(ADMIN) || e.getMessage().contains(DATA));
    }
  }
}
