package io.pxkv.bench.harness;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An outside program a scenario runs, found on the PATH, with the Debian package that brings it and
 * how to read its version for the report's machine table.
 *
 * @param executable the command name
 * @param aptPackage the Debian/Ubuntu package that installs it
 * @param versionCommand prints the version ({@code {exe}} stands for the executable's path)
 * @param versionPattern group 1 is the version in that output
 */
public record Tool(
    String executable, String aptPackage, List<String> versionCommand, Pattern versionPattern)
    implements Requirement {

  public static final Tool WRK =
      new Tool("wrk", "wrk", List.of("{exe}", "-v"), Pattern.compile("wrk (\\S+)"));
  public static final Tool REDIS =
      new Tool(
          "redis-server",
          "redis-server",
          List.of("{exe}", "--version"),
          Pattern.compile("v=(\\S+)"));
  public static final Tool WEBDIS =
      new Tool(
          "webdis",
          "webdis",
          List.of("dpkg-query", "-W", "-f", "${Version}", "webdis"),
          Pattern.compile("^(\\S+)$"));

  /** etcd (a member of an etcd cluster); Debian names its package etcd-server. */
  public static final Tool ETCD =
      new Tool(
          "etcd",
          "etcd-server",
          List.of("{exe}", "--version"),
          Pattern.compile("etcd Version: (\\S+)"));

  @Override
  public String name() {
    return executable;
  }

  @Override
  public Missing check(Settings settings) {
    return find(settings.searchPath()) == null ? new Missing(executable, aptPackage, null) : null;
  }

  /** The executable's path on {@code searchPath}, or null. */
  public Path find(String searchPath) {
    if (searchPath == null) {
      return null;
    }
    for (String dir : searchPath.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, executable);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Its version, {@code unknown} if its output did not say, {@code not installed} if absent. */
  public String version(String searchPath) {
    Path exe = find(searchPath);
    if (exe == null) {
      return "not installed";
    }
    List<String> command =
        versionCommand.stream().map(a -> a.equals("{exe}") ? exe.toString() : a).toList();
    String out = Commands.output(command);
    Matcher m = versionPattern.matcher(out == null ? "" : out.strip());
    return m.find() ? m.group(1) : "unknown";
  }
}
