package io.pxkv.common.auth;

import io.pxkv.common.cli.Flags;
import io.pxkv.common.cli.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a secret the way every process takes one: from a file named by a flag ({@code
 * --data-token-file FILE}, or its variable {@code PXKV_DATA_TOKEN_FILE}), or as the text itself in
 * a variable ({@code PXKV_DATA_TOKEN}), which is what container platforms hand out. Never from a
 * flag's value: a command line is visible to every user of the machine ({@code ps}).
 *
 * <p>The file holds the secret on one line; surrounding whitespace (the newline {@code echo} adds)
 * is dropped. Giving both the file and the variable is refused rather than one silently winning. A
 * problem is a one-line {@link UsageException} naming the flag or variable and the file, never the
 * secret.
 */
public final class Secrets {
  private Secrets() {}

  /**
   * The secret from {@code fileFlag} (declared in {@code flags}) or from the variable {@code
   * variable} of {@code env}; null when neither is given.
   */
  public static Secret read(Flags flags, String fileFlag, Map<String, String> env, String variable)
      throws UsageException {
    String file = flags.optional(fileFlag);
    String text = env.get(variable);
    if (text != null && text.isBlank()) text = null;
    if (file != null && text != null) {
      throw new UsageException(
          "give either --" + fileFlag + " or " + variable + ", not both (they may differ)");
    }
    if (file != null) return fromFile("--" + fileFlag + " " + file, Path.of(file));
    if (text != null) return parse(variable, text.strip());
    return null;
  }

  /** The secret in {@code file}; {@code what} names it in messages. */
  public static Secret fromFile(String what, Path file) throws UsageException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new UsageException(what + ": no such file");
    } catch (IOException | RuntimeException e) {
      throw new UsageException(what + ": cannot read it (" + e.getClass().getSimpleName() + ")");
    }
    return parse(what, text.strip());
  }

  private static Secret parse(String what, String text) throws UsageException {
    String problem = Secret.problem(text);
    if (problem != null) throw new UsageException(what + ": the secret " + problem);
    return Secret.of(text);
  }
}
