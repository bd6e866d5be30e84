package org.arbor.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real {@code git} (and git-lfs) command, run with a home folder of its own and no prompts. */
final class GitCli {
  record Result(int code, String out) {
    void assertOk() {
      assertThat(code).as("exit code; output:%n%s", out).isZero();
    }
  }

  private final Path home;

  /** A git whose global configuration lives in {@code home}, with a user name and email, LFS installed. */
  static GitCli configured(Path home) throws Exception {
    GitCli git = new GitCli(home);
    git.run(home, "git", "lfs", "install", "--skip-repo").assertOk();
    git.run(home, "git", "config", "--global", "user.name", "Tester").assertOk();
    git.run(home, "git", "config", "--global", "user.email", "tester@example.com").assertOk();
    git.run(home, "git", "config", "--global", "init.defaultBranch", "main").assertOk();
    return git;
  }

  GitCli(Path home) {
    this.home = home;
  }

  Result run(Path dir, String... args) throws Exception {
    return finish(command(dir, args));
  }

  ProcessBuilder command(Path dir, String... args) {
    ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(args))).directory(dir.toFile())
        .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_ASKPASS", "/bin/false");
    return builder;
  }

  static Result finish(ProcessBuilder builder) throws Exception {
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + builder.command());
    }
    return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
