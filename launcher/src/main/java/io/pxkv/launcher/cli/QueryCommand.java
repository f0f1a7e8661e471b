package io.pxkv.launcher.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "query",
    description = {
      "Pairs by a secondary index INDEX: an indexed number in [--min, --max], an indexed string"
          + " equal to --eq or starting with --prefix (GET /query, paged like ls), or the"
          + " --k nearest to the vector --knn (POST /query/knn, nearest first)."
          + " Needs a router with indexes (the cluster file's \"indexes\"); a router without"
          + " them, or without INDEX, answers not found (exit 1)."
    },
    footer = AdminCli.EXIT_CODES)
final class QueryCommand extends AdminCommand {
  static final String NEEDS_INDEXES = "queries need a router with indexes";

  @Parameters(index = "0", paramLabel = "INDEX", description = "The index's name.")
  String index;

  @Option(names = "--min", paramLabel = "X", description = "Lowest number (inclusive).")
  String min;

  @Option(names = "--max", paramLabel = "X", description = "Highest number (inclusive).")
  String max;

  @Option(names = "--eq", paramLabel = "TEXT", description = "The indexed string equals TEXT.")
  String eq;

  @Option(
      names = "--prefix",
      paramLabel = "TEXT",
      description = "The indexed string starts with TEXT.")
  String prefix;

  @Option(
      names = "--knn",
      paramLabel = "VECTOR",
      description = "Nearest neighbours of VECTOR, a JSON array of numbers: '[0.1,0.7,0.2]'.")
  String knn;

  @Option(
      names = {"-k", "--k"},
      paramLabel = "N",
      defaultValue = "10",
      description = "How many neighbours --knn returns (default 10).")
  int k;

  @Mixin PageOptions pages;

  @Override
  void execute(RouterClient router) throws CliException {
    int forms =
        (min != null || max != null ? 1 : 0)
            + (eq != null ? 1 : 0)
            + (prefix != null ? 1 : 0)
            + (knn != null ? 1 : 0);
    if (forms != 1) {
      throw CliException.usage(
          "give one of --min/--max, --eq, --prefix or --knn (see px-kvstore query --help)");
    }
    if (index.isEmpty()) throw CliException.usage("INDEX must not be empty");
    try {
      if (knn != null) {
        nearest(router);
      } else {
        Pages.print(router, "/query", query(), pages, json(), out());
      }
    } catch (CliException e) {
      throw unknownIndex(e) ? notFound(e).withHint(NEEDS_INDEXES) : e;
    }
  }

  /** The router names the index unknown (400 unknown_index; 404 from routers before indexes). */
  private static boolean unknownIndex(CliException e) {
    if (e.exitCode() == ExitCode.NOT_FOUND) return true;
    return e.errorBody() != null && e.errorBody().contains("\"error\":\"unknown_index\"");
  }

  /** An unknown index is "not found" to scripts: exit code 1, as a missing key. */
  private static CliException notFound(CliException e) {
    return new CliException(ExitCode.NOT_FOUND, e.getMessage(), e.errorBody());
  }

  private String query() throws CliException {
    StringBuilder q = new StringBuilder("index=").append(UrlParts.query(index));
    if (min != null) q.append("&min=").append(UrlParts.query(number("--min", min).toString()));
    if (max != null) q.append("&max=").append(UrlParts.query(number("--max", max).toString()));
    if (min != null && max != null && number("--min", min).compareTo(number("--max", max)) > 0) {
      throw CliException.usage("--min " + min + " is above --max " + max);
    }
    if (eq != null) q.append("&eq=").append(UrlParts.query(eq));
    if (prefix != null) q.append("&prefix=").append(UrlParts.query(prefix));
    return q.toString();
  }

  private void nearest(RouterClient router) throws CliException {
    if (k < 1) throw CliException.usage("--k must be at least 1 (was " + k + ")");
    JsonArray vector;
    try {
      vector = new JsonArray(knn);
    } catch (RuntimeException e) {
      throw CliException.usage("--knn must be a JSON array of numbers (was " + knn + ")");
    }
    if (vector.isEmpty() || !vector.stream().allMatch(x -> x instanceof Number)) {
      throw CliException.usage("--knn must be a non-empty JSON array of numbers (was " + knn + ")");
    }
    JsonObject body = new JsonObject().put("index", index).put("vector", vector).put("k", k);
    RouterClient.Reply reply = router.post("/query/knn", body.encode());
    for (String item : RawJson.elements(reply.body(), "items")) {
      if (json()) {
        out().println(item);
      } else {
        String line = new JsonObject(item).getString("key") + "\t" + RawJson.member(item, "score");
        out().println(pages.values ? line + "\t" + RawJson.member(item, "value") : line);
      }
    }
  }

  private static BigDecimal number(String flag, String text) throws CliException {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw CliException.usage(flag + " must be a number (was " + text + ")");
    }
  }
}
