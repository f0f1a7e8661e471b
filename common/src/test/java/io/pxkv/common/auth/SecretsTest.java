package io.pxkv.common.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
  private static final String TOKEN = "0123456789abcdef-token";

  private static Secret read(Map<String, String> env, String... args) throws UsageException {
    Flags flags = new Flags("t").option("token-file", null, "file");
    flags.parse(args, env);
    return Secrets.read(flags, "token-file", env, "PXKV_TOKEN");
  }

  @Test
  void aFileOrTheVariableGivesTheSecretTrimmed(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("t"), "  " + TOKEN + "\n");
    Secret fromFile = read(Map.of(), "--token-file", file.toString());
    assertEquals("Bearer " + TOKEN, fromFile.authorization());
    assertEquals(fromFile, read(Map.of("PXKV_TOKEN", TOKEN + "\n")));
    assertEquals(fromFile, read(Map.of("PXKV_TOKEN_FILE", file.toString())));
    assertNull(read(Map.of()));
    assertEquals("Secret(hidden)", fromFile.toString());
  }

  @Test
  void problemsNameTheSourceNeverTheSecret(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("t"), TOKEN);
    Path shortFile = Files.writeString(dir.resolve("s"), "short-secret");
    Path spaced = Files.writeString(dir.resolve("sp"), "with a space in the middle");
    for (var call :
        Map.of(
                "both",
                    (Call) () -> read(Map.of("PXKV_TOKEN", TOKEN), "--token-file", file.toString()),
                "short", (Call) () -> read(Map.of(), "--token-file", shortFile.toString()),
                "spaced", (Call) () -> read(Map.of(), "--token-file", spaced.toString()),
                "missing",
                    (Call) () -> read(Map.of(), "--token-file", dir.resolve("no").toString()),
                "shortEnv", (Call) () -> read(Map.of("PXKV_TOKEN", "short-secret")))
            .entrySet()) {
      UsageException e = assertThrows(UsageException.class, call.getValue()::run, call.getKey());
      for (String secret : new String[] {TOKEN, "short-secret", "with a space"}) {
        assertFalse(e.getMessage().contains(secret), e.getMessage());
      }
      assertTrue(e.getMessage().contains("token-file") || e.getMessage().contains("PXKV_TOKEN"));
    }
  }

  @Test
  void onlyTheBearerSchemeCarriesAToken() {
    assertEquals("abc", AuthGate.bearer("Bearer abc"));
    assertEquals("abc", AuthGate.bearer("bearer   abc "));
    assertNull(AuthGate.bearer("Basic abc"));
    assertNull(AuthGate.bearer("Bearer "));
    assertNull(AuthGate.bearer(null));
  }

  @Test
  void matchingIsOnTheWholeSecret() {
    Secret s = Secret.of(TOKEN);
    var sha = Secret.sha256();
    assertTrue(s.matches(Secret.digest(sha, TOKEN)));
    assertFalse(s.matches(Secret.digest(sha, TOKEN + "x")));
    assertFalse(s.matches(Secret.digest(sha, TOKEN.substring(1))));
    assertThrows(IllegalArgumentException.class, () -> new Tokens(s, s));
    assertThrows(IllegalArgumentException.class, () -> new Tokens(s, null));
  }

  private interface Call {
    Object run() throws Exception;
  }
}
