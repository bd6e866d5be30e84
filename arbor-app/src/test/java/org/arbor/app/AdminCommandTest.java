package org.arbor.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The admin commands on a data folder: users, tokens (add, list, revoke) and organisations. */
class AdminCommandTest {
  @TempDir Path data;

  @Test
  void tokens_are_added_listed_and_revoked() {
    assertThat(run("admin", "user", "add", "kim").code()).isZero();
    Result added = run("admin", "token", "add", "kim", "--read", "--name", "laptop");
    assertThat(added.code()).isZero();
    assertThat(added.out().strip()).matches("hf_[A-Za-z0-9]{34}");
    Result listed = run("admin", "token", "list", "kim");
    assertThat(listed.out()).contains("read").contains("laptop").doesNotContain(added.out().strip());
    String id = listed.out().strip().split("\\s+")[0];
    assertThat(run("admin", "token", "revoke", "kim", id).code()).isZero();
    assertThat(run("admin", "token", "list", "kim").out()).isBlank();
    assertThat(run("admin", "token", "revoke", "kim", id).code()).isNotZero();
  }

  @Test
  void organisations_and_roles() {
    run("admin", "user", "add", "ada");
    run("admin", "user", "add", "bo");
    assertThat(run("admin", "org", "add", "lab", "--admin", "ada").code()).isZero();
    assertThat(run("admin", "org", "member", "lab", "bo", "--role", "write").code()).isZero();
    assertThat(run("admin", "org", "member", "lab", "bo", "--role", "owner").code()).isNotZero();
    assertThat(run("admin", "user", "add", "lab").code()).as("an organisation's name").isNotZero();
  }

  record Result(int code, String out) {}

  private Result run(String... args) {
    return run(data, args);
  }

  /** Runs {@code arbor ARGS --data DATA} in this JVM; its standard output is captured. */
  static Result run(Path data, String... args) {
    String[] withData = java.util.Arrays.copyOf(args, args.length + 2);
    withData[args.length] = "--data";
    withData[args.length + 1] = data.toString();
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = new CommandLine(new Main())
          .setExecutionExceptionHandler((e, cmd, parsed) -> 1)
          .execute(withData);
      return new Result(code, out.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }
}
