package io.pxkv.bench.harness;

import java.util.List;

/**
 * A Python 3 module a scenario's baseline imports (numpy for a brute-force k-NN), checked by
 * importing it with the {@code python3} on the PATH.
 */
public record PythonModule(String module, String aptPackage) implements Requirement {

  @Override
  public String name() {
    return "python3 " + module;
  }

  @Override
  public Missing check(Settings settings) {
    Tool python = new Tool("python3", "python3", List.of("{exe}", "--version"), null);
    if (python.find(settings.searchPath()) == null) {
      return new Missing("python3", "python3", null);
    }
    String exe = python.find(settings.searchPath()).toString();
    if (Commands.exitCode(List.of(exe, "-c", "import " + module)) != 0) {
      return new Missing("python3 module " + module, aptPackage, null);
    }
    return null;
  }
}
