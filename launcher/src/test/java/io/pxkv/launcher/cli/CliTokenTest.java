package io.pxkv.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.auth.NodeAccess;
import io.pxkv.common.auth.Secret;
import io.pxkv.common.auth.Tokens;
import io.pxkv.common.cluster.ClusterConfig;
import io.pxkv.common.cluster.NodeInfo;
import io.pxkv.common.tls.TlsServer;
import io.pxkv.node.NodeConfig;
import io.pxkv.node.NodeServer;
import io.pxkv.router.RunningRouter;
import io.pxkv.router.config.RouterConfig;
import io.pxkv.router.config.RouterSecurity;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands against a real router with tokens, serving HTTPS with a self-signed
 * certificate: {@code --token} or {@code PXKV_TOKEN} is sent as a bearer token; without it, or with
 * one not enough for the call, the command fails with the router's message and exit code 2, and
 * never prints the token. {@code --cacert} (or {@code PXKV_CACERT}) trusts the certificate; without
 * it the handshake fails (exit 3).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliTokenTest {
  private static final String DATA = "cli-data-token-0123456789";
  private static final String ADMIN = "cli-admin-token-0123456789";

  private Vertx nodeVertx;
  private Vertx routerVertx;
  private NodeServer node;
  private RunningRouter router;
  private String url;
  private SelfSigned tls;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    tls = SelfSigned.make(dir.resolve("tls"));
    nodeVertx = Vertx.vertx();
    node =
        NodeServer.start(nodeVertx, NodeConfig.forTest("n1", dir.resolve("n1")))
            .await(30, TimeUnit.SECONDS);
    routerVertx = Vertx.vertx();
    router =
        RunningRouter.start(
                routerVertx,
                RouterConfig.of(
                        new ClusterConfig(64, List.of(NodeInfo.of("n1", "127.0.0.1", node.port()))),
                        0)
                    .withInstances(1)
                    .withSecurity(
                        new RouterSecurity(
                            new Tokens(Secret.of(DATA), Secret.of(ADMIN)),
                            new TlsServer(tls.cert(), tls.key(), null),
                            NodeAccess.NONE)))
            .await(30, TimeUnit.SECONDS);
    url = "https://127.0.0.1:" + router.port();
  }

  @AfterAll
  void stop() throws Exception {
    if (router != null) router.close().await(30, TimeUnit.SECONDS);
    if (node != null) node.close().await(30, TimeUnit.SECONDS);
    if (routerVertx != null) routerVertx.close().await(30, TimeUnit.SECONDS);
    if (nodeVertx != null) nodeVertx.close().await(30, TimeUnit.SECONDS);
  }

  private Cli cli() {
    return new Cli().env(Map.of("PXKV_CACERT", tls.cert().toString()));
  }

  @Test
  void withoutTrustingTheCertificateTheHandshakeFails() {
    Cli.Result untrusted = new Cli().run("get", "t1", "--url", url, "--token", DATA);
    assertEquals(3, untrusted.code(), untrusted.toString());
    Cli.Result trusted =
        new Cli()
            .run("get", "t0", "--url", url, "--token", DATA, "--cacert", tls.cert().toString());
    assertEquals(1, trusted.code(), "not found, so the call got through: " + trusted);
  }

  @Test
  void theTokenIsSentFromTheFlagOrTheEnvironment() {
    Cli.Result none = cli().run("put", "t1", "1", "--url", url);
    assertEquals(2, none.code(), none.toString());
    assertTrue(none.err().contains("needs a token"), none.toString());

    Cli.Result flag = cli().run("put", "t1", "1", "--url", url, "--token", DATA);
    assertEquals(0, flag.code(), flag.toString());
    Cli.Result env =
        new Cli()
            .env(Map.of("PXKV_TOKEN", DATA, "PXKV_CACERT", tls.cert().toString()))
            .run("get", "t1", "--url", url);
    assertEquals(0, env.code(), env.toString());
    assertEquals("1\n", env.out());

    Cli.Result dataOnAdmin = cli().run("cluster", "--url", url, "--token", DATA);
    assertEquals(2, dataOnAdmin.code(), dataOnAdmin.toString());
    assertTrue(dataOnAdmin.err().contains("admin token"), dataOnAdmin.toString());
    Cli.Result wrong = cli().run("get", "t1", "--url", url, "--token", "wrong-0123456789abc");
    assertEquals(2, wrong.code(), wrong.toString());
    Cli.Result admin = cli().run("cluster", "--url", url, "--token", ADMIN, "--json");
    assertEquals(0, admin.code(), admin.toString());

    for (Cli.Result r : List.of(none, flag, env, dataOnAdmin, wrong, admin)) {
      for (String token : List.of(DATA, ADMIN, "wrong-0123456789abc")) {
        assertFalse(r.out().contains(token) || r.err().contains(token), r.toString());
      }
    }
  }
}
