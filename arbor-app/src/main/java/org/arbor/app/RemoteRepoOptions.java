package org.arbor.app;

import java.io.IOException;
import org.arbor.app.cli.ClientOptions;
import org.arbor.app.cli.RepoCommands;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --repo OWNER/NAME [--revision R] [--type T]} and the hub to find it on: the commands that read a repository in place. */
final class RemoteRepoOptions {
  @Option(names = "--repo", paramLabel = "OWNER/NAME",
      description = "Read the files of this repository on the hub, by range requests, instead of local ones")
  String repo;

  @Option(names = "--revision", defaultValue = "main", description = "With --repo: branch, tag or commit (default: main)")
  String revision;

  @Mixin RepoCommands.TypeOption type;
  @Mixin ClientOptions client;

  boolean given() {
    return repo != null;
  }

  RemoteRepoFiles open() throws IOException {
    return RemoteRepoFiles.open(client, type.checked(), repo, revision);
  }
}
