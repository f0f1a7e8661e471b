package io.pxkv.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code px-kvstore query} against a {@link FakeRouter} that answers {@code /query} and {@code
 * /query/knn} as CONTRACT.md names them (the router has no indexes yet): what the command sends,
 * that it follows cursors, what it prints, and its exit codes.
 */
class QueryCommandTest {
  private static final String FIRST =
      "{\"items\":[{\"key\":\"item:1\",\"value\":{\"price\":1.50},\"version\":7},"
          + "{\"key\":\"item:2\",\"value\":{\"price\":3},\"version\":8}],\"cursor\":\"c+/1=\"}";
  private static final String LAST =
      "{\"items\":[{\"key\":\"item:3\",\"value\":{\"price\":20},\"version\":9}]}";

  @Test
  void aRangeQuerySendsTheBoundsAndFollowsTheCursor() throws Exception {
    try (FakeRouter router =
        new FakeRouter(
            r -> new FakeRouter.Answer(200, r.uri().contains("cursor=") ? LAST : FIRST))) {
      Cli.Result human =
          new Cli()
              .run(
                  "query",
                  "price",
                  "--min",
                  "1.5",
                  "--max",
                  "20",
                  "--page-size",
                  "2",
                  "--url",
                  router.url());
      assertEquals(0, human.code(), human.toString());
      assertEquals("item:1\nitem:2\nitem:3\n", human.out());
      assertEquals(
          List.of(
              "GET /query?index=price&min=1.5&max=20&limit=2",
              "GET /query?index=price&min=1.5&max=20&limit=2&cursor=c%2B%2F1%3D"),
          router.requests().stream().map(r -> r.method() + " " + r.uri()).toList());

      Cli.Result values =
          new Cli()
              .run("query", "price", "--min", "1", "-v", "--limit", "2", "--url", router.url());
      assertEquals("item:1\t{\"price\":1.50}\nitem:2\t{\"price\":3}\n", values.out());

      Cli.Result json =
          new Cli().run("query", "price", "--max", "3", "--json", "--url", router.url());
      assertEquals(0, json.code(), json.toString());
      List<String> lines = json.out().lines().toList();
      assertEquals(3, lines.size());
      assertEquals("{\"key\":\"item:1\",\"value\":{\"price\":1.50},\"version\":7}", lines.get(0));
    }
  }

  @Test
  void equalityAndPrefixQueriesEncodeTheirText() throws Exception {
    try (FakeRouter router = new FakeRouter(r -> new FakeRouter.Answer(200, LAST))) {
      assertEquals(
          0,
          new Cli().run("query", "name", "--eq", "Ada Lovelace+1", "--url", router.url()).code());
      assertEquals(
          0, new Cli().run("query", "näme", "--prefix", "Å&=", "--url", router.url()).code());
      assertEquals(
          List.of(
              "/query?index=name&eq=Ada+Lovelace%2B1&limit=100",
              "/query?index=n%C3%A4me&prefix=%C3%85%26%3D&limit=100"),
          router.requests().stream().map(FakeRouter.Request::uri).toList());
    }
  }

  @Test
  void aNearestNeighbourQueryPostsTheVector() throws Exception {
    String answer =
        "{\"items\":[{\"key\":\"doc:3\",\"value\":{\"t\":\"a\"},\"score\":0.98},"
            + "{\"key\":\"doc:1\",\"value\":[1],\"score\":0.5}]}";
    try (FakeRouter router = new FakeRouter(r -> new FakeRouter.Answer(200, answer))) {
      Cli.Result human =
          new Cli()
              .run("query", "emb", "--knn", "[0.1, 0.7, 0.2]", "-k", "2", "--url", router.url());
      assertEquals(0, human.code(), human.toString());
      assertEquals("doc:3\t0.98\ndoc:1\t0.5\n", human.out());
      FakeRouter.Request sent = router.requests().get(0);
      assertEquals("POST /query/knn", sent.method() + " " + sent.uri());
      assertEquals(
          new JsonObject("{\"index\":\"emb\",\"vector\":[0.1,0.7,0.2],\"k\":2}"),
          new JsonObject(sent.body()));

      Cli.Result json =
          new Cli().run("query", "emb", "--knn", "[1]", "--json", "--url", router.url());
      assertEquals(
          "{\"key\":\"doc:3\",\"value\":{\"t\":\"a\"},\"score\":0.98}\n"
              + "{\"key\":\"doc:1\",\"value\":[1],\"score\":0.5}\n",
          json.out());
      assertEquals(
          10, new JsonObject(router.requests().get(1).body()).getInteger("k"), "default k");
    }
  }

  @Test
  void theRoutersRefusalsBecomeExitCodes() throws Exception {
    try (FakeRouter router =
        new FakeRouter(
            r ->
                r.uri().contains("index=gone")
                    ? new FakeRouter.Answer(
                        404, "{\"error\":\"not_found\",\"message\":\"no index 'gone'\"}")
                    : new FakeRouter.Answer(
                        400,
                        "{\"error\":\"invalid_request\",\"message\":\"index 'name' holds strings\"}"))) {
      Cli.Result gone = new Cli().run("query", "gone", "--eq", "x", "--url", router.url());
      assertEquals(ExitCode.NOT_FOUND, gone.code());
      assertEquals(
          "px-kvstore query: no index 'gone' (queries need a router with indexes)\n", gone.err());
      Cli.Result bad = new Cli().run("query", "name", "--min", "1", "--url", router.url());
      assertEquals(ExitCode.USAGE, bad.code());
      assertTrue(bad.err().contains("holds strings"), bad.toString());
      Cli.Result badJson =
          new Cli().run("query", "name", "--min", "1", "--json", "--url", router.url());
      assertEquals("invalid_request", new JsonObject(badJson.out()).getString("error"));
    }
  }
}
