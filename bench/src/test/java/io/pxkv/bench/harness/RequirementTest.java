package io.pxkv.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RequirementTest {
  @TempDir Path dir;

  Settings settings(String path) {
    return CommandLine.parse(new String[] {"--root", dir.toString()}, dir, null, path).settings();
  }

  Path executable(String name, String script) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path exe = bin.resolve(name);
    Files.writeString(exe, "#!/bin/sh\n" + script + "\n");
    Files.setPosixFilePermissions(exe, PosixFilePermissions.fromString("rwxr-xr-x"));
    return exe;
  }

  @Test
  void missingToolsAreNamedWithOneAptGetLine() {
    String reason =
        Requirement.skipReason(
            List.of(Tool.WRK, Tool.REDIS, Tool.WEBDIS), settings(dir.resolve("empty").toString()));
    assertEquals(
        "missing wrk, redis-server, webdis (`apt-get install -y wrk redis-server webdis`)", reason);
  }

  @Test
  void aToolOnThePathIsFoundAndItsVersionRead() throws IOException {
    Path wrk = executable("wrk", "echo 'wrk 4.2.0 [epoll] Copyright (C) 2012 Will Glozer'");
    String path = dir.resolve("nowhere") + ":" + wrk.getParent();
    assertEquals(wrk, Tool.WRK.find(path));
    assertNull(Requirement.skipReason(List.of(Tool.WRK), settings(path)));
    assertEquals("4.2.0", Tool.WRK.version(path));
    assertEquals("not installed", Tool.REDIS.version(path));
  }

  @Test
  void aFileThatIsNotExecutableIsNotTheTool() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Files.writeString(bin.resolve("wrk"), "not a program");
    assertNull(Tool.WRK.find(bin.toString()));
  }

  @Test
  void aMissingJarSaysHowToBuildItAfterTheTools() {
    Settings s = settings(dir.resolve("empty").toString());
    assertEquals(
        "missing wrk (`apt-get install -y wrk`); no px-kvstore jar at"
            + " `launcher/target/px-kvstore.jar` (build it: `mvn -B -DskipTests package`, or run"
            + " through `bench/run`, which does)",
        Requirement.skipReason(List.of(Tool.WRK, PxkvJar.INSTANCE), s));
  }

  @Test
  void aPythonModuleIsCheckedByImportingIt() throws IOException {
    Path python = executable("python3", "case \"$2\" in 'import numpy') exit 1;; *) exit 0;; esac");
    Settings s = settings(python.getParent().toString());
    assertEquals(
        "missing python3 module numpy (`apt-get install -y python3-numpy`)",
        Requirement.skipReason(List.of(new PythonModule("numpy", "python3-numpy")), s));
    assertNull(Requirement.skipReason(List.of(new PythonModule("json", "python3")), s));
    assertNotNull(
        new PythonModule("numpy", "python3-numpy")
            .check(settings(dir.resolve("empty").toString())));
  }
}
