package io.pxkv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's cluster secret and TLS flags: off by default, one-line errors naming no secret. */
class NodeSecurityFlagsTest {
  private static final String SECRET = "node-secret-0123456789abcdef";

  @Test
  void offByDefaultAndTheSecretFromAFileOrTheVariable(@TempDir Path dir) throws Exception {
    NodeSecurity none = NodeConfig.fromArgs(new String[0], Map.of()).security();
    assertNull(none.clusterSecret());
    assertNull(none.tls());
    assertNull(none.peers().authorization());

    Path file = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    NodeSecurity fromFile =
        NodeConfig.fromArgs(new String[] {"--cluster-secret-file", file.toString()}, Map.of())
            .security();
    NodeSecurity fromEnv =
        NodeConfig.fromArgs(new String[0], Map.of("PXKV_CLUSTER_SECRET", SECRET)).security();
    assertEquals(fromFile.clusterSecret(), fromEnv.clusterSecret());
    // The node pushes keys to other nodes with the same secret.
    assertEquals("Bearer " + SECRET, fromFile.peers().authorization());
    assertEquals("cluster secret, plain HTTP", fromFile.toString());
  }

  @Test
  void mutualTlsNeedsTheNodesOwnPairAndBadFilesAreNamed(@TempDir Path dir) throws Exception {
    Path notPem = Files.writeString(dir.resolve("ca.pem"), "nope");
    UsageException noPair =
        assertThrows(
            UsageException.class,
            () ->
                NodeConfig.fromArgs(new String[] {"--tls-client-ca", notPem.toString()}, Map.of()));
    assertTrue(noPair.getMessage().contains("needs --tls-cert and --tls-key"), noPair.getMessage());
    UsageException shortSecret =
        assertThrows(
            UsageException.class,
            () -> NodeConfig.fromArgs(new String[0], Map.of("PXKV_CLUSTER_SECRET", "too-short")));
    assertTrue(shortSecret.getMessage().startsWith("PXKV_CLUSTER_SECRET: the secret is shorter"));
    assertTrue(!shortSecret.getMessage().contains("too-short"), shortSecret.getMessage());
  }
}
