package io.pxkv.launcher.cli;

import io.vertx.core.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "put",
    description = {
      "Store VALUE under KEY. VALUE is JSON ('42', '\"text\"', '{\"a\":1}'); with --string it is"
          + " stored as a JSON string. Prints whether the key was created or replaced."
    },
    footer = AdminCli.EXIT_CODES)
final class PutCommand extends AdminCommand {
  @Parameters(index = "0", paramLabel = "KEY", description = "Any Unicode, at most 1024 bytes.")
  String key;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "VALUE",
      description = "The value; or give --file.")
  String value;

  @Option(
      names = {"-s", "--string"},
      description = "Store VALUE (or the file's text) as a JSON string.")
  boolean string;

  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description = "Read the value from FILE ('-' for standard input).")
  String file;

  @Override
  void execute(RouterClient router) throws CliException {
    if ((value == null) == (file == null)) {
      throw CliException.usage(
          "give VALUE or --file, not both nor neither (see px-kvstore put --help)");
    }
    String text = value != null ? value : read(file);
    String body = string ? Json.encode(text) : text;
    RouterClient.Reply reply;
    try {
      reply = router.put(UrlParts.keyPath(key), body);
    } catch (CliException e) {
      if (!string && e.errorBody() != null && e.errorBody().contains("\"invalid_json\"")) {
        throw e.withHint("the value must be JSON; --string stores text as a string");
      }
      throw e;
    }
    if (json()) {
      out().println(reply.body());
    } else {
      String version = RawJson.member(reply.body(), "version");
      out()
          .println(
              (reply.status() == 201 ? "created " : "replaced ")
                  + key
                  + " (version "
                  + version
                  + ")");
    }
  }

  private String read(String name) throws CliException {
    try {
      byte[] bytes =
          name.equals("-") ? root.io.in().readAllBytes() : Files.readAllBytes(Path.of(name));
      // Strictly: a byte that is not UTF-8 is an error, never a U+FFFD stored in its place.
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw CliException.usage(name + " is not UTF-8 text");
    } catch (IOException e) {
      throw CliException.failure("cannot read " + name + ": " + e.getMessage());
    }
  }
}
